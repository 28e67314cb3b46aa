"""The providers' webhooks (anymail): ``/email/webhooks/<provider>/tracking/``, secured by
``ANYMAIL_WEBHOOK_SECRET`` (HTTP basic auth the provider is given)."""

from django.urls import include, path

urlpatterns = [path("webhooks/", include("anymail.urls"))]
