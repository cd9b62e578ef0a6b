"""The load test's own logic, without a server: what an expert writes, what counts as lost,
which database it may drop."""

import random

import pytest

from loadtest.clients import Accepted
from loadtest.database import NotALoadDatabase, fresh_database
from loadtest.expect import expected_final, lost_writes
from loadtest.writes import LABELS, choose_write

SENTENCE = {
    "original_text": "We track it in Jira.",
    "text": "We track it in Jira.",
    "effective": {name: labels[0] for name, labels in LABELS.items()},
    "reviewed": True,
}


def _accepted(kind: str, position: int, **body) -> Accepted:
    return Accepted("s1", kind, body, (f"e{position}",), version=position, position=position)


def test_it_never_writes_what_the_sentence_would_refuse():
    rng = random.Random(3)
    for n in range(300):
        write = choose_write(SENTENCE, rng, f"1.{n}")
        assert write.kind != "confirm"  # already confirmed: nothing to confirm
        if write.kind == "edit":
            assert write.body["text"] != SENTENCE["text"]
            assert write.body["text"] == write.body["text"].strip()
        else:
            ((name, value),) = write.body["fields"].items()
            assert value != SENTENCE["effective"][name]
            assert value in LABELS[name]


def test_it_confirms_an_unconfirmed_sentence_sometimes():
    rng = random.Random(3)
    kinds = {choose_write({**SENTENCE, "reviewed": False}, rng, str(n)).kind for n in range(50)}
    assert kinds == {"edit", "override", "confirm"}


def test_the_last_accepted_writes_in_log_order_decide_the_final_state():
    writes = [
        _accepted("override", 12, fields={"purpose": "Request"}),
        _accepted("edit", 10, text="first"),
        _accepted("edit", 14, text="second"),
        _accepted("override", 15, fields={"purpose": "Query", "topic_level_1": "tools"}),
        _accepted("confirm", 16, note=None),
    ]
    final = expected_final("original", writes)
    assert final.text == "second"
    assert final.overrides == {"purpose": "Query", "topic_level_1": "tools"}
    assert final.reviewed is True
    assert expected_final("original", writes[:4]).reviewed is False
    assert expected_final("original", []).text == "original"


def test_a_row_missing_the_last_edit_an_override_and_the_confirmation_loses_three_writes():
    final = expected_final(
        "original",
        [
            _accepted("edit", 2, text="new"),
            _accepted("override", 3, fields={"purpose": "Query"}),
            _accepted("confirm", 4),
        ],
    )
    row = {"text": "original", "overrides": {"purpose": "Request"}, "reviewed": False}
    assert len(lost_writes(final, row)) == 3
    shown = {"text": "new", "overrides": {"purpose": "Query"}, "reviewed": True}
    assert lost_writes(final, shown) == []


@pytest.mark.parametrize(
    "url",
    ["postgres://u:p@127.0.0.1:5432/interview_analyzer", "sqlite:///var/load.sqlite3"],
)
def test_it_refuses_to_drop_anything_but_a_postgresql_load_database(url):
    with pytest.raises(NotALoadDatabase):
        fresh_database(url)
