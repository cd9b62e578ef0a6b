"""Exports over HTTP: the sentences of an interview or a project as CSV or JSON Lines.

The same rows and bytes as `manage.py export` (both go through `readmodel.export`), streamed
record by record so a large project is never built in memory. The format comes from the path
(`export.csv`, `export.jsonl`), not from content negotiation: a client sending
`Accept: text/csv` gets the file, not a 406. Errors are found before the first byte is sent
(access, unknown row, a malformed filter) and are answered as problem+json like the rest of the
API. A failure while streaming (readmodel.export.guarded) is logged and aborts the response: the
server closes the connection without ending the chunked body, which HTTP clients report as an
incomplete read, instead of a 200 whose file silently stops at the failing row. JSON Lines is
served as `application/jsonl` (the name the JSON Lines site proposes; it is not registered with
IANA, nor is the older `application/x-ndjson`).
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from access.permissions import Role, require
from api.errors import problem_responses
from api.interviews import interview_for
from api.renderers import JSONRenderer
from api.rows import WAIT_FOR, wait_if_asked
from api.sentences import FILTERS, filtered
from readmodel.export import (
    csv_lines,
    csv_trailer,
    export_rows,
    guarded,
    jsonl_lines,
    jsonl_trailer,
)
from readmodel.models import Project, Sentence
from readmodel.selectors import sentences_for_export

Lines = Callable[[Iterable[dict[str, Any]]], Iterator[str]]
Trailer = Callable[[str], str]

# file format (the path's extension) -> (media type, how rows become text, the last record of
# an export that cannot finish)
FORMATS: dict[str, tuple[str, Lines, Trailer]] = {
    "csv": ("text/csv; charset=utf-8", csv_lines, csv_trailer),
    "jsonl": ("application/jsonl; charset=utf-8", jsonl_lines, jsonl_trailer),
}
SLUG_LENGTH = 80  # of a title in a file name: enough to recognise it, short enough for any OS


class FileOrProblem(BaseContentNegotiation):
    """Ignore Accept and `?format=`: a success is the streamed file whatever the client asked
    for, and an error is always rendered by the JSON renderer (as problem+json)."""

    def select_parser(self, request: Request, parsers: list[BaseParser]) -> BaseParser | None:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


class ExportSchema(AutoSchema):
    """One view serves both `export.csv` and `export.jsonl`: document each path with its own
    media type (extend_schema cannot tell the two paths apart)."""

    def get_operation_id(self) -> str:
        # the path's "export.csv" would put a dot in the id; client generators make names of ids
        return super().get_operation_id().replace(".", "_")

    def get_response_serializers(self) -> dict[Any, Any]:
        media_type = FORMATS[self.path.rsplit(".", 1)[-1]][0].split(";")[0]
        return {
            (200, media_type): OpenApiResponse(OpenApiTypes.STR, description="the export file"),
            **problem_responses(
                {
                    400: "a malformed filter",
                    401: "not authenticated",
                    404: "no such row, or the user is not a member of its project",
                }
            ),
        }


class Export(APIView):
    renderer_classes = (JSONRenderer,)  # for errors only: a success is a streamed file
    content_negotiation_class = FileOrProblem
    schema = ExportSchema()
    throttle_scope = "exports"  # a whole project per request: its own, smaller budget


class InterviewExport(Export):
    @extend_schema(
        parameters=[*FILTERS, WAIT_FOR],
        description="The interview's sentences in index order, filtered like the sentence list.",
    )
    def get(self, request: Request, interview_id: UUID, file_format: str) -> StreamingHttpResponse:
        interview = interview_for(request, interview_id, Role.VIEWER)
        wait_if_asked(request, interview_id=interview.id)
        sentences = filtered(sentences_for_export(interview_id=interview.id), request)
        name = slugify(interview.title)[:SLUG_LENGTH].strip("-") or str(interview.id)
        return streamed(sentences, file_format, f"{interview.project.slug}-{name}")


class ProjectExport(Export):
    @extend_schema(
        parameters=[*FILTERS, WAIT_FOR],
        description="The sentences of every interview of the project, oldest interview first,"
        " filtered like the sentence list.",
    )
    def get(self, request: Request, project_id: UUID, file_format: str) -> StreamingHttpResponse:
        require(user=request.user, project_id=project_id, role=Role.VIEWER)
        wait_if_asked(request)  # the project's interviews are spread over every lane
        project = Project.objects.filter(id=project_id).first()
        if project is None:  # a role granted before the project reached the read model
            raise Http404
        sentences = filtered(sentences_for_export(project_id=project.id), request)
        return streamed(sentences, file_format, project.slug)


def streamed(sentences: QuerySet[Sentence], file_format: str, stem: str) -> StreamingHttpResponse:
    """The sentences as a download named `<stem>-<today>.<format>`. Rows are read and formatted
    only while the response is sent, so everything that can fail must be checked before."""
    media_type, lines, trailer = FORMATS[file_format]
    filename = f"{slugify(stem)}-{timezone.localdate().isoformat()}.{file_format}"
    # Encoded here, inside the guard: Django would encode outside it, where a failure is lost.
    encoded = (line.encode("utf-8") for line in lines(export_rows(sentences)))
    body = guarded(encoded, filename, lambda message: trailer(message).encode("utf-8"))
    response = StreamingHttpResponse(body, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
