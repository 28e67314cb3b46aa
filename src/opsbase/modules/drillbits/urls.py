from django.urls import path

from .views import DrillBitPages, bitrun_create_page, drillbit_labels, drillbit_qr

app_name = "drillbits"
urlpatterns = [
    path("labels/", drillbit_labels, name="drillbit_labels"),
    path("<int:pk>/qr.svg", drillbit_qr, name="drillbit_qr"),
    path("<int:pk>/runs/new/", bitrun_create_page, name="bitrun_create"),
    *DrillBitPages.urls(),
]
