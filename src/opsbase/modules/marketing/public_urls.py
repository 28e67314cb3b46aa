"""What a campaign e-mail's recipient reaches without signing in: ``/m/u/<token>/``
(unsubscribe), ``/m/o/<token>/`` (the open pixel), ``/m/c/<token>/`` (a link)."""

from django.urls import path

from .views import clicked, opened, unsubscribe

urlpatterns = [
    path("m/u/<str:token>/", unsubscribe, name="marketing_unsubscribe"),
    path("m/o/<str:token>/", opened, name="marketing_open"),
    path("m/c/<str:token>/", clicked, name="marketing_click"),
]
