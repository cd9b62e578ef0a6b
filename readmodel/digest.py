"""A content digest of the relational read model, to prove two builds of it hold the same rows.

Why: a replay from event 0 must rebuild exactly what the live projector built, on SQLite and on
PostgreSQL alike. Comparing two 64-character digests is the cheap way to check that — so the
digest must depend on the rows' content only, never on how a backend hands it back:

- rows go in primary-key order (UUIDs order the same as text on SQLite and as `uuid` on
  PostgreSQL), every concrete column, each table introduced by its name and column list;
- JSON is re-serialised canonically (sorted keys, no whitespace): PostgreSQL's jsonb reorders
  keys, and may print a float such as 1e20 as an integer, so a finite float with an integral
  value is hashed as that integer (JSON itself does not tell 1 from 1.0);
- datetimes are hashed in ISO 8601 UTC, dates in ISO 8601, UUIDs as lower-case text.

Rows are streamed in chunks, so 100k sentences never sit in memory at once, inside one
transaction (REPEATABLE READ on PostgreSQL) so a projector writing meanwhile cannot make the
digest mix two states of the model. (On SQLite our transactions are IMMEDIATE, so writers wait
for the digest to finish, up to the 30 s busy timeout.)
"""

import datetime as dt
import hashlib
import json
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, models, transaction

from readmodel.models import Interview, Project, Sentence

TABLES: tuple[type[models.Model], ...] = (Project, Interview, Sentence)
CHUNK_SIZE = 2000


def iso_utc(value: dt.datetime) -> str:
    """`value` as ISO 8601 in UTC; a naive datetime is taken to be UTC already (USE_TZ=False)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def canonical(value: object) -> object:
    """`value` reduced to plain JSON types, identical whichever backend returned it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        # jsonb may print an integral float as an integer; json.dumps writes other floats as
        # repr(), the shortest text that reads back as the same float.
        return int(value) if math.isfinite(value) and value.is_integer() else value
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")


def canonical_json(value: object) -> str:
    """One line of canonical JSON: sorted keys, no spaces, no raw newlines."""
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _columns(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _lines() -> Iterator[str]:
    """The whole model as lines: per table a header, then one canonical JSON array per row."""
    for model in TABLES:
        columns = _columns(model)
        yield canonical_json({"table": model._meta.db_table, "columns": columns})
        rows = model.objects.order_by("pk").values_list(*columns)
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            yield canonical_json(row)


@contextmanager
def _snapshot() -> Iterator[None]:
    """Read one state of the model; inside the caller's transaction, that transaction's."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def relational_digest() -> str:
    """SHA-256 hex of every Project, Interview and Sentence row: equal content, equal digest."""
    digest = hashlib.sha256()
    with _snapshot():
        for line in _lines():
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
    return digest.hexdigest()


def digest_counts() -> dict[str, int]:
    """Rows per table, for operators to read beside the digest."""
    return {model._meta.db_table: model.objects.count() for model in TABLES}
