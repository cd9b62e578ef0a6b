"""JSON log lines with correlation ids (common.logging) and their wiring."""

import json
import logging
import os
import subprocess
import sys

import pytest

from common.logging import (
    JsonFormatter,
    bind_correlation_id,
    bind_log_context,
    correlation_id,
)
from interview_analyzer.settings import BASE_DIR


def formatted(
    message: str = "applied %s",
    args: tuple = ("it",),
    *,
    extra: dict | None = None,
    exc_info: object = None,
) -> dict:
    """Log one record through JsonFormatter and parse the line back."""
    logger = logging.getLogger("projections.runner")
    record = logger.makeRecord(
        logger.name, logging.WARNING, __file__, 1, message, args, exc_info, extra=extra
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_line_is_one_json_object_with_time_level_logger_and_message():
    line = formatted("applied %s", ("ProjectCreated",))

    assert line["level"] == "WARNING"
    assert line["logger"] == "projections.runner"
    assert line["message"] == "applied ProjectCreated"
    assert line["time"].endswith("+00:00")


def test_it_carries_the_extra_fields_of_the_call():
    line = formatted(extra={"event_id": "e-1", "projection": "relational", "lane": 3})

    assert (line["event_id"], line["projection"], line["lane"]) == ("e-1", "relational", 3)


def test_it_carries_the_bound_correlation_id_and_context_only_inside_the_block():
    with bind_correlation_id("c-1"), bind_log_context(projection="relational", lane=5):
        inside = formatted()
        overridden = formatted(extra={"correlation_id": "c-2"})
    outside = formatted()

    assert (inside["correlation_id"], inside["projection"], inside["lane"]) == (
        "c-1",
        "relational",
        5,
    )
    assert overridden["correlation_id"] == "c-2"  # the call's own extra wins
    assert "correlation_id" not in outside
    assert "projection" not in outside
    assert correlation_id.get() is None


def test_it_includes_the_traceback_of_an_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        line = formatted(exc_info=sys.exc_info())

    assert "ValueError: boom" in line["exception"]


# A real Django start (settings read LOG_FORMAT once), without a .env file.
DJANGO_ENV = {"DJANGO_SETTINGS_MODULE": "interview_analyzer.settings", "ENV_FILE": "/dev/null"}
LOG_ONE_LINE = (
    "import django, logging; django.setup();"
    " logging.getLogger('projections').warning('hello', extra={'lane': 2})"
)


def log_from_django(**env: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "DEBUG": "1", **DJANGO_ENV, **env}
    command = [sys.executable, "-c", LOG_ONE_LINE]
    return subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_log_format_json_makes_django_log_json_lines():
    result = log_from_django(LOG_FORMAT="json")

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["logger"], line["message"], line["lane"]) == ("projections", "hello", 2)


def test_log_format_text_is_for_people():
    result = log_from_django(LOG_FORMAT="text")

    assert result.returncode == 0, result.stderr
    assert result.stderr.rstrip().endswith("WARNING projections: hello")


@pytest.mark.parametrize("value", ["yaml", "JSON "])
def test_an_unknown_log_format_is_refused(value):
    result = log_from_django(LOG_FORMAT=value)

    assert result.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json'" in result.stderr
