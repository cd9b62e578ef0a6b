"""SECRET_KEY values that must never sign a production session.

`.env.example` ships `SECRET_KEY=change-me` and DEBUG mode has a fallback key; both are public,
so a deployment that copied either signs sessions, password-reset links and CSRF tokens with a
key anyone can read. With DEBUG off such a key stops the start, like a missing one.
"""

import environ

# Values published in this repository, and the usual stand-ins people type instead of a secret.
PLACEHOLDERS = frozenset(
    {
        "change-me",
        "changeme",
        "change_me",
        "change-this",
        "changethis",
        "replace-me",
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "your-secret-key",
        "insecure-dev-key-only-for-debug",  # settings.py's DEBUG fallback
    }
)
INSECURE_PREFIX = "django-insecure-"  # what `startproject` writes; Django's check warns on it
MIN_DISTINCT_CHARACTERS = 5  # Django's own floor (security.W009): "xxxxxxxx" is no secret


def refuse_placeholder_secret(key: str) -> str:
    """`key`, unless it is empty, a known placeholder or obviously not random."""
    normalised = key.strip().lower()
    if (
        normalised in PLACEHOLDERS
        or normalised.startswith(INSECURE_PREFIX)
        or len(set(key)) < MIN_DISTINCT_CHARACTERS
    ):
        raise environ.ImproperlyConfigured(
            "SECRET_KEY is a placeholder, not a secret: with DEBUG off set it to a long random"
            " value (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    return key
