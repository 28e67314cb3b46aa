"""API routes of inventory, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import (
    ItemViewSet,
    LocationViewSet,
    StockBalanceViewSet,
    StockCountViewSet,
    StockMovementViewSet,
)

router = SimpleRouter()
router.register("items", ItemViewSet, basename="item")
router.register("locations", LocationViewSet, basename="location")
router.register("stock-movements", StockMovementViewSet, basename="stockmovement")
router.register("stock-balances", StockBalanceViewSet, basename="stockbalance")
router.register("stock-counts", StockCountViewSet, basename="stockcount")

urlpatterns = router.urls
