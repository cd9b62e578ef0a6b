"""Projects: list and detail for members, the domain keyword list, creation for staff."""

from uuid import UUID, uuid4

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import Role, require
from access.selectors import visible_project_ids
from api.commands import accepted, actor_of
from api.fields import Slug, Text
from api.rows import WAIT_FOR, wait_if_asked
from commands.aggregates import project_id_for_slug
from commands.bus import dispatch
from commands.messages import CreateProject
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS
from readmodel.models import Project


class ProjectOutput(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ("id", "name", "slug", "domain_keywords", "created_at", "version")


class ProjectList(APIView):
    class CreateInput(serializers.Serializer):
        name = Text(min_length=1, max_length=200)  # min: for the schema
        slug = Slug(max_length=100)
        domain_keywords = serializers.ListField(
            child=Text(max_length=80), required=False, max_length=500
        )

    @extend_schema(parameters=[WAIT_FOR], responses=ProjectOutput(many=True))
    def get(self, request: Request) -> Response:
        wait_if_asked(request)
        projects = Project.objects.filter(id__in=visible_project_ids(user=request.user))
        return Response(ProjectOutput(projects.order_by("name"), many=True).data)

    @extend_schema(request=CreateInput, responses={202: None})
    def post(self, request: Request) -> Response:
        if not request.user.is_staff:
            self.permission_denied(request, message="only staff users create projects")
        data = self.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        slug = data.validated_data["slug"]
        result = dispatch(
            CreateProject(
                actor=actor_of(request),
                command_id=uuid4(),
                project_id=project_id_for_slug(slug),
                name=data.validated_data["name"],
                slug=slug,
                domain_keywords=tuple(
                    data.validated_data.get("domain_keywords", DEFAULT_DOMAIN_KEYWORDS)
                ),
            )
        )
        location = f"{settings.API_PREFIX}projects/{result.aggregate_id}/"
        return accepted(result, location=location)


class ProjectDetail(APIView):
    permission_classes = (permissions.IsAuthenticated,)

    @extend_schema(parameters=[WAIT_FOR], responses=ProjectOutput)
    def get(self, request: Request, project_id: UUID) -> Response:
        require(user=request.user, project_id=project_id, role=Role.VIEWER)
        wait_if_asked(request, project_id=project_id)
        project = Project.objects.get(id=project_id)
        return Response(ProjectOutput(project).data)


class ProjectKeywords(APIView):
    @extend_schema(responses={200: {"type": "array", "items": {"type": "string"}}})
    def get(self, request: Request, project_id: UUID) -> Response:
        require(user=request.user, project_id=project_id, role=Role.VIEWER)
        project = Project.objects.get(id=project_id)
        return Response(project.domain_keywords, status=status.HTTP_200_OK)
