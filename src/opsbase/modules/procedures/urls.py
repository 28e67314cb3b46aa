from .views import ProcedurePages

app_name = "procedures"
urlpatterns = ProcedurePages.urls()
