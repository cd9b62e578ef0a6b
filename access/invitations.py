"""Invitation links: a one-time, expiring URL where a new member sets their own password.

The token is Django's password-reset token (an HMAC of the user's id, password hash, last login
and a timestamp) with a salt of its own, so it stops working once the password is set (one use)
and after PASSWORD_RESET_TIMEOUT seconds (INVITATION_MAX_AGE_SECONDS). The page that takes it is
Django's PasswordResetConfirmView (web.accounts: `set-password`). Issuing a new link does not end
the ones issued before: each ends when a password is set or when it expires.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from access.services import AccessError


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt: a token made for something else is no invitation, and the other way round.
    key_salt = "access.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user: AbstractBaseUser) -> str:
    """The site-relative path of a fresh invitation link for the user."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return reverse("set-password", kwargs={"uidb64": uidb64, "token": token})


def invitation_url(user: AbstractBaseUser, base_url: str | None = None) -> str:
    """The absolute invitation link, on `base_url` (default: the SITE_URL setting)."""
    return (base_url or settings.SITE_URL).rstrip("/") + invitation_path(user)


def validity() -> str:
    """How long a new link stays valid, for people: "72 hours", "30 minutes"."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds >= 3600:
        return f"{seconds // 3600} hours"
    return f"{max(1, seconds // 60)} minutes"


def renewable(username: str) -> AbstractBaseUser:
    """The user a fresh invitation link may be issued to: one who exists, is active and has
    not chosen a password yet. An account with a password is refused, so that a new link can
    never become a way into someone's account."""
    model = get_user_model()
    try:
        user = model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        raise AccessError(f"no user named {username!r}") from None
    if user.has_usable_password():
        raise AccessError(f"{user.get_username()} has set a password already: no link")
    if not user.is_active:
        raise AccessError(f"{user.get_username()} is deactivated: no link")
    return user
