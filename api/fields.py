"""Text fields of JSON bodies that accept only JSON strings.

DRF's CharField turns any scalar into text: `"reason": 42` was stored as the reason "42", and
`true` as "True". A body whose text field holds a number, a boolean, a list or an object is a
client's mistake, so these fields refuse it as a field error ("Not a valid string.").
"""

from typing import Any

from rest_framework import serializers


class StrictText:
    """Mixed before a CharField (or subclass): the value must already be a string."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class Text(StrictText, serializers.CharField):
    pass


class Slug(StrictText, serializers.SlugField):
    pass
