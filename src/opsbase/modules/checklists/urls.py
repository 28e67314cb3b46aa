from django.urls import path

from .views import FormTemplatePages, submission_image

app_name = "checklists"
urlpatterns = [
    *FormTemplatePages.urls(),
    path("filled/<int:pk>/images/<str:key>/", submission_image, name="submission_file"),
]
