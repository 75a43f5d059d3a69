"""Signing in and out, and changing one's password: Django's own views with abide's forms and
templates, then the second factor where the role needs one (``second_factor``,
``second_factor_setup``). The names are Django's (``login``, ``logout``, ``password_change``,
``password_change_done``), without a namespace, as ``LOGIN_URL`` and Django's views expect."""

from django.contrib.auth import views as auth_views
from django.urls import path

from abide.accounts import views
from abide.accounts.forms import ChangePasswordForm, SignInForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("second-factor/", views.confirm, name="second_factor"),
    path("second-factor/setup/", views.setup, name="second_factor_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", form_class=ChangePasswordForm
        ),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
