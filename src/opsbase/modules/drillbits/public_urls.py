"""What a drill bit's QR label opens: /s/<scan code>/ (signing in first)."""

from django.urls import path

from .views import drillbit_scan

urlpatterns = [path("s/<str:code>/", drillbit_scan, name="drillbit_scan")]
