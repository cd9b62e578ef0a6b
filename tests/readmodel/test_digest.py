import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from readmodel.digest import TABLES, canonical, canonical_json, digest_counts, relational_digest
from readmodel.models import Sentence
from tests.readmodel.orm_rows import AI_CONFIDENCE, AI_VALUES, T0, fixture_rows, save

# The digest of `fixture_rows()`, the same on SQLite and PostgreSQL (checked on both): a change
# here means every digest taken before no longer compares with one taken after.
FIXTURE_DIGEST = "62c3a161c8461f4eb1e78d1b46d7d95ae32c2af15d2a80c8ef311962c0af62c9"


def changed(field: models.Field, value: Any) -> Any:
    """A value of `field`'s type that differs from `value`."""
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.JSONField):
        return {"changed": [value]}
    if isinstance(field, models.DateTimeField):
        return (value or T0) + dt.timedelta(microseconds=1)
    if isinstance(field, models.DateField):
        return (value or dt.date(2024, 1, 1)) + dt.timedelta(days=1)
    if isinstance(field, models.UUIDField | models.ForeignKey):
        return uuid.uuid4()
    if isinstance(field, models.FloatField):
        return (value or 0) + 0.25
    if isinstance(field, models.IntegerField):
        return (value or 0) + 7  # past every index in use: (interview, index) is unique
    if not value:
        return "x"
    return value[:-1] + ("y" if value.endswith("x") else "x")  # same length: max_length holds


EVERY_FIELD = [
    pytest.param(model, field, id=f"{model.__name__}.{field.attname}")
    for model in TABLES
    for field in model._meta.concrete_fields
]


def set_ai(**fields: Any) -> None:
    """Update the analysed sentence (the first by id) of the fixture."""
    Sentence.objects.filter(pk=Sentence.objects.order_by("pk").values("pk")[:1]).update(**fields)


@pytest.mark.django_db
class TestRelationalDigest:
    def test_it_is_the_same_whatever_order_rows_were_inserted_in(self):
        save(fixture_rows())
        in_order = relational_digest()
        for model in TABLES:
            model.objects.all().delete()
        save(fixture_rows(), reverse=True)

        assert relational_digest() == in_order

    @pytest.mark.parametrize(("model", "field"), EVERY_FIELD)
    def test_it_changes_when_any_field_of_any_row_changes(self, model, field):
        save(fixture_rows())
        before = relational_digest()
        row = model.objects.order_by("pk").first()
        new_value = changed(field, getattr(row, field.attname))
        model.objects.filter(pk=row.pk).update(**{field.attname: new_value})

        assert relational_digest() != before

    def test_it_changes_when_a_value_deep_in_json_changes(self):
        save(fixture_rows())
        before = relational_digest()
        set_ai(ai_values={**AI_VALUES, "overall_keywords": ["release train", "jira"]})

        assert relational_digest() != before

    def test_it_tells_close_floats_apart(self):
        save(fixture_rows())
        before = relational_digest()
        set_ai(ai_confidence={**AI_CONFIDENCE, "function_type": 0.9300000000000002})

        assert relational_digest() != before

    def test_it_ignores_json_key_order(self):
        save(fixture_rows())
        meta = {"actor": {"display": "Ada", "id": "7", "type": "human"}, "reason": "r"}
        set_ai(ai_values=dict(sorted(AI_VALUES.items())), override_meta={"purpose": meta})
        sorted_keys = relational_digest()
        set_ai(
            ai_values=dict(sorted(AI_VALUES.items(), reverse=True)),
            override_meta={
                "purpose": {"reason": "r", "actor": dict(reversed(meta["actor"].items()))}
            },
        )

        assert relational_digest() == sorted_keys

    def test_it_differs_between_an_empty_model_and_one_project(self):
        empty = relational_digest()
        save(fixture_rows()[:1])

        assert relational_digest() != empty

    def test_it_is_a_known_constant_for_the_fixture_on_every_database(self):
        save(fixture_rows())

        assert relational_digest() == FIXTURE_DIGEST

    def test_it_counts_rows_per_table(self):
        save(fixture_rows())

        assert digest_counts() == {"rm_project": 2, "rm_interview": 3, "rm_sentence": 4}


@pytest.mark.django_db(transaction=True)
def test_it_reads_one_snapshot_when_called_outside_a_transaction():
    """Outside atomic() the digest opens its own (REPEATABLE READ on PostgreSQL) transaction."""
    save(fixture_rows())

    assert relational_digest() == FIXTURE_DIGEST


class TestCanonical:
    def test_an_integral_float_is_hashed_as_the_integer(self):
        # PostgreSQL's jsonb hands 1e20 back as an integer.
        assert canonical_json({"x": 1e20, "y": 2.0}) == canonical_json({"x": 10**20, "y": 2})

    def test_other_floats_keep_their_shortest_exact_text(self):
        assert canonical_json([0.1, 1.5e-10, Decimal("0.25")]) == "[0.1,1.5e-10,0.25]"

    def test_datetimes_are_iso_utc_whatever_their_zone(self):
        paris = dt.timezone(dt.timedelta(hours=1))
        local = dt.datetime(2025, 1, 2, 10, 30, tzinfo=paris)

        assert canonical(local) == "2025-01-02T09:30:00+00:00"
        assert canonical(dt.datetime(2025, 1, 2, 9, 30)) == "2025-01-02T09:30:00+00:00"

    def test_uuids_and_dates_are_text(self):
        assert canonical([uuid.UUID(int=255), dt.date(2024, 12, 1)]) == [
            "00000000-0000-0000-0000-0000000000ff",
            "2024-12-01",
        ]

    def test_keys_are_sorted_and_there_is_no_whitespace(self):
        assert canonical_json({"b": [1, {"d": None, "c": True}], "a": "é"}) == (
            '{"a":"é","b":[1,{"c":true,"d":null}]}'
        )

    def test_it_refuses_a_type_it_has_no_canonical_form_for(self):
        with pytest.raises(TypeError, match="set"):
            canonical({1, 2})
