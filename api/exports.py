"""Exports over HTTP (stub: being written)."""

from rest_framework.views import APIView


class InterviewExport(APIView):
    pass


class ProjectExport(APIView):
    pass
