from django.urls import include, path

from .views import (
    LeadPages,
    LostReasonPages,
    lead_activity_add,
    lead_board,
    lead_forms,
    lead_move_view,
    lead_won_action,
)

app_name = "leads"
urlpatterns = [
    path("board/", lead_board, name="lead_board"),
    path("forms/", lead_forms, name="lead_forms"),
    path("<int:pk>/move/", lead_move_view, name="lead_move"),
    path("<int:pk>/activities/", lead_activity_add, name="lead_activity_add"),
    path("<int:pk>/convert/", lead_won_action, {"what": "convert"}, name="lead_convert"),
    path("<int:pk>/follow-up/", lead_won_action, {"what": "follow_up"}, name="lead_follow_up"),
    path("lost-reasons/", include(LostReasonPages.urls())),
    *LeadPages.urls(),
]
