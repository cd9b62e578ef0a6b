"""JSON from a request, with its nesting bounded before any parser recurses into it.

Python's `json` module recurses once per `[` or `{`: a body of 100,000 nested brackets (200 KB,
well under the body size limit) raised RecursionError, a 500. `check_depth` walks the text
without recursion — a regular expression jumps from one bracket or string to the next — and
refuses a document nested deeper than MAX_JSON_DEPTH before `json` sees it. No body of this API
needs more than a few levels (an override is an object of lists of strings).

`BoundedJSONParser` is DRF's default parser (settings.REST_FRAMEWORK); `loads` is for any other
place that parses JSON a client sent (a form field holding JSON).
"""

import json
import re
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json as drf_json

MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels of arrays and objects is refused"

# The next bracket or string opening; and the rest of a string after its opening quote (an
# escape is a backslash and any one character). Both are linear: no backtracking into groups.
_NEXT = re.compile(r'[\[\]{}"]')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class TooDeeplyNested(ValueError):
    """The document nests arrays and objects deeper than MAX_JSON_DEPTH."""


def check_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise TooDeeplyNested when `text` opens more than `limit` brackets at once. Brackets in
    strings do not count; malformed text is left for the parser to report."""
    depth = 0
    position = 0
    while found := _NEXT.search(text, position):
        char = found.group()
        position = found.end()
        if char == '"':
            rest = _STRING_REST.match(text, position)
            if rest is None:  # an unterminated string: invalid JSON, the parser says so
                return
            position = rest.end()
        elif char in "[{":
            depth += 1
            if depth > limit:
                raise TooDeeplyNested(TOO_DEEP)
        else:
            depth -= 1


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """`json.loads` of client input, refusing deep nesting first (TooDeeplyNested, a
    ValueError like every other malformed document)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    check_depth(text)
    return json.loads(text, **kwargs)


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser with nesting bounded: a deep document is a 400 naming the limit. (The
    body's size is bounded before this, by Django's DATA_UPLOAD_MAX_MEMORY_SIZE: a 413, see
    `api.errors`.)"""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: dict | None = None
    ) -> Any:
        encoding = get_encoding(parser_context or {})
        parse_constant = drf_json.strict_constant if self.strict else None
        try:
            text = stream.read().decode(encoding)
            check_depth(text)
            return drf_json.loads(text, parse_constant=parse_constant)
        except TooDeeplyNested as e:
            raise ParseError(f"{e}.") from e
        except ValueError as e:  # DRF's wording, as its JSONParser says it
            raise ParseError(f"JSON parse error - {e}") from e
