from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.functional import lazy

from opsbase.conf import setting

from . import views
from .forms import LoginForm, PasswordChangeForm, PasswordResetSetForm

# Django's sign-in view and reset e-mail name the site after the request's host (there is no
# django.contrib.sites), which hides OPSBASE_SITE_NAME behind "127.0.0.1:8021": name it here.
SITE = {"site_name": lazy(lambda: str(setting("SITE_NAME")), str)()}

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
            extra_context=SITE,
        ),
        name="login",
    ),
    # POST only (Django 4.2 still accepted GET): a link or an image cannot sign anyone out.
    path(
        "logout/",
        auth_views.LogoutView.as_view(http_method_names=["post", "options"]),
        name="logout",
    ),
    path("profile/", views.profile, name="profile"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            form_class=PasswordChangeForm,
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset_body.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            extra_email_context=SITE,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=PasswordResetSetForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
