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


class BulkConfirmInput(serializers.Serializer):
    note = Text(max_length=2000, required=False, allow_blank=True)


class BulkConfirm(APIView):
    """Confirm every unreviewed sentence of the filtered set, each at the version the read
    model shows; a sentence changed meanwhile is skipped and listed, never overwritten."""

    @extend_schema(request=BulkConfirmInput, parameters=FILTERS, responses={202: None})
    def post(self, request: Request, interview_id: UUID) -> Response:
        interview = interview_for(request, interview_id, Role.REVIEWER)
        data = BulkConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = filtered(Sentence.objects.filter(interview_id=interview.id), request)
        chosen = chosen.filter(reviewed=False).order_by("index")
        if chosen.count() > MAX_BULK:
            raise serializers.ValidationError(
                {"filter": [f"more than {MAX_BULK} sentences: narrow the filter"]}
            )
        outcome = confirm_sentences(
            actor=actor_of(request),
            rows=((sentence.id, sentence.version) for sentence in chosen),
            note=data.validated_data.get("note") or None,
        )
        body = {
            "confirmed": [
                {"id": str(sentence_id), "position": position}
                for sentence_id, position in outcome.confirmed
            ],
            "skipped": [
                {"id": str(sentence_id), "reason": reason}
                for sentence_id, reason in outcome.skipped
            ],
            "position": outcome.position,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)
