"""Interviews of the projects a user belongs to: list (with filters) and detail with counters."""

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import Role
from access.selectors import visible_project_ids
from api.rows import WAIT_FOR, text_param, visible_row, wait_if_asked
from api.uploads import UploadTranscript
from readmodel.models import INTERVIEW_COUNTERS, Interview


class InterviewOutput(serializers.ModelSerializer):
    project_id = serializers.UUIDField()

    class Meta:
        model = Interview
        fields = (
            "id",
            "project_id",
            "title",
            "source_filename",
            "language",
            "participants",
            "recorded_on",
            "metadata",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
            *INTERVIEW_COUNTERS,
            "blocked",
            "version",
        )


class InterviewList(UploadTranscript):
    """GET lists interviews; POST (from UploadTranscript) uploads a transcript."""

    @extend_schema(
        parameters=[
            OpenApiParameter("project", UUID, description="only this project's interviews"),
            OpenApiParameter("status", str, description="uploaded, processing, analyzed, ..."),
            WAIT_FOR,
        ],
        responses=InterviewOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        wait_if_asked(request)
        interviews = Interview.objects.filter(project_id__in=visible_project_ids(user=request.user))
        if project := request.query_params.get("project"):
            interviews = interviews.filter(project_id=_uuid(project, "project"))
        if status := text_param(request.query_params, "status"):
            interviews = interviews.filter(status=status)
        return Response(InterviewOutput(interviews.order_by("-created_at", "id"), many=True).data)


class InterviewDetail(APIView):
    @extend_schema(parameters=[WAIT_FOR], responses=InterviewOutput)
    def get(self, request: Request, interview_id: UUID) -> Response:
        interview = interview_for(request, interview_id, Role.VIEWER)
        if "wait_for" in request.query_params:
            wait_if_asked(request, interview_id=interview.id)
            interview.refresh_from_db()
        response = Response(InterviewOutput(interview).data)
        response["ETag"] = f'"{interview.version}"'
        return response


def interview_for(request: Request, interview_id: UUID, role: Role) -> Interview:
    return visible_row(Interview, interview_id, request, role)


def _uuid(raw: str, name: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise serializers.ValidationError({name: ["must be a UUID"]}) from None
