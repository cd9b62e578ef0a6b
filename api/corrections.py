"""Expert corrections of one sentence: edit, override, revert, clear, confirm.

Each is a command with the authenticated user as actor and the version the user saw, taken
from If-Match (the sentence's ETag): without it the answer is 428; if the sentence changed
since, 412 with what it looks like now — never a silent overwrite
(docs/architecture.md, Corrections; Standing rule 1).
"""

import re
from collections.abc import Callable
from typing import Any, ClassVar
from uuid import UUID

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import Role
from api.commands import accepted, actor_of
from api.errors import problem
from api.fields import Text
from api.sentences import SentenceOutput, sentence_for
from commands.errors import StaleVersion
from edits.corrections import Conflicted, sentence_correct
from events.dimensions import (
    DIMENSIONS,
    MAX_KEYWORDS,
    Dimension,
    InvalidDimensionValue,
    validate_value,
)
from events.envelope import stream_name
from events.wiring import get_event_store
from projections.waiting import wait_for_position
from readmodel.models import Interview, Sentence

# min_length=1 only tells the schema what "may not be blank" already enforces.
REASON = Text(min_length=1, max_length=2000, trim_whitespace=True)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="the ETag the client saw, like '\"3\"'; or * to change whatever is current",
    pattern=r'^((W/)?"[0-9]{1,18}"|\*)$',
)
# One entity tag as this API writes them (RFC 9110, 8.8.3): quoted digits, maybe weak. 18
# digits hold any stream version and keep int() off a header of thousands of digits.
_ETAG = re.compile(r'(?:W/)?"([0-9]{1,18})"')


@extend_schema_field(
    {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            spec.name.value: (
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_KEYWORDS}
                if spec.multi
                else {"type": "string", "enum": list(spec.labels or ())}
            )
            for spec in DIMENSIONS.values()
        },
    }
)
class DimensionValues(serializers.DictField):
    """New values by dimension; the schema names the dimensions and their allowed values."""

    child = serializers.JSONField()


class EditInput(serializers.Serializer):
    text = Text(min_length=1, max_length=10_000)
    reason = REASON


class OverrideInput(serializers.Serializer):
    fields = DimensionValues(allow_empty=False)
    reason = REASON

    def validate_fields(self, value: dict[str, Any]) -> dict[str, Any]:
        """Each value checked by the label sets' own validator, so a bad one is a field error
        naming its dimension; the project's domain keyword list is checked by the command."""
        errors = {}
        for name, raw in value.items():
            try:
                validate_value(name, raw)
            except InvalidDimensionValue as e:
                errors[name] = [str(e)]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class RevertInput(serializers.Serializer):
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=[d.value for d in Dimension]), allow_empty=False
    )
    reason = REASON


class ClearInput(serializers.Serializer):
    reason = REASON


class ConfirmInput(serializers.Serializer):
    note = Text(max_length=2000, required=False, allow_blank=True)


class SentenceCommandView(APIView):
    """One command on one sentence; subclasses name the input and how to build the command."""

    input: ClassVar[type[serializers.Serializer]]
    action: ClassVar[str]  # the correction of edits.corrections

    def post(self, request: Request, sentence_id: UUID) -> Response:
        sentence = sentence_for(request, sentence_id, Role.REVIEWER)
        expected = if_match_version(request, sentence)
        if isinstance(expected, Response):
            return expected
        data = self.input(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = sentence_correct(
            actor=actor_of(request),
            sentence_id=sentence.id,
            action=self.action,
            data=data.validated_data,
            expected_version=expected,
        )
        if isinstance(outcome, Conflicted):
            return _stale(outcome.stale, sentence)
        return accepted(outcome.result, location=f"/api/v1/sentences/{sentence.id}/")


def if_match_version(request: Request, row: Sentence | Interview) -> int | Response:
    """The version of `row`'s stream the client saw, from If-Match; or the 428/400/412 problem
    to answer. An ETag is `"3"` (or weak, `W/"3"`: a proxy may weaken it); `*` matches any
    current representation (RFC 9110, 13.1.1), so it writes on top of the stream as it is."""
    noun = type(row).__name__.lower()
    raw = request.headers.get("If-Match")
    if raw is None:
        return problem(
            status.HTTP_428_PRECONDITION_REQUIRED,
            "Precondition required",
            f"send the {noun}'s ETag as If-Match: the version you saw",
        )
    if raw.strip() == "*":
        current = get_event_store().current_version(stream_name(type(row).__name__, row.id))
        if current is not None:
            return current
        return problem(
            status.HTTP_412_PRECONDITION_FAILED,
            "Precondition failed",
            f"If-Match: * needs a current {noun}, and this one has no history yet",
        )
    if seen := _ETAG.fullmatch(raw.strip()):
        return int(seen.group(1))
    return problem(
        status.HTTP_400_BAD_REQUEST,
        "Invalid request",
        f"If-Match must be one ETag of this API, like '\"3\"' (quoted), or *; not {raw!r}",
    )


def _stale(stale: StaleVersion, sentence: Sentence) -> Response:
    """412 with the sentence as it is now and what changed since the version the client saw."""
    if stale.unseen_events:
        wait_for_position(
            stale.unseen_events[-1].position, interview_id=sentence.interview_id, timeout=2.0
        )
    sentence.refresh_from_db()
    changes = [
        {
            "event_type": e.event_type,
            "version": e.version,
            "actor": e.actor.display or str(e.actor),
            "occurred_at": e.occurred_at.isoformat(),
            "data": dict(e.data),
        }
        for e in stale.unseen_events
    ]
    response = problem(
        status.HTTP_412_PRECONDITION_FAILED,
        "Precondition failed",
        str(stale),
        current_version=stale.current_version,
        changes=changes,
        current=SentenceOutput(sentence).data,
    )
    response["ETag"] = f'"{stale.current_version}"'
    return response


def _schema(input_type: type[serializers.Serializer]) -> Callable:
    """Each view's own schema (extend_schema_view copies the inherited `post` per class)."""
    return extend_schema_view(
        post=extend_schema(request=input_type, parameters=[IF_MATCH], responses={202: None})
    )


@_schema(EditInput)
class Edit(SentenceCommandView):
    input, action = EditInput, "edit"


@_schema(OverrideInput)
class Override(SentenceCommandView):
    input, action = OverrideInput, "override"


@_schema(RevertInput)
class Revert(SentenceCommandView):
    input, action = RevertInput, "revert"


@_schema(ClearInput)
class Clear(SentenceCommandView):
    input, action = ClearInput, "clear"


@_schema(ConfirmInput)
class Confirm(SentenceCommandView):
    input, action = ConfirmInput, "confirm"
