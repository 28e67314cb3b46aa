from .views import DispatchNotePages

app_name = "dispatch"
urlpatterns = DispatchNotePages.urls()
