from .views import NcrPages

app_name = "quality"
urlpatterns = NcrPages.urls()
