from django.urls import path

from . import onboarding, views

app_name = "tenants"
urlpatterns = [
    path("welcome/", onboarding.onboarding, name="onboarding"),
    path("switch/", onboarding.switch, name="switch"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path("invitations/", views.invitation_list_view, name="invitation_list"),
    path("invitations/new/", views.invitation_create_view, name="invitation_create"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
]
