"""Optional YAML front matter between `---` lines at the very start of a text transcript.

Known keys fill TranscriptMetadata (`title`, `project`, `date`, `participants`); every other key
is kept in `extra`, converted to JSON-safe values because it travels in an event's metadata.

A `date` that is not a calendar date ("spring 2026") is not an error: the recording date is
optional and a person wrote it, so we keep their words in `extra["date"]` and leave
`recorded_on` empty rather than refuse the whole transcript.
"""

import datetime
import math
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml

from common.safe_yaml import YamlRefused, load_yaml
from ingestion.transcripts.model import TranscriptError, TranscriptMetadata
from ingestion.transcripts.speakers import normalise_name

MAX_FRONT_MATTER_CHARS = 65_536  # a title, a date, names: far less; the bound is on what we parse

_OPENING = re.compile(r"---[ \t]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatter:
    metadata: TranscriptMetadata
    body_start: int  # offset of the first character after the closing line


def read_front_matter(text: str) -> FrontMatter:
    """Split the front matter off `text`; no front matter gives empty metadata and offset 0."""
    opening = _OPENING.match(text)
    if opening is None:
        return FrontMatter(TranscriptMetadata(), 0)
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        raise TranscriptError("front matter opened with '---' is never closed by '---'", line=1)
    source = text[opening.end() : closing.start()]
    body_start = min(len(text), closing.end() + 1)  # past the closing line's line break
    return FrontMatter(_metadata_from(_load_yaml(source), source), body_start)


def _load_yaml(source: str) -> dict[str, Any]:
    try:
        loaded = load_yaml(source, max_chars=MAX_FRONT_MATTER_CHARS)
    except YamlRefused as e:
        line = e.line + 1 if e.line else 1  # after the opening '---' line
        raise TranscriptError(f"front matter {e.problem}", line=line) from e
    except yaml.MarkedYAMLError as e:
        mark = e.context_mark or e.problem_mark  # where the broken construct began
        line = mark.line + 2 if mark else 1  # YAML counts from 0, after the opening '---' line
        raise TranscriptError(f"front matter is not valid YAML: {e.problem}", line=line) from e
    except yaml.YAMLError as e:
        raise TranscriptError(f"front matter is not valid YAML: {e}", line=1) from e
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise TranscriptError("front matter must be 'key: value' lines", line=2)
    return {str(key).strip().lower(): value for key, value in loaded.items()}


def _metadata_from(fields: dict[str, Any], source: str) -> TranscriptMetadata:
    title = fields.pop("title", None)
    project = fields.pop("project", None)
    recorded_on = _date(fields.get("date"))
    if recorded_on is not None or fields.get("date") is None:
        fields.pop("date", None)
    return TranscriptMetadata(
        title=_text(title),
        project=_text(project),
        recorded_on=recorded_on,
        participants=_participants(fields.pop("participants", None), source),
        extra=MappingProxyType({key: _json_safe(value) for key, value in fields.items()}),
    )


def _text(value: object) -> str | None:
    text = "" if value is None else " ".join(str(value).split())
    return text or None


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _participants(value: object, source: str) -> tuple[str, ...]:
    """A YAML list of names, or one comma-separated string of them."""
    if value is None:
        return ()
    if isinstance(value, str):
        names = value.split(",")
    elif isinstance(value, list) and all(_is_scalar(item) for item in value):
        names = [str(item) for item in value if item is not None]
    else:
        raise TranscriptError(
            "front matter 'participants' must be a list of names or a comma-separated string",
            line=_line_of_key(source, "participants"),
        )
    unique: dict[str, str] = {}
    for name in map(normalise_name, names):
        if name:
            unique.setdefault(name.casefold(), name)
    return tuple(unique.values())


def _line_of_key(source: str, key: str) -> int:
    """The file line of `key:` in the front matter (line 1 is the opening '---')."""
    found = re.search(rf"^{key}[ \t]*:", source, re.MULTILINE | re.IGNORECASE)
    return 2 + (source.count("\n", 0, found.start()) if found else 0)


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float)


def _json_safe(value: object) -> Any:
    """YAML can hold dates, sets and non-string keys; events hold JSON."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_json_safe(item) for item in items]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
