"""Settings come from the environment; a production start without a secret must fail."""

import os
import subprocess
import sys

import pytest

from interview_analyzer.settings import BASE_DIR


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    """`code` after django.setup() in a real process with only these variables (plus PATH),
    and no .env file."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "interview_analyzer.settings",
            "ENV_FILE": "/dev/null",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def start_django(**env: str) -> subprocess.CompletedProcess:
    return run_django("print('started')", **env)


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = start_django(DEBUG="0")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_it_starts_with_a_secret_key_when_debug_is_off():
    result = start_django(DEBUG="0", SECRET_KEY="a-real-secret-from-the-environment")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EVENT_STORE": "kafka"}, "EVENT_STORE must be 'sql' or 'esdb'"),
        ({"EVENT_STORE": "esdb"}, "EVENT_STORE=esdb needs ESDB_URL"),
    ],
)
def test_it_refuses_an_event_store_setting_it_cannot_honour(env, message):
    result = start_django(DEBUG="1", **env)
    assert result.returncode != 0
    assert message in result.stderr


def settings_seen(names: str, **env: str) -> str:
    """What a process started with `env` prints for `names` (a Python expression)."""
    code = f"from django.conf import settings as s; print({names})"
    result = run_django(code, DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_deployment_settings_come_from_the_environment():
    names = (
        "s.CACHES['default']['BACKEND'], s.CSRF_TRUSTED_ORIGINS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, 'redis' in s.Q_CLUSTER, 'orm' in s.Q_CLUSTER"
    )
    defaults = settings_seen(names)
    deployed = settings_seen(
        names,
        CACHE_URL="dbcache://cache_table",
        CSRF_TRUSTED_ORIGINS="https://ia.example.org",
        SECURE_COOKIES="1",
        Q_REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert defaults == ("django.core.cache.backends.locmem.LocMemCache [] False False False True")
    assert deployed == (
        "django.core.cache.backends.db.DatabaseCache ['https://ia.example.org'] True True True"
        " False"
    )


# --- Production settings ------------------------------------------------------------------------


def documented_production_settings() -> dict[str, str]:
    """The variables docs/operations.md's "Production settings" block tells operators to set."""
    text = (BASE_DIR / "docs" / "operations.md").read_text(encoding="utf-8")
    block = text.split("<!-- production-settings -->", 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0]
    pairs = [line.split("=", 1) for line in block.splitlines() if "=" in line]
    return {name.strip(): value.strip() for name, value in pairs if not name.startswith("#")}


def test_check_deploy_with_the_documented_production_settings_prints_no_warning(tmp_path):
    env = documented_production_settings()
    env["SECRET_KEY"] = "k7Qw2-" + "".join(chr(ord("a") + i % 26) for i in range(60))
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    assert env["DEBUG"] == "0"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "secret",
    [
        "change-me",  # .env.example's value
        " Change-Me ",
        "changeme",
        "insecure-dev-key-only-for-debug",  # the DEBUG fallback
        "django-insecure-0123456789abcdefghijklmnopqrstuvwxyz0123456789",
        "x" * 60,
    ],
)
def test_a_placeholder_secret_key_is_refused_when_debug_is_off(secret):
    result = start_django(DEBUG="0", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder, not a secret" in result.stderr
    assert secret.strip() not in result.stderr.replace("SECRET_KEY", "")


def test_https_settings_come_from_the_environment():
    names = (
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER"
    )
    assert settings_seen(names) == "False 0 False False None"
    deployed = settings_seen(
        names,
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        TRUST_X_FORWARDED_PROTO="1",
    )
    assert deployed == "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"
