"""The graph queries' API URLs, under /api/v1/graph/ (see api/urls.py)."""

from django.urls import path

from graph import api

urlpatterns = [
    path(
        "projects/<id:project_id>/sentences/",
        api.GraphSentences.as_view(),
        name="graph-sentences",
    ),
    path(
        "projects/<id:project_id>/topic-cooccurrence/",
        api.TopicCooccurrence.as_view(),
        name="graph-topic-cooccurrence",
    ),
    path(
        "projects/<id:project_id>/shared-keywords/",
        api.SharedKeywords.as_view(),
        name="graph-shared-keywords",
    ),
]
