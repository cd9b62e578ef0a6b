"""Uploading a transcript (multipart, answered 202) and the status resource of an upload.

The file is validated in full before the answer — the same checks as `manage.py ingest` — so a
refused file is a 4xx naming the problem and nothing is queued or written. An accepted file is
queued for the pipeline; `Location` points at its status resource.
"""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from access.permissions import Role, require
from api.errors import problem, problem_responses
from ingestion.accept import UploadRefused, accept_file
from ingestion.models import Upload
from ingestion.selectors import UPLOAD_STATES, upload_status
from ingestion.upload import describe_size

# Multipart overhead allowed beyond the file itself before a request is refused unread.
_ENVELOPE_BYTES = 64 * 1024


class UploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="a transcript: .txt, .md, .vtt or .srt, UTF-8")
    project = serializers.UUIDField(help_text="the project to add the interview to")
    title = serializers.CharField(
        required=False, max_length=300, help_text="default: the front matter's, else the file name"
    )


class UploadAccepted(serializers.Serializer):
    task_id = serializers.CharField()
    interview_id = serializers.UUIDField()
    status_url = serializers.CharField()
    interview_url = serializers.CharField()


class UploadState(serializers.Serializer):
    task_id = serializers.CharField()
    state = serializers.ChoiceField(choices=UPLOAD_STATES)
    detail = serializers.CharField(allow_null=True)
    filename = serializers.CharField()
    size = serializers.IntegerField()
    project_id = serializers.UUIDField()
    interview_id = serializers.UUIDField()
    uploaded_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    position = serializers.IntegerField(
        allow_null=True, help_text="when done: wait_for it to read every event of the run"
    )
    interview = serializers.DictField(allow_null=True, help_text="status and counters so far")


class TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."


class UploadTranscript(APIView):
    """Mixed into the interview list view: POST /api/v1/interviews/ uploads."""

    parser_classes = (MultiPartParser, FormParser)

    def get_throttles(self) -> list[BaseThrottle]:
        # The uploads budget counts uploads only, not the reads of the view it is mixed into.
        self.throttle_scope = "uploads" if self.request.method == "POST" else ""
        return super().get_throttles()

    @extend_schema(
        request={"multipart/form-data": UploadInput},
        responses={
            202: UploadAccepted,
            **problem_responses(
                {
                    400: "the file cannot be ingested (errors.file says why)",
                    409: "the same content is an archived interview",
                    413: "over INGEST_MAX_BYTES",
                }
            ),
        },
    )
    def post(self, request: Request) -> Response:
        _refuse_oversized_body(request)
        data = UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        project_id = data.validated_data["project"]
        require(user=request.user, project_id=project_id, role=Role.REVIEWER)
        try:
            upload = accept_file(
                data.validated_data["file"],
                project_id=project_id,
                user=request.user,
                title=data.validated_data.get("title"),
            )
        except UploadRefused as e:
            if e.status == status.HTTP_409_CONFLICT:
                return problem(e.status, "Conflict", e.message)
            if e.status == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE:
                raise TooLarge({"file": [e.message]}) from e
            raise serializers.ValidationError({"file": [e.message]}) from e
        status_url = f"{settings.API_PREFIX}uploads/{upload.task_id}/"
        body = {
            "task_id": upload.task_id,
            "interview_id": str(upload.interview_id),
            "status_url": status_url,
            "interview_url": f"{settings.API_PREFIX}interviews/{upload.interview_id}/",
        }
        response = Response(body, status=status.HTTP_202_ACCEPTED)
        response["Location"] = status_url
        return response


class UploadStatus(APIView):
    @extend_schema(responses=UploadState)
    def get(self, request: Request, task_id: str) -> Response:
        upload = Upload.objects.filter(task_id=task_id).select_related("uploaded_by").first()
        if upload is None:
            raise Http404
        require(user=request.user, project_id=upload.project_id, role=Role.VIEWER)
        return Response(UploadState(upload_status(upload)).data)


def _refuse_oversized_body(request: Request) -> None:
    """Refuse before reading a body that cannot hold an acceptable file: a client announcing
    a gigabyte gets its 413 at once, not after the server has spooled it to disk."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length > settings.INGEST_MAX_BYTES + _ENVELOPE_BYTES:
        raise TooLarge(
            {
                "file": [
                    f"The request is {describe_size(length)}, over the upload limit of"
                    f" {describe_size(settings.INGEST_MAX_BYTES)} (the INGEST_MAX_BYTES setting)."
                ]
            }
        )
