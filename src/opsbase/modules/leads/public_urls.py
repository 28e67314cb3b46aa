"""Pages anyone reaches: the web-to-lead forms at /w/<public key>/."""

from django.urls import path

from .views import lead_public_form

urlpatterns = [path("w/<str:key>/", lead_public_form, name="lead_public_form")]
