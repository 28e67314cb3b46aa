from .views import CustomerPages

app_name = "customers"
urlpatterns = CustomerPages.urls()
