"""Uploads (stub: being written)."""

from rest_framework.views import APIView


class UploadStatus(APIView):
    pass
