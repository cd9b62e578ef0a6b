"""Structured logs: one JSON object a line (LOG_FORMAT=json), with correlation ids.

A log collector can then follow one command through the web request, the events it recorded and
every projection lane that applied them, by `correlation_id`, without parsing messages.

Fields come from three places, later ones winning: the bound context (`bind_correlation_id`,
`bind_log_context`, set around a unit of work), then the `extra=` of the call itself.

    with bind_correlation_id(event.correlation_id), bind_log_context(projection="relational"):
        log.info("applied %s", event.event_type, extra={"event_id": str(event.event_id)})
"""

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_context: ContextVar[Mapping[str, Any] | None] = ContextVar("log_context", default=None)

# Attributes every LogRecord has: anything else on a record came in through `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


@contextmanager
def bind_correlation_id(value: object) -> Iterator[None]:
    """Log records made inside the block (in this thread or task) carry this correlation id."""
    token = correlation_id.set(None if value is None else str(value))
    try:
        yield
    finally:
        correlation_id.reset(token)


@contextmanager
def bind_log_context(**fields: Any) -> Iterator[None]:
    """Log records made inside the block carry these fields too (e.g. projection, lane)."""
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    """time (ISO 8601, UTC), level, logger, message, then the context and `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        bound = correlation_id.get()
        if bound is not None:
            line["correlation_id"] = bound
        line.update(_context.get() or {})
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)
