"""What counts as text in an event, and how text that is not is read back.

One rule for every string an event holds (values, list items, dict keys, at any depth), applied
by the catalogue on append and by the entry points before a command is built:

- no lone UTF-16 surrogate (U+D800..U+DFFF): it cannot be encoded as UTF-8, so every page,
  export and log line that shows it would fail;
- no NUL: PostgreSQL cannot store U+0000 in JSON;
- no other C0 control character except tab, line feed and carriage return: none is typed by a
  person, they garble terminals and CSV files, and XML and HTML forbid most of them;
- at most MAX_LENGTH characters: the longest text an event needs is a sentence (the catalogue's
  10,000), and a field without its own bound (a speaker, a note, a metadata value) must not let
  one request store megabytes that every later read has to carry.

Events written before this rule may still hold such strings; `readable` turns them into text
every reader can show (each offending character becomes U+FFFD) when a store decodes them.
"""

import re
from collections.abc import Mapping
from typing import Any

ALLOWED_CONTROLS = "\t\n\r"
_UNREADABLE = re.compile("[\ud800-\udfff\x00]")
_INVALID = re.compile(
    "[\ud800-\udfff"
    + "".join(re.escape(chr(c)) for c in range(0x20) if chr(c) not in ALLOWED_CONTROLS)
    + "]"
)
REPLACEMENT = "\ufffd"
MAX_LENGTH = 10_000


def text_problem(value: str, *, length: bool = True) -> str | None:
    """Why `value` is not acceptable text, naming the first offending character; else None.
    `length=False` checks the characters only."""
    if length and len(value) > MAX_LENGTH:
        return f"is longer than {MAX_LENGTH:,} characters ({len(value):,})"
    match = _INVALID.search(value)
    if match is None:
        return None
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    elif code == 0:
        kind = "a NUL character"
    else:
        kind = "a control character"
    return f"contains {kind} (U+{code:04X}) at character {match.start() + 1}"


def find_text_problem(
    value: object, path: str = "", *, length: bool = True
) -> tuple[str, str] | None:
    """The first string in `value` (a string, or lists, tuples, sets and mappings of them at any
    depth, keys included) that is not acceptable text, as (where, why); None if all are."""
    if isinstance(value, str):
        problem = text_problem(value, length=length)
        return (path or "value", problem) if problem else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (problem := text_problem(key, length=length)):
                return (f"{path or 'value'} (a key)", problem)
            if found := find_text_problem(item, where, length=length):
                return found
        return None
    if isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            if found := find_text_problem(item, f"{path}[{index}]", length=length):
                return found
    return None


def readable(value: Any) -> Any:
    """`value` (decoded JSON) with each lone surrogate and NUL replaced by U+FFFD, so it can be
    encoded as UTF-8 and stored anywhere; the value itself when it holds none (the usual case)."""
    if isinstance(value, str):
        return _UNREADABLE.sub(REPLACEMENT, value) if _UNREADABLE.search(value) else value
    if isinstance(value, dict):
        return {readable(k): readable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [readable(v) for v in value]
    return value
