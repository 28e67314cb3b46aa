from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import Item, Location, StockBalance, StockCount, StockMovement


@admin.register(Item)
class ItemAdmin(TenantReadOnlyAdmin):
    """Every organization's items, read-only: they change through the services."""

    list_display = ["sku", "name", "tenant", "unit", "low_stock_threshold"]
    list_filter = ["tenant"]
    search_fields = ["sku", "name", "tenant__name"]
    list_select_related = ["tenant"]
    ordering = ["sku", "pk"]


@admin.register(Location)
class LocationAdmin(TenantReadOnlyAdmin):
    list_display = ["code", "name", "tenant"]
    list_filter = ["tenant"]
    search_fields = ["code", "name"]
    list_select_related = ["tenant"]
    ordering = ["code", "pk"]


@admin.register(StockMovement)
class StockMovementAdmin(TenantReadOnlyAdmin):
    """The ledger, read-only: movements are posted in the app and never changed."""

    list_display = ["effective_date", "kind", "item", "quantity", "tenant", "reference"]
    list_filter = ["kind", "tenant"]
    search_fields = ["item__sku", "reference"]
    list_select_related = ["tenant", "item"]
    ordering = ["-effective_date", "-pk"]


@admin.register(StockBalance)
class StockBalanceAdmin(TenantReadOnlyAdmin):
    list_display = ["item", "location", "quantity", "tenant", "last_counted_on"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "item", "location"]
    ordering = ["item_id", "location_id"]


@admin.register(StockCount)
class StockCountAdmin(TenantReadOnlyAdmin):
    list_display = ["counted_on", "item", "location", "counted_quantity", "book_quantity", "tenant"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "item", "location"]
    ordering = ["-counted_on", "-pk"]
