"""Authentication with failures throttled (access.throttle): passwords and API tokens.

Every password check goes through `django.contrib.auth.authenticate` (the web login form, the
admin's login form, anything else), so the check sits in the authentication backend and the
count in the `user_login_failed` signal: no entry point can skip either. The login forms check
first as well, only to say why they refuse (a backend can only refuse without a reason).
"""

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from access import throttle


def _username(credentials: dict[str, Any]) -> str | None:
    value = credentials.get(get_user_model().USERNAME_FIELD, credentials.get("username"))
    return value if isinstance(value, str) else None


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing an account or address that failed too often (even with the
    right password: that is the point) until its window ends."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, **credentials: Any
    ) -> AbstractBaseUser | None:
        name = username if username is not None else _username(credentials)
        subjects = throttle.login_subjects(name, throttle.client_address(request))
        if throttle.refusal(subjects):
            # `authenticate` stops at PermissionDenied and reports the failure (counted below).
            raise PermissionDenied("too many failed logins")
        return super().authenticate(request, username=username, **credentials)


def count_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    """`user_login_failed` receiver (connected in access.apps)."""
    address = throttle.client_address(request)
    throttle.record_failure(throttle.login_subjects(_username(credentials), address))


def clear_account_failures(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **_: Any
) -> None:
    """`user_logged_in` receiver: a success starts the account's count afresh (the address's
    stays: one right password must not launder a guesser's address)."""
    throttle.clear(throttle.login_subjects(user.get_username(), None))


class ThrottledLoginFormMixin:
    """For AuthenticationForm and its subclasses: a throttled login is a form error that says
    so and when to try again (`refusal` holds it, for the view's status code)."""

    refusal: throttle.Refusal | None = None

    def clean(self) -> dict[str, Any]:
        subjects = throttle.login_subjects(
            self.cleaned_data.get("username"), throttle.client_address(self.request)
        )
        self._refuse_if_throttled(subjects)
        try:
            return super().clean()
        except ValidationError:
            # This failure may be the one that used the budget up: say so at once.
            self._refuse_if_throttled(subjects)
            raise

    def _refuse_if_throttled(self, subjects: throttle.Subjects) -> None:
        self.refusal = throttle.refusal(subjects)
        if self.refusal is not None:
            raise ValidationError(self.refusal.message, code="throttled")


class LoginForm(ThrottledLoginFormMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginFormMixin, AdminAuthenticationForm):
    pass


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF token authentication: an address that sent too many bad tokens is answered 429 with
    Retry-After for every token it sends until its window ends, valid or not, so that guessing
    learns nothing more; requests without a token are not affected."""

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, Any] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        refused = throttle.token_refusal(request)
        if refused is not None:
            # `wait` set afterwards: given to the constructor, DRF appends its own wording
            # ("Expected available in 900 seconds.") to the detail.
            error = exceptions.Throttled(detail=refused.message)
            error.wait = refused.retry_after
            raise error
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_token_failure(request)
            raise
