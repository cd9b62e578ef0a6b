"""The graph read model in the REST API: cross-interview questions on one project
(docs/architecture.md, Projections).

One view per question, each thin: check membership (a non-member gets 404), validate the query
string with its `Input` serializer (400 with field errors), run one `graph.queries` function.
The graph being off or not answering is `GraphUnavailable`, which `api.errors` answers 503.
"""

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.permissions import Role, require
from api.errors import problem_responses
from graph import queries

MAX_LIMIT = 500
NAME_LENGTH = 200  # of a name filter: longer than any keyword or label

ERRORS = problem_responses(
    {
        400: "a malformed or missing query parameter (errors name the fields)",
        401: "not authenticated",
        404: "no such project, or the user is not a member of it",
        503: "the graph read model is off (NEO4J_BOLT_URL is not set) or Neo4j does not answer",
    }
)


def _name(help_text: str) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, max_length=NAME_LENGTH, help_text=help_text
    )


def _limit() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        default=100,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"results at most (default 100, at most {MAX_LIMIT})",
    )


def _include_archived() -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False, default=False, help_text="also archived interviews (left out by default)"
    )


def _asked(
    request: Request, project_id: UUID, serializer: type[serializers.Serializer]
) -> dict[str, Any]:
    """The validated query string of a member of the project: a non-member gets 404 before
    anything of the query string is looked at (so never a 400 that says the project exists)."""
    require(user=request.user, project_id=project_id, role=Role.VIEWER)
    data = serializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data


class SentenceHitOutput(serializers.Serializer):
    sentence_id = serializers.UUIDField()
    interview_id = serializers.UUIDField()
    interview_title = serializers.CharField()
    index = serializers.IntegerField()
    speaker = serializers.CharField()
    text = serializers.CharField()
    is_edited = serializers.BooleanField()
    is_overridden = serializers.BooleanField()


class GraphSentencesOutput(serializers.Serializer):
    limit = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="more sentences match than `limit`")
    results = SentenceHitOutput(many=True)


class GraphSentences(APIView):
    class Input(serializers.Serializer):
        keyword = _name("an overall keyword the sentence mentions (case-insensitive)")
        domain_keyword = _name("a domain keyword the sentence mentions (case-insensitive)")
        topic = _name("the sentence's topic, of level 1 or 3 (case-insensitive)")
        purpose = _name("the sentence's purpose (case-insensitive)")
        function_type = _name("the sentence's function type (case-insensitive)")
        limit = _limit()
        include_archived = _include_archived()

        FILTERS = ("keyword", "domain_keyword", "topic", "purpose", "function_type")

        def validate(self, data: dict[str, Any]) -> dict[str, Any]:
            if not any(data.get(name) for name in self.FILTERS):
                raise serializers.ValidationError(
                    {name: ["give at least one of the filters"] for name in self.FILTERS}
                )
            return data

    @extend_schema(
        summary="Sentences across the project's interviews matching every given filter",
        description=(
            "Effective values (the expert's override, else the AI's). At least one of keyword,"
            " domain_keyword, topic, purpose and function_type; ordered by interview title,"
            ' then sentence index. "Which pain points mention Jira?" is'
            " `?topic=pain points&domain_keyword=Jira`."
        ),
        parameters=[Input],
        responses={(200, "application/json"): GraphSentencesOutput, **ERRORS},
    )
    def get(self, request: Request, project_id: UUID) -> Response:
        given = _asked(request, project_id, self.Input)
        limit = given.pop("limit")
        hits = queries.sentences_matching(project_id=project_id, limit=limit + 1, **given)
        return Response(
            GraphSentencesOutput(
                {"limit": limit, "truncated": len(hits) > limit, "results": hits[:limit]}
            ).data
        )


class TopicPairOutput(serializers.Serializer):
    topic_a = serializers.CharField()
    topic_b = serializers.CharField(help_text="after topic_a in name order")
    count = serializers.IntegerField(
        help_text="scope interview: interviews with both; scope adjacent: sentence pairs"
    )


class TopicCooccurrenceOutput(serializers.Serializer):
    level = serializers.IntegerField()
    scope = serializers.CharField()
    min_count = serializers.IntegerField()
    limit = serializers.IntegerField()
    results = TopicPairOutput(many=True)


class TopicCooccurrence(APIView):
    class Input(serializers.Serializer):
        level = serializers.ChoiceField(
            choices=[(1, "1"), (3, "3")], required=False, default=1, help_text="topic level"
        )
        scope = serializers.ChoiceField(
            choices=["interview", "adjacent"],
            required=False,
            default="interview",
            help_text="interview (default): both topics in one interview, counted in"
            " interviews; adjacent: the topics of two consecutive sentences, counted in"
            " sentence pairs",
        )
        min_count = serializers.IntegerField(
            required=False, default=1, min_value=1, max_value=1_000_000
        )
        limit = _limit()
        include_archived = _include_archived()

    @extend_schema(
        summary="Pairs of topics that occur together, most frequent first",
        description=(
            "By default (scope=interview) two topics co-occur when both are the topic (of the"
            " given level) of sentences of one interview, and the count is the number of such"
            " interviews. With scope=adjacent they are the topics of two consecutive sentences"
            " (NEXT_SENTENCE), counted in sentence pairs."
        ),
        parameters=[Input],
        responses={(200, "application/json"): TopicCooccurrenceOutput, **ERRORS},
    )
    def get(self, request: Request, project_id: UUID) -> Response:
        given = _asked(request, project_id, self.Input)
        given["level"] = int(given["level"])
        pairs = queries.topic_cooccurrence(project_id=project_id, **given)
        body = {**given, "results": pairs}
        return Response(TopicCooccurrenceOutput(body).data)


class KeywordInterviewOutput(serializers.Serializer):
    interview_id = serializers.UUIDField()
    title = serializers.CharField()
    sentence_count = serializers.IntegerField()


class SharedKeywordOutput(serializers.Serializer):
    keyword = serializers.CharField(help_text="spellings differing in case count as one")
    interview_count = serializers.IntegerField()
    sentence_count = serializers.IntegerField()
    interviews = KeywordInterviewOutput(many=True)


class SharedKeywordsOutput(serializers.Serializer):
    kind = serializers.CharField()
    min_interviews = serializers.IntegerField()
    limit = serializers.IntegerField()
    results = SharedKeywordOutput(many=True)


class SharedKeywords(APIView):
    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(
            choices=list(queries.KEYWORD_KINDS),
            required=False,
            default="keyword",
            help_text="overall keywords (default) or domain keywords",
        )
        min_interviews = serializers.IntegerField(
            required=False, default=2, min_value=1, max_value=1_000_000
        )
        limit = _limit()
        include_archived = _include_archived()

    @extend_schema(
        summary="Keywords mentioned in at least min_interviews of the project's interviews",
        parameters=[Input],
        responses={(200, "application/json"): SharedKeywordsOutput, **ERRORS},
    )
    def get(self, request: Request, project_id: UUID) -> Response:
        given = _asked(request, project_id, self.Input)
        shared = queries.shared_keywords(project_id=project_id, **given)
        body = {**given, "results": shared}
        return Response(SharedKeywordsOutput(body).data)
