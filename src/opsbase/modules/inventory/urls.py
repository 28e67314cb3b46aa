from django.urls import include, path

from .views import CountPages, ItemPages, LocationPages, MovementPages

app_name = "inventory"
urlpatterns = [
    path("", include(ItemPages.urls())),
    path("locations/", include(LocationPages.urls())),
    path("movements/", include(MovementPages.urls())),
    path("counts/", include(CountPages.urls())),
]
