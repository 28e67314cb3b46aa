from django.urls import include, path

from .declarations import LEAD_FORMS
from .views import (
    LEAD_BOARD,
    LeadPages,
    LostReasonPages,
    PipelinePages,
    StagePages,
    lead_activity_add,
    lead_convert_view,
    lead_follow_up_view,
)

app_name = "leads"
urlpatterns = [
    path("board/", LEAD_BOARD.view, name="lead_board"),
    path("forms/", LEAD_FORMS.manage_view, name="lead_forms"),
    path("<int:pk>/move/", LEAD_BOARD.move_view, name="lead_move"),
    path("<int:pk>/activities/", lead_activity_add, name="lead_activity_add"),
    path("<int:pk>/convert/", lead_convert_view, name="lead_convert"),
    path("<int:pk>/follow-up/", lead_follow_up_view, name="lead_follow_up"),
    path("lost-reasons/", include(LostReasonPages.urls())),
    path("pipelines/", include(PipelinePages.urls())),
    path("stages/", include(StagePages.urls())),
    *LeadPages.urls(),
]
