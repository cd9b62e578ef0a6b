"""The Interview aggregate: one uploaded transcript, its metadata and its processing status."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic_core import PydanticSerializationError, to_jsonable_python

from commands.aggregates.base import (
    UNCHANGED,
    Aggregate,
    Cause,
    Unchanged,
    optional_text,
    required_text,
)
from commands.errors import InterviewArchived, InvalidCommand
from events.catalogue import INTERVIEW_STATUSES

# Where an interview may go from each status. `archived` is final; `analyzed` and `failed` may
# go back to `processing` so an interview can be re-run (e.g. with a better analyzer).
TRANSITIONS: dict[str, frozenset[str]] = {
    "uploaded": frozenset({"processing", "failed", "archived"}),
    "processing": frozenset({"analyzed", "failed", "archived"}),
    "analyzed": frozenset({"processing", "archived"}),
    "failed": frozenset({"processing", "archived"}),
    "archived": frozenset(),
}
INITIAL_STATUS = "uploaded"  # InterviewCreated implies it; no status event is recorded for it
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(kw_only=True)
class Interview(Aggregate):
    aggregate_type = "Interview"

    project_id: UUID | None = None
    title: str = ""
    source_filename: str = ""
    content_sha256: str = ""
    language: str = ""
    participants: tuple[str, ...] = ()
    recorded_on: date | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    status: str | None = None

    def create(
        self,
        *,
        project_id: UUID,
        title: str,
        source_filename: str,
        content_sha256: str,
        language: str,
        participants: Iterable[str],
        recorded_on: date | None,
        metadata: Mapping[str, Any],
        cause: Cause,
    ) -> None:
        data = {
            "project_id": project_id,
            "title": required_text(title, "the title"),
            "source_filename": source_filename.strip(),
            "content_sha256": _sha256(content_sha256),
            "language": _language(language),
            "participants": _participants(participants),
            "recorded_on": _iso_date(recorded_on),
            "metadata": _metadata(metadata),
        }
        self._create("InterviewCreated", data, cause)

    def update_metadata(
        self,
        *,
        title: str | Unchanged = UNCHANGED,
        language: str | Unchanged = UNCHANGED,
        participants: Iterable[str] | Unchanged = UNCHANGED,
        recorded_on: date | Unchanged | None = UNCHANGED,
        metadata: Mapping[str, Any] | Unchanged = UNCHANGED,
        cause: Cause,
    ) -> None:
        self._require_exists()
        # Old and new values in their JSON shape, as the event stores them.
        current = self._creation_data()
        wanted: dict[str, Any] = {}
        if title is not UNCHANGED:
            wanted["title"] = required_text(title, "the title")
        if language is not UNCHANGED:
            wanted["language"] = _language(language)
        if participants is not UNCHANGED:
            wanted["participants"] = _participants(participants)
        if recorded_on is not UNCHANGED:
            wanted["recorded_on"] = _iso_date(recorded_on)
        if metadata is not UNCHANGED:
            wanted["metadata"] = _metadata(metadata)
        changes = {
            name: {"old": current[name], "new": new}
            for name, new in wanted.items()
            if new != current[name]
        }
        if not changes:
            raise InvalidCommand("the update changes nothing")
        self._record("InterviewMetadataUpdated", {"changes": changes}, cause)

    def require_writable(self) -> None:
        """Refuse any change to the interview's sentences once it is archived: an archived
        interview is kept as it was reviewed (README, "Archiving an interview")."""
        self._require_exists()
        if self.status == "archived":
            raise InterviewArchived(
                f"the interview “{self.title}” is archived: its sentences are read-only"
            )

    def change_status(self, *, to_status: str, reason: str | None, cause: Cause) -> None:
        self._require_exists()
        if to_status not in INTERVIEW_STATUSES:
            raise InvalidCommand(
                f"{to_status!r} is not an interview status (one of {', '.join(INTERVIEW_STATUSES)})"
            )
        assert self.status is not None  # an existing interview always has one
        if to_status == self.status:
            raise InvalidCommand(f"the interview is already {self.status}")
        allowed = TRANSITIONS[self.status]
        if to_status not in allowed:
            raise InvalidCommand(
                f"an interview cannot go from {self.status} to {to_status}"
                f" (allowed: {', '.join(sorted(allowed)) or 'none, it is final'})"
            )
        data = {"from_status": self.status, "to_status": to_status, "reason": optional_text(reason)}
        self._record("InterviewStatusChanged", data, cause)

    def _creation_data(self) -> dict[str, Any]:
        return {
            "project_id": str(self.project_id),
            "title": self.title,
            "source_filename": self.source_filename,
            "content_sha256": self.content_sha256,
            "language": self.language,
            "participants": list(self.participants),
            "recorded_on": _iso_date(self.recorded_on),
            "metadata": self.metadata,
        }

    def _apply(self, event_type: str, data: Mapping[str, Any]) -> None:
        match event_type:
            case "InterviewCreated":
                self.project_id = UUID(str(data["project_id"]))
                self.source_filename = data["source_filename"]
                self.content_sha256 = data["content_sha256"]
                self._set_metadata(data)
                self.status = INITIAL_STATUS
            case "InterviewMetadataUpdated":
                self._set_metadata({name: c["new"] for name, c in data["changes"].items()})
            case "InterviewStatusChanged":
                self.status = data["to_status"]
            case _:
                raise self._unknown(event_type)

    def _set_metadata(self, values: Mapping[str, Any]) -> None:
        if "title" in values:
            self.title = values["title"]
        if "language" in values:
            self.language = values["language"]
        if "participants" in values:
            self.participants = tuple(values["participants"])
        if "recorded_on" in values:
            raw = values["recorded_on"]
            self.recorded_on = date.fromisoformat(raw) if raw is not None else None
        if "metadata" in values:
            self.metadata = dict(values["metadata"])


def _sha256(value: str) -> str:
    digest = value.strip().lower() if isinstance(value, str) else ""
    if not SHA256.fullmatch(digest):
        raise InvalidCommand("content_sha256 must be 64 hexadecimal digits")
    return digest


def _language(value: str) -> str:
    language = value.strip() if isinstance(value, str) else ""
    if not 2 <= len(language) <= 20:
        raise InvalidCommand("the language must be a code of 2 to 20 characters, e.g. 'en'")
    return language


def _participants(values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        raise InvalidCommand("participants must be a list of names, not one string")
    return [required_text(v, "a participant's name") for v in values]


def _metadata(values: Mapping[str, Any]) -> dict[str, Any]:
    # In its JSON shape from the start, so comparing it with stored metadata compares like
    # with like (a date given here equals the string a replay reads back).
    if not isinstance(values, Mapping) or not all(isinstance(k, str) for k in values):
        raise InvalidCommand("metadata must be a mapping with string keys")
    try:
        return to_jsonable_python(dict(values))
    except PydanticSerializationError as e:
        raise InvalidCommand(f"metadata must be JSON-serialisable: {e}") from None


def _iso_date(value: date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidCommand("recorded_on must be a date (without a time) or None")
    return value.isoformat()
