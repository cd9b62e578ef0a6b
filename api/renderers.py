"""The API's renderers: DRF's, except that a response never fails to encode.

Text the API refuses can still reach a response: an error message may quote the refused input
("'\\ud800' is not a valid choice"), and DRF's JSON renderer (UNICODE_JSON) encodes its output
as UTF-8, which a lone surrogate cannot be; the 400 would become a 500. Such a response is
rendered again with each lone surrogate (and NUL) replaced by U+FFFD, as the event store reads
old events (events.text.readable). Responses without them, nearly all, are rendered once.
"""

from typing import Any

from rest_framework import renderers

from events.text import readable


class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(readable(data), accepted_media_type, renderer_context)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """The HTML page also shows the request's raw data, which may hold what was refused."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> str:
        return readable(super().render(data, accepted_media_type, renderer_context))
