from .views import TaskPages

app_name = "tasks"
urlpatterns = TaskPages.urls()
