from django.urls import include, path

from .views import CampaignPages, ConsentPages, MailingPages, marketing_settings

app_name = "marketing"
urlpatterns = [
    path("settings/", marketing_settings, name="settings"),
    path("emails/", include(MailingPages.urls())),
    path("consent/", include(ConsentPages.urls())),
    *CampaignPages.urls(),
]
