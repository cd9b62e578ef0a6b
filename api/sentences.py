"""Sentences: the list of an interview (filters, cursor pagination) and one sentence with ETag.

The ETag is the sentence stream's version: a write must send it back as If-Match, so a change
made meanwhile by someone else is answered 412 instead of overwritten
(docs/architecture.md, Corrections).
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import Role
from api.interviews import interview_for
from api.rows import WAIT_FOR, text_param, visible_row, wait_if_asked
from events.dimensions import SINGLE_LABELS
from readmodel.models import Sentence

FLAGS = {
    "reviewed": "reviewed",
    "overridden": "overridden",
    "edited": "edited",
    "stale": "stale_analysis",
}


class SentenceOutput(serializers.ModelSerializer):
    interview_id = serializers.UUIDField()

    class Meta:
        model = Sentence
        fields = (
            "id",
            "interview_id",
            "project_id",
            "index",
            "speaker",
            "text",
            "original_text",
            "start_char",
            "end_char",
            "start_ms",
            "end_ms",
            "edited",
            "ai_values",
            "ai_confidence",
            "analyzer",
            "model",
            "model_version",
            "overrides",
            "override_meta",
            "effective",
            "min_confidence",
            "stale_analysis",
            "reviewed",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "blocked",
            "version",
        )


class ByIndex(CursorPagination):
    ordering = ("index",)
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request: Request) -> Cursor | None:
        """DRF's decoding, and a position that is a sentence index: DRF puts any string it finds
        into the filter, so a crafted cursor (`p=abc`) was a 500 instead of its 404."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                int(cursor.position)
            except ValueError:
                raise NotFound(self.invalid_cursor_message) from None
        return cursor


class SentencePage(serializers.Serializer):
    """One page of ByIndex: links to the pages beside it (null at either end) and the rows."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SentenceOutput(many=True)


PAGING = [
    OpenApiParameter("cursor", str, description="from a page's next or previous link"),
    OpenApiParameter("page_size", int, description="sentences a page (default 100, at most 500)"),
]


FILTERS = [
    OpenApiParameter("speaker", str),
    *(OpenApiParameter(flag, bool) for flag in FLAGS),
    *(OpenApiParameter(name, str, description="effective value") for name in SINGLE_LABELS),
    OpenApiParameter("confidence_below", float, description="an AI value in force below this"),
    OpenApiParameter("q", str, description="text contains (case-insensitive)"),
]


class InterviewSentences(APIView):
    @extend_schema(parameters=[*FILTERS, *PAGING, WAIT_FOR], responses=SentencePage)
    def get(self, request: Request, interview_id: UUID) -> Response:
        interview = interview_for(request, interview_id, Role.VIEWER)
        wait_if_asked(request, interview_id=interview.id)
        sentences = filtered(Sentence.objects.filter(interview_id=interview.id), request)
        pages = ByIndex()
        page = pages.paginate_queryset(sentences, request, view=self)
        return pages.get_paginated_response(SentenceOutput(page, many=True).data)


class SentenceDetail(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of", str, description="the sentence as it was: a position or an ISO time"
            ),
            WAIT_FOR,
        ],
        responses=SentenceOutput,
    )
    def get(self, request: Request, sentence_id: UUID) -> Response:
        sentence = sentence_for(request, sentence_id, Role.VIEWER)
        if "as_of" in request.query_params:
            from api.history import sentence_as_of  # history builds on this module

            return sentence_as_of(sentence.id, request.query_params["as_of"])
        if "wait_for" in request.query_params:
            wait_if_asked(request, interview_id=sentence.interview_id)
            sentence.refresh_from_db()
        response = Response(SentenceOutput(sentence).data)
        response["ETag"] = f'"{sentence.version}"'
        return response


def sentence_for(request: Request, sentence_id: UUID, role: Role) -> Sentence:
    return visible_row(Sentence, sentence_id, request, role)


def filtered(sentences: QuerySet[Sentence], request: Request) -> QuerySet[Sentence]:
    """The query parameters of FILTERS applied; a malformed value is a 400 with its field."""
    params = request.query_params
    if speaker := text_param(params, "speaker"):
        sentences = sentences.filter(speaker=speaker)
    for flag, column in FLAGS.items():
        if flag in params:
            sentences = sentences.filter(**{column: _boolean(params[flag], flag)})
    for name in SINGLE_LABELS:
        if value := text_param(params, name):
            sentences = sentences.filter(**{name: value})
    if "confidence_below" in params:
        sentences = sentences.filter(min_confidence__lt=_number(params["confidence_below"]))
    if text := text_param(params, "q"):
        sentences = sentences.filter(Q(text__icontains=text))
    return sentences


def _boolean(raw: str, name: str) -> bool:
    if raw.lower() in {"true", "1", "yes"}:
        return True
    if raw.lower() in {"false", "0", "no"}:
        return False
    raise serializers.ValidationError({name: ["must be true or false"]})


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise serializers.ValidationError({"confidence_below": ["must be a number"]}) from None
