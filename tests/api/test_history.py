import time

import pytest

from events.wiring import get_event_store
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from projections.waiting import waiting_slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def overridden(overridden_by_rita):
    return overridden_by_rita


def test_history_lists_every_event_with_actor_reason_and_field_changes(ingested, overridden):
    entries = ingested["viewer"].get(overridden["url"] + "history/").json()
    assert [e["event_type"] for e in entries] == [
        "SentenceCreated",
        "AnalysisGenerated",
        "AnalysisOverridden",
    ]
    last = entries[-1]
    assert last["actor"]["display"] == "rita"
    assert last["reason"] == "she asks"
    assert last["changes"]["effective.purpose"]["new"] == "Request"
    assert last["changes"]["overrides.purpose"] == {"old": None, "new": "Request"}
    assert entries[0]["changes"]["text"]["old"] is None


def test_as_of_a_position_shows_the_sentence_as_it_was_then(ingested, overridden):
    before = overridden["written"]["position"] - 1
    then = ingested["viewer"].get(overridden["url"], {"as_of": str(before)}).json()
    now = ingested["viewer"].get(overridden["url"], {"as_of": str(10**12)}).json()
    assert then["overrides"] == {}
    assert now["overrides"] == {"purpose": "Request"}
    assert now["version"] == then["version"] + 1


@pytest.mark.parametrize("as_of", ["yesterday", "2026-01-01T00:00:00"])
def test_a_malformed_as_of_is_a_400(ingested, overridden, as_of):
    response = ingested["viewer"].get(overridden["url"], {"as_of": as_of})
    assert response.status_code == 400
    assert "as_of" in response.json()["errors"]


def test_wait_for_waits_its_bounded_time_for_a_position_not_yet_shown(
    ingested, overridden, settings
):
    # No runner: the override is never projected, so the read waits out its limit, then
    # answers what the read model has (the stale row) rather than failing.
    settings.READ_WAIT_SECONDS = 0.3
    position = overridden["written"]["position"]
    started = time.monotonic()
    shown = ingested["viewer"].get(overridden["url"], {"wait_for": str(position)}).json()
    assert time.monotonic() - started >= 0.3
    assert shown["overrides"] == {}


def test_wait_for_returns_the_write_once_the_projection_shows_it(ingested, overridden):
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    position = overridden["written"]["position"]
    shown = ingested["viewer"].get(overridden["url"], {"wait_for": str(position)}).json()
    assert shown["overrides"] == {"purpose": "Request"}


def test_history_is_refused_to_outsiders(ingested, overridden):
    assert ingested["outsider"].get(overridden["url"] + "history/").status_code == 404


def _list_urls(ingested):
    interview = ingested["interview_id"]
    return [
        f"/api/v1/interviews/{interview}/sentences/",
        f"/api/v1/interviews/{interview}/",
        "/api/v1/interviews/",
        "/api/v1/projects/",
    ]


def test_every_read_waits_for_a_position_the_read_model_has_not_shown(
    ingested, overridden, settings
):
    settings.READ_WAIT_SECONDS = 0.2
    position = overridden["written"]["position"]
    for url in _list_urls(ingested):
        started = time.monotonic()
        response = ingested["viewer"].get(url, {"wait_for": str(position)})
        assert response.status_code == 200, url
        assert time.monotonic() - started >= 0.2, url


def test_a_read_says_whether_it_shows_the_position_it_waited_for(ingested, overridden, settings):
    settings.READ_WAIT_SECONDS = 0.05
    position = overridden["written"]["position"]

    behind = ingested["viewer"].get(overridden["url"], {"wait_for": str(position)})
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    caught_up = ingested["viewer"].get(overridden["url"], {"wait_for": str(position)})

    assert behind.status_code == caught_up.status_code == 200
    assert behind["X-Wait-For-Reached"] == "false"
    assert behind["Retry-After"] == "1"  # read again shortly rather than wait on the server
    assert caught_up["X-Wait-For-Reached"] == "true"
    assert "Retry-After" not in caught_up


def test_reads_past_the_waiting_slots_answer_at_once_instead_of_holding_a_thread(
    ingested, overridden, settings
):
    """A regression: every `?wait_for=` held a web thread for its full limit, so a handful of
    requests for a far position tied up every thread. Waiters are now rationed per process."""
    settings.READ_WAIT_SECONDS = 30
    settings.READ_WAIT_CONCURRENCY = 2
    slots = waiting_slots()
    for _ in range(2):  # two requests already waiting
        assert slots.acquire(blocking=False)
    try:
        started = time.monotonic()
        response = ingested["viewer"].get(overridden["url"], {"wait_for": str(10**15)})
        elapsed = time.monotonic() - started
    finally:
        slots.release()
        slots.release()

    assert response.status_code == 200
    assert response["X-Wait-For-Reached"] == "false"
    assert elapsed < 10  # far below the 30 s a waiting request would have taken


def test_the_sentence_list_shows_the_write_it_waited_for(ingested, overridden):
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()
    position = overridden["written"]["position"]
    page = (
        ingested["viewer"]
        .get(
            f"/api/v1/interviews/{ingested['interview_id']}/sentences/",
            {"wait_for": str(position), "overridden": "true"},
        )
        .json()
    )
    assert [s["id"] for s in page["results"]] == [str(overridden["sid"])]


@pytest.mark.parametrize("raw", ["-1", "soon", "1.5"])
def test_a_malformed_wait_for_is_a_400_on_every_read(ingested, overridden, raw):
    for url in [overridden["url"], *_list_urls(ingested)]:
        response = ingested["viewer"].get(url, {"wait_for": raw})
        assert response.status_code == 400, url
        assert "wait_for" in response.json()["errors"], url


# Found by the schemathesis run (tests/api/test_schema_fuzz.py) and its review: digits that
# `str.isdigit` accepts but `int` refuses, and well-formed but impossible times, were 500s.


@pytest.mark.parametrize("raw", ["²", "1²", "9" * 5000, str(2**63)])
def test_a_wait_for_of_non_ascii_digits_is_a_400_on_every_read(ingested, overridden, raw):
    for url in [overridden["url"], *_list_urls(ingested)]:
        response = ingested["viewer"].get(url, {"wait_for": raw})
        assert response.status_code == 400, url
        assert "wait_for" in response.json()["errors"], url


@pytest.mark.parametrize(
    "as_of",
    [
        "²",
        "9" * 5000,  # more digits than `int` takes: a 500 before positions were bounded
        "2024-01-01T00:00:00+99:00",
        "2024-13-01T00:00:00Z",
        "2024-02-30T00:00:00Z",
    ],
)
def test_an_as_of_that_is_no_position_and_no_real_time_is_a_400(ingested, overridden, as_of):
    response = ingested["viewer"].get(overridden["url"], {"as_of": as_of})
    assert response.status_code == 400
    assert "as_of" in response.json()["errors"]
