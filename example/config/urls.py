from django.urls import include, path

urlpatterns = [path("", include("opsbase.urls"))]

handler400 = "opsbase.web.views.bad_request"
handler403 = "opsbase.web.views.permission_denied"
handler404 = "opsbase.web.views.page_not_found"
handler500 = "opsbase.web.views.server_error"
