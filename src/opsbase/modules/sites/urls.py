"""Pages of sites: /sites/rigs/… and /sites/wells/…"""

from django.urls import include, path

from .views import RigPages, WellPages

app_name = "sites"
urlpatterns = [
    path("rigs/", include(RigPages.urls())),
    path("wells/", include(WellPages.urls())),
]
