"""Who an event says did something."""

from django.contrib.auth.models import AbstractBaseUser

from events.envelope import Actor


def actor_for(user: AbstractBaseUser) -> Actor:
    """The actor of an event is the authenticated user, never a client-supplied value: a
    header, a body field or a form field (the system this replaces trusted `X-User-ID`:
    docs/architecture.md, Standing rule 2)."""
    return Actor.human(user.pk, user.get_username())
