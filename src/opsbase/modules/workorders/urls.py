from .views import WorkOrderPages

app_name = "workorders"
urlpatterns = WorkOrderPages.urls()
