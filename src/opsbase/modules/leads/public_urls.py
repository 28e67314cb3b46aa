"""Pages anyone reaches: the web-to-lead forms at /w/<public key>/."""

from django.urls import path

from .declarations import LEAD_FORMS

urlpatterns = [path("w/<str:key>/", LEAD_FORMS.public_view, name="lead_public_form")]
