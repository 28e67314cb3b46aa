from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Campaign, Consent, Mailing


@admin.register(Campaign)
class CampaignAdmin(TenantReadOnlyAdmin):
    list_display = ["name", "tenant", "channel", "utm_campaign", "budget"]
    list_filter = ["tenant", "channel"]
    list_select_related = ["tenant"]


@admin.register(Mailing)
class MailingAdmin(TenantReadOnlyAdmin):
    list_display = ["subject", "tenant", "campaign", "state"]
    list_filter = ["tenant", "state"]
    list_select_related = ["tenant", "campaign"]


@admin.register(Consent)
class ConsentAdmin(TenantReadOnlyAdmin):
    list_display = ["email", "tenant", "status"]
    list_filter = ["tenant", "status"]
    list_select_related = ["tenant"]
