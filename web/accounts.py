"""Logging in and out, and the invitation page where a new member sets their password."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import path, reverse_lazy

from access.authentication import LoginForm
from access.invitations import invitation_tokens


class LoginView(auth_views.LoginView):
    """Django's login page; a throttled login (access.throttle) answers 429 with Retry-After
    and says on the page when to try again."""

    authentication_form = LoginForm
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.refusal is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.refusal.retry_after)
        return response


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invitation link (access.invitations): valid once, until it expires."""

    token_generator = invitation_tokens
    template_name = "web/set_password.html"
    success_url = reverse_lazy("password-set")


urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/invitation/<uidb64>/<token>/", SetPasswordView.as_view(), name="set-password"),
    path(
        "accounts/invitation/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="web/password_set.html"),
        name="password-set",
    ),
]
