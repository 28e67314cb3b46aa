"""Pages of maintenance: /maintenance/equipment/… and /maintenance/plans/…"""

from django.urls import include, path

from .views import EquipmentPages, PlanPages

app_name = "maintenance"
urlpatterns = [
    path("equipment/", include(EquipmentPages.urls())),
    path("plans/", include(PlanPages.urls())),
]
