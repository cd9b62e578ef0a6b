"""Failed logins and bad API tokens, counted per account and per address, in Django's cache.

A subject (an account's username, a client's address) that failed `limit` times within a window
of LOGIN_FAILURE_WINDOW_SECONDS is refused until that window ends, even with the right password
or a valid token: otherwise a guesser would simply keep going at full speed. The window starts at
the subject's first failure (a fixed window), so refusals do not prolong it; a successful login
clears the account's count. The counts live in the default cache, which is shared by every web
process when CACHE_URL names a shared cache (settings.py), so the limits hold across processes.

Subjects are hashed into the cache key: usernames and addresses may hold characters a cache
backend refuses in keys, and the cache need not learn who was tried.
"""

import hashlib
import ipaddress
import math
import time
import unicodedata
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


class Subject(Enum):
    """What is counted, and the setting that says how many failures it may have per window."""

    ACCOUNT = "LOGIN_FAILURES_PER_ACCOUNT"
    ADDRESS = "LOGIN_FAILURES_PER_ADDRESS"
    TOKEN_ADDRESS = "TOKEN_FAILURES_PER_ADDRESS"

    @property
    def limit(self) -> int:
        return getattr(settings, self.value)


REASON = "Too many failed attempts for this account or from your address."


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds until the window ends

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"{REASON} Try again in {minutes} {unit}."


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as DRF's throttles see it (REMOTE_ADDR, or the X-Forwarded-For
    entry NUM_PROXIES proxies back), IPv6 by its /64: one host usually holds a whole /64."""
    if request is None:
        return None
    ident = BaseThrottle().get_ident(request)
    try:
        address = ipaddress.ip_address(ident)
    except ValueError:
        return ident or None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def normalize_username(username: str) -> str:
    # Case and compatibility forms folded: "Ada" and "ada" share one budget, so changing the
    # case of a name buys a guesser nothing.
    return unicodedata.normalize("NFKC", username).casefold()


Subjects = list[tuple[Subject, str]]


def login_subjects(username: str | None, address: str | None) -> Subjects:
    subjects: Subjects = []
    if username:
        subjects.append((Subject.ACCOUNT, normalize_username(username)))
    if address:
        subjects.append((Subject.ADDRESS, address))
    return subjects


def token_subjects(address: str | None) -> Subjects:
    return [(Subject.TOKEN_ADDRESS, address)] if address else []


def token_refusal(request: HttpRequest) -> Refusal | None:
    """A refusal if the request's address sent too many bad tokens (API, /metrics)."""
    return refusal(token_subjects(client_address(request)))


def record_token_failure(request: HttpRequest) -> None:
    record_failure(token_subjects(client_address(request)))


def refusal(subjects: Subjects) -> Refusal | None:
    """A refusal if any subject used up its failures in its current window."""
    now = time.time()
    waits = []
    for subject, value in subjects:
        count_key, until_key = _keys(subject, value)
        values = cache.get_many([count_key, until_key])
        if values.get(count_key, 0) >= subject.limit:
            until = values.get(until_key, now + settings.LOGIN_FAILURE_WINDOW_SECONDS)
            waits.append(max(1, math.ceil(until - now)))
    return Refusal(retry_after=max(waits)) if waits else None


def record_failure(subjects: Subjects) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for subject, value in subjects:
        count_key, until_key = _keys(subject, value)
        # `add` starts a window only if none is running; `incr` is atomic on Redis and memcached.
        if cache.add(count_key, 1, timeout=window):
            cache.set(until_key, time.time() + window, timeout=window)
            continue
        try:
            cache.incr(count_key)
        except ValueError:  # the window ended between `add` and `incr`: a new one starts
            cache.set(count_key, 1, timeout=window)
            cache.set(until_key, time.time() + window, timeout=window)
            continue
        # Redis, memcached and the local-memory cache keep a key's expiry on `incr`; the
        # database and file caches rewrite the key with the default timeout. Put the window's
        # end back, so that no backend lets a count outlive or undercut its window.
        until = cache.get(until_key)
        if until is not None:
            cache.touch(count_key, timeout=max(1, math.ceil(until - time.time())))


def clear(subjects: Subjects) -> None:
    cache.delete_many([key for subject, value in subjects for key in _keys(subject, value)])


def _keys(subject: Subject, value: str) -> tuple[str, str]:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    base = f"access:failures:{subject.name.lower()}:{digest}"
    return base, f"{base}:until"
