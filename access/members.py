"""Adding a person: a new user and their first membership, written together or not at all.

Everything is checked before anything is written (the username, the email, the password against
AUTH_PASSWORD_VALIDATORS, the project, the role), and the user and the membership are created in
one transaction, so a refused request leaves no user without a membership behind. Without a
password the account gets an unusable one and an invitation link (access.invitations) lets the
person choose theirs.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from access.models import Membership, Role
from access.services import AccessError, find_project, parse_role, require_text
from readmodel.models import Project


class MemberRefused(AccessError):
    """The new member cannot be added as asked; `errors` says why, per field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
        )


@dataclass(frozen=True)
class NewMember:
    username: str
    email: str
    project_slug: str
    role: str
    # None: no password yet; the person sets one through an invitation link.
    password: str | None


def add_member(new: NewMember) -> Membership:
    """Create the user with this role in the project, or raise MemberRefused and write nothing."""
    user, project, role = _checked(new)
    try:
        with transaction.atomic():
            user.save()
            return Membership.objects.create(user=user, project=project, role=role)
    except IntegrityError:
        # The unique username is the last word: someone created the same user meanwhile.
        raise MemberRefused({"username": [_taken(user.get_username())]}) from None


def _checked(new: NewMember) -> tuple[AbstractBaseUser, Project, Role]:
    """An unsaved user, the project and the role, once every field is valid."""
    errors = _not_text(new)
    if errors:
        # Nothing else can be checked with such a value (the database cannot even look it up).
        raise MemberRefused(errors)
    model = get_user_model()
    username = model.normalize_username(new.username)
    user = model(username=username, email=model.objects.normalize_email(new.email))
    for field, check in [("username", _check_username), ("email", _check_email)]:
        try:
            check(user)
        except ValidationError as error:
            errors[field] = list(error.messages)
    if new.password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(new.password, user=user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
        user.set_password(new.password)
    project = role = None
    try:
        project = find_project(new.project_slug)
    except AccessError as error:
        errors["project"] = [str(error)]
    try:
        role = parse_role(new.role)
    except AccessError as error:
        errors["role"] = [str(error)]
    if errors:
        raise MemberRefused(errors)
    return user, project, role


def _not_text(new: NewMember) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    fields = [("username", new.username), ("email", new.email), ("project", new.project_slug)]
    fields += [("role", new.role), ("password", new.password or "")]
    for field, value in fields:
        try:
            require_text(field, value)
        except AccessError as error:
            errors[field] = [str(error)]
    return errors


def _check_username(user: AbstractBaseUser) -> None:
    field = type(user)._meta.get_field(type(user).USERNAME_FIELD)
    username = user.get_username()
    if not username:
        raise ValidationError("A username is required.")
    # The model field's own validators: the characters Django allows and the maximum length.
    field.run_validators(username)
    # Case-insensitively, as Django's own user creation form does: "Ada" beside "ada" is a
    # mistake or an impersonation.
    if type(user)._default_manager.filter(**{f"{field.name}__iexact": username}).exists():
        raise ValidationError(_taken(username))


def _check_email(user: AbstractBaseUser) -> None:
    if user.email:
        validate_email(user.email)
        type(user)._meta.get_field("email").run_validators(user.email)


def _taken(username: str) -> str:
    return (
        f"A user named {username!r} already exists: give them a role with `grant`"
        " (or the membership admin) instead."
    )
