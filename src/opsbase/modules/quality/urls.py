from django.urls import include, path

from .views import InspectionPages, NcrPages

app_name = "quality"
urlpatterns = [
    path("inspections/", include(InspectionPages.urls())),
    *NcrPages.urls(),
]
