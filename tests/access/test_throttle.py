"""Failed logins and bad tokens are throttled: per account and per address,
on the web login, the admin login, the API's token authentication and /metrics' bearer token."""

import time

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from access import throttle

PASSWORD = "tangerine-orbit-42"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.TOKEN_FAILURES_PER_ADDRESS = 4
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    # A fast hasher: these tests make many users and many password checks.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(db) -> dict[str, User]:
    names = ("ada", "bob", "cyd", "dan", "eve", "fay", "gus")
    users = {name: User.objects.create_user(name, password=PASSWORD) for name in names}
    users["root"] = User.objects.create_superuser("root", password=PASSWORD)
    return users


def log_in(client: Client, username: str, password: str, url: str = LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sixty_wrong_passwords_then_the_right_one_is_refused(people, client, settings):
    """The issue's case, with the shipped limits (the conftest's settings are not used)."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 50
    for _ in range(60):
        log_in(client, "ada", "wrong")
    refused = log_in(client, "ada", PASSWORD)
    assert refused.status_code == 429
    assert not logged_in(client)


def test_the_right_password_is_refused_after_too_many_wrong_ones(people, client):
    for _ in range(2):
        assert log_in(client, "ada", "wrong").status_code == 200
    assert log_in(client, "ada", "wrong").status_code == 429
    refused = log_in(client, "ada", PASSWORD)
    assert refused.status_code == 429
    assert 890 <= int(refused["Retry-After"]) <= 900
    assert "Too many failed attempts" in refused.content.decode()
    assert "Try again in 15 minutes" in refused.content.decode()
    assert not logged_in(client)
    # Another account from the same address is not locked out by ada's budget.
    assert log_in(client, "bob", PASSWORD).status_code == 302


def test_the_failure_that_uses_the_budget_up_says_so(people, client):
    log_in(client, "ada", "wrong")
    log_in(client, "ada", "wrong")
    third = log_in(client, "ada", "wrong")
    assert third.status_code == 429
    assert "Too many failed attempts" in third.content.decode()


def test_the_account_count_ignores_case_and_address(people):
    """Changing the name's case or the address does not buy a guesser more tries."""
    for number, name in enumerate(["ada", "ADA", "Ada"]):
        log_in(Client(REMOTE_ADDR=f"192.0.2.{number}"), name, "wrong")
    refused = log_in(Client(REMOTE_ADDR="192.0.2.99"), "ada", PASSWORD)
    assert refused.status_code == 429


def test_one_address_trying_many_accounts_is_refused(people):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for name in ("ada", "bob", "cyd", "dan", "eve"):
        log_in(client, name, "wrong")
    assert log_in(client, "fay", PASSWORD).status_code == 429
    assert log_in(Client(REMOTE_ADDR="198.51.100.8"), "fay", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_change_the_address(people):
    """Without NUM_PROXIES the client's X-Forwarded-For is not believed."""
    for number, name in enumerate(("ada", "bob", "cyd", "dan", "eve")):
        client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
        log_in(client, name, "wrong")
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.0.0.200")
    assert log_in(client, "fay", PASSWORD).status_code == 429


def test_behind_a_proxy_the_forwarded_address_counts(people, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for name in ("ada", "bob", "cyd", "dan", "eve"):
        log_in(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"), name, "wrong")
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert log_in(other, "fay", PASSWORD).status_code == 302
    same = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert log_in(same, "gus", PASSWORD).status_code == 429


def test_an_ipv6_host_counts_as_its_64(people):
    for number, name in enumerate(("ada", "bob", "cyd", "dan", "eve")):
        log_in(Client(REMOTE_ADDR=f"2001:db8:1:2::{number + 1}"), name, "wrong")
    assert log_in(Client(REMOTE_ADDR="2001:db8:1:2::ff"), "fay", PASSWORD).status_code == 429
    assert log_in(Client(REMOTE_ADDR="2001:db8:1:3::1"), "fay", PASSWORD).status_code == 302


def test_a_success_starts_the_account_count_afresh(people, client):
    log_in(client, "ada", "wrong")
    log_in(client, "ada", "wrong")
    assert log_in(client, "ada", PASSWORD).status_code == 302
    client.logout()
    log_in(client, "ada", "wrong")
    log_in(client, "ada", "wrong")
    assert log_in(client, "ada", PASSWORD).status_code == 302


def test_logging_in_to_ones_own_account_does_not_reset_the_address(people):
    """An attacker who owns an account cannot alternate guesses with successful logins to
    escape either limit: a success clears only the account that logged in."""
    client = Client(REMOTE_ADDR="198.51.100.9")
    for victim in ("ada", "ada", "cyd", "dan", "eve"):
        log_in(client, victim, "wrong")
        client.logout()
        if victim != "eve":
            assert log_in(client, "bob", PASSWORD).status_code == 302
            client.logout()
    # The address used its 5 failures: even bob's right password is refused from it now.
    assert log_in(client, "bob", PASSWORD).status_code == 429
    # ada's own count (2 of 3) was not cleared by bob's logins: one more failure locks her.
    log_in(Client(REMOTE_ADDR="203.0.113.1"), "ada", "wrong")
    assert log_in(Client(REMOTE_ADDR="203.0.113.2"), "ada", PASSWORD).status_code == 429


def test_the_admin_login_is_throttled_too(people, client):
    for _ in range(3):
        log_in(client, "root", "wrong", url=ADMIN_LOGIN)
    refused = log_in(client, "root", PASSWORD, url=ADMIN_LOGIN)
    assert "Too many failed attempts" in refused.content.decode()
    assert not logged_in(client)
    # One budget for both doors: the web login refuses root as well.
    assert log_in(client, "root", PASSWORD).status_code == 429


def test_every_password_check_counts_not_only_the_forms(people, client):
    """The backend refuses and the signal counts, so no entry point can skip the throttle."""
    from django.contrib.auth import authenticate

    for _ in range(3):
        assert authenticate(username="ada", password="wrong") is None
    assert authenticate(username="ada", password=PASSWORD) is None
    assert log_in(client, "ada", PASSWORD).status_code == 429


def token_client(key: str, address: str = "192.0.2.10") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_bad_api_tokens_are_throttled_per_address(people):
    good = Token.objects.create(user=people["ada"]).key
    for number in range(4):
        answer = token_client(f"{number:040x}").get("/api/v1/projects/")
        assert answer.status_code == 401
    refused = token_client(f"{99:040x}").get("/api/v1/projects/")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert refused.json()["detail"] == f"{throttle.REASON} Try again in 15 minutes."
    assert 890 <= int(refused["Retry-After"]) <= 900
    # A valid token from that address is refused too until the window ends: guessing learns
    # nothing more. From another address it works.
    assert token_client(good).get("/api/v1/projects/").status_code == 429
    assert token_client(good, "192.0.2.11").get("/api/v1/projects/").status_code == 200


def test_requests_without_a_token_are_not_affected(people):
    for number in range(4):
        token_client(f"{number:040x}").get("/api/v1/projects/")
    session = APIClient(REMOTE_ADDR="192.0.2.10")
    session.force_login(people["bob"])
    assert session.get("/api/v1/projects/").status_code == 200


def test_bad_metrics_tokens_are_throttled_per_address(db, settings):
    settings.METRICS_TOKEN = "s3cret-metrics"
    for _ in range(4):
        assert Client(HTTP_AUTHORIZATION="Bearer guess").get("/metrics").status_code == 401
    right = Client(HTTP_AUTHORIZATION="Bearer s3cret-metrics")
    refused = right.get("/metrics")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert right.get("/metrics", REMOTE_ADDR="192.0.2.50").status_code == 200


DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


@pytest.fixture(
    params=[
        "django.core.cache.backends.filebased.FileBasedCache",
        "django.core.cache.backends.locmem.LocMemCache",
        DATABASE_CACHE,
    ]
)
def cache_backend(request, db, settings, tmp_path) -> str:
    """The default cache switched to one backend for a test, and back before the database
    goes away (the autouse fixture above clears the default cache after the test)."""
    previous = settings.CACHES
    location = "throttle_test_cache" if request.param == DATABASE_CACHE else str(tmp_path)
    settings.CACHES = {"default": {"BACKEND": request.param, "LOCATION": location}}
    if request.param == DATABASE_CACHE:
        call_command("createcachetable", verbosity=0)
    yield request.param
    cache.clear()
    settings.CACHES = previous


def test_a_refusal_ends_with_its_window_on_every_cache(people, settings, tmp_path, cache_backend):
    """The counts live in the configured cache (a shared one when CACHE_URL names it: the
    file and database caches here are ones several processes share). Caches whose `incr`
    rewrites the key with the default timeout must not keep the count beyond its window."""
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 2
    client = Client()
    for _ in range(3):
        log_in(client, "ada", "wrong")
    assert log_in(client, "ada", PASSWORD).status_code == 429
    if "filebased" in cache_backend:
        assert list(tmp_path.iterdir()), "the counts are in the shared cache"
    if cache_backend == DATABASE_CACHE:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM throttle_test_cache")
            assert cursor.fetchone()[0] > 0, "the counts are in the shared cache"
    time.sleep(2.2)
    assert log_in(client, "ada", PASSWORD).status_code == 302
