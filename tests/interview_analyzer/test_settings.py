"""Settings come from the environment; a production start without a secret must fail."""

import os
import subprocess
import sys

import pytest

from interview_analyzer.settings import BASE_DIR


def start_django(**env: str) -> subprocess.CompletedProcess:
    # A real process with only these variables (plus PATH), and no .env file.
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
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
