"""Commands on a whole interview: archive (status change) and bulk confirm of its sentences."""

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import Role
from api.commands import accepted, actor_of
from api.corrections import IF_MATCH, if_match_version
from api.fields import Text
from api.interviews import interview_for
from api.sentences import FILTERS, filtered
from api.text import acceptable_text
from commands.bulk import confirm_sentences
from commands.bus import dispatch
from commands.messages import ChangeInterviewStatus
from readmodel.models import Sentence

MAX_BULK = 2000  # sentences one bulk confirmation may touch


class StatusInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=["archived"])
    reason = Text(min_length=1, max_length=2000)  # min: for the schema


class InterviewStatus(APIView):
    @extend_schema(request=StatusInput, parameters=[IF_MATCH], responses={202: None})
    def post(self, request: Request, interview_id: UUID) -> Response:
        interview = interview_for(request, interview_id, Role.ADMIN)
        expected = if_match_version(request, interview)
        if isinstance(expected, Response):
            return expected
        data = StatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = dispatch(
            ChangeInterviewStatus(
                actor=actor_of(request),
                interview_id=interview.id,
                to_status=data.validated_data["to_status"],
                reason=data.validated_data["reason"],
                expected_version=expected,
            )
        )
        return accepted(result, location=f"/api/v1/interviews/{interview.id}/")


class BulkNoteInput(serializers.Serializer):
    note = Text(max_length=2000, required=False, allow_blank=True, validators=[acceptable_text])


class SeenSentence(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField(min_value=0, max_value=2**31 - 1)


class BulkConfirmInput(BulkNoteInput):
    # The sentences the client showed, each at the version it showed: exactly these are
    # confirmed (the filters are not applied), and one changed since is skipped.
    sentences = serializers.ListField(
        child=SeenSentence(), required=False, allow_empty=False, max_length=MAX_BULK
    )


class BulkConfirm(APIView):
    """Confirm the sentences the client saw (`sentences`, each with the version it saw) or else
    every unreviewed sentence of the filtered set at the version the read model shows; one
    changed meanwhile (or refused for another reason) is skipped and named, never overwritten.
    An archived interview is refused as a whole (400)."""

    @extend_schema(request=BulkConfirmInput, parameters=FILTERS, responses={202: None})
    def post(self, request: Request, interview_id: UUID) -> Response:
        interview = interview_for(request, interview_id, Role.REVIEWER)
        data = BulkConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        seen = data.validated_data.get("sentences")
        rows, named = (
            seen_rows(interview.id, seen) if seen else _filtered_rows(request, interview.id)
        )
        outcome = confirm_sentences(
            actor=actor_of(request),
            interview_id=interview.id,
            rows=rows,
            note=data.validated_data.get("note") or None,
        )
        body = {
            "confirmed": [
                {"id": str(sentence_id), "index": named[sentence_id].index, "position": position}
                for sentence_id, position in outcome.confirmed
            ],
            "skipped": [
                {
                    "id": str(sentence_id),
                    "index": named[sentence_id].index,
                    "text": named[sentence_id].text,
                    "reason": reason,
                }
                for sentence_id, reason in outcome.skipped
            ],
            "position": outcome.position,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


Rows = tuple[list[tuple[UUID, int]], dict[UUID, Sentence]]


def seen_rows(interview_id: UUID, seen: list[dict]) -> Rows:
    """The sentences the client named, at the versions it saw, and their rows by id; each must
    be a sentence of the interview (else a 400 naming the first few that are not)."""
    versions = {item["id"]: item["version"] for item in seen}
    named = {s.id: s for s in Sentence.objects.filter(interview_id=interview_id, id__in=versions)}
    unknown = [str(sentence_id) for sentence_id in versions if sentence_id not in named]
    if unknown:
        raise serializers.ValidationError(
            {"sentences": [f"not sentences of this interview: {', '.join(unknown[:5])}"]}
        )
    return list(versions.items()), named


def _filtered_rows(request: Request, interview_id: UUID) -> Rows:
    chosen = filtered(Sentence.objects.filter(interview_id=interview_id), request)
    # One query: a set over the limit shows itself by its MAX_BULK + 1st row.
    sentences = list(chosen.filter(reviewed=False).order_by("index")[: MAX_BULK + 1])
    if len(sentences) > MAX_BULK:
        raise serializers.ValidationError(
            {"filter": [f"more than {MAX_BULK} sentences: narrow the filter"]}
        )
    return [(s.id, s.version) for s in sentences], {s.id: s for s in sentences}
