"""The graph queries (graph.queries) and their REST API (/api/v1/graph/), against a real Neo4j
holding a hand-built graph that follows the projection's schema contract, so these tests do not
depend on the projection itself.

Two projects share dimension nodes (one `(:DomainKeyword {name: "Jira"})` for both): a member of
"ours" must never see "theirs". Ours has Alpha and Beta, and Gamma, which is archived.
"""

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from access.services import grant
from commands.aggregates import project_id_for_slug
from graph import queries
from graph.connection import GraphUnavailable, graph_session
from readmodel.models import Project
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

OURS = project_id_for_slug("ours")
THEIRS = project_id_for_slug("theirs")

# (project, interview title, status, sentences); a sentence is
# (speaker, text, topic level 1, topic level 3, purpose, function type, keywords, domain keywords,
#  overridden)
INTERVIEWS = [
    (
        OURS,
        "Alpha",
        "analyzed",
        [
            ("Maya", "We track everything in Jira.", "tools", "tools", "Statement",
             "declarative", ["tracking"], ["Jira"], False),
            ("Maya", "Jira tickets pile up and nobody reads them.", "pain points", "tools",
             "Observation", "declarative", ["tickets"], ["Jira"], True),
            ("Ola", "How do you plan sprints?", "processes", "strategy", "Query",
             "interrogative", ["planning"], ["Sprint"], False),
        ],
    ),
    (
        OURS,
        "Beta",
        "analyzed",
        [
            ("Kim", "Our Jira board is a mess.", "pain points", "tools", "Observation",
             "declarative", ["Tickets"], ["Jira"], False),
            ("Kim", "Retrospectives help us.", "processes", "processes", "Statement",
             "declarative", ["retrospectives"], ["Retrospective"], False),
        ],
    ),
    (
        OURS,
        "Gamma",
        "archived",
        [
            ("Lee", "Jira is painful.", "pain points", "tools", "Observation", "declarative",
             ["tickets"], ["Jira"], False),
        ],
    ),
    (
        THEIRS,
        "Other",
        "analyzed",
        [
            ("Pat", "Jira everywhere, and it hurts.", "pain points", "tools", "Observation",
             "declarative", ["tickets"], ["Jira"], False),
            ("Pat", "We plan in Jira too.", "processes", "tools", "Statement", "declarative",
             ["planning"], ["Jira"], False),
        ],
    ),
]  # fmt: skip

PROJECT = "MERGE (p:Project {project_id: $project_id}) SET p.slug = $slug, p.name = $name"
INTERVIEW = """
MATCH (p:Project {project_id: $project_id})
CREATE (p)-[:CONTAINS_INTERVIEW]->(:Interview {
    interview_id: $interview_id, project_id: $project_id, title: $title, status: $status})
"""
SENTENCE = """
MATCH (i:Interview {interview_id: $interview_id})
CREATE (i)-[:HAS_SENTENCE]->(s:Sentence {
    sentence_id: $sentence_id, interview_id: $interview_id, project_id: $project_id,
    index: $index, speaker: $speaker, text: $text, is_edited: false,
    is_overridden: $overridden, is_reviewed: false})
MERGE (t1:Topic {name: $topic_1}) CREATE (s)-[:HAS_TOPIC {level: 1}]->(t1)
MERGE (t3:Topic {name: $topic_3}) CREATE (s)-[:HAS_TOPIC {level: 3}]->(t3)
MERGE (p:Purpose {name: $purpose}) CREATE (s)-[:HAS_PURPOSE]->(p)
MERGE (f:FunctionType {name: $function_type}) CREATE (s)-[:HAS_FUNCTION_TYPE]->(f)
MERGE (st:StructureType {name: 'simple'}) CREATE (s)-[:HAS_STRUCTURE_TYPE]->(st)
FOREACH (name IN $keywords |
    MERGE (k:Keyword {name: name}) CREATE (s)-[:MENTIONS_KEYWORD]->(k))
FOREACH (name IN $domain_keywords |
    MERGE (d:DomainKeyword {name: name}) CREATE (s)-[:MENTIONS_DOMAIN_KEYWORD]->(d))
WITH s
OPTIONAL MATCH (previous:Sentence {interview_id: $interview_id, index: $index - 1})
FOREACH (_ IN CASE WHEN previous IS NULL THEN [] ELSE [1] END |
    CREATE (previous)-[:NEXT_SENTENCE]->(s))
"""


def build_graph() -> dict[str, str]:
    """The graph of INTERVIEWS; returns each interview's id by title."""
    ids = {}
    with graph_session() as session:
        for project_id, slug in ((OURS, "ours"), (THEIRS, "theirs")):
            session.run(PROJECT, project_id=str(project_id), slug=slug, name=slug.title())
        for project_id, title, status, sentences in INTERVIEWS:
            interview_id = ids[title] = str(uuid.uuid4())
            session.run(
                INTERVIEW,
                project_id=str(project_id),
                interview_id=interview_id,
                title=title,
                status=status,
            ).consume()
            for index, (speaker, text, t1, t3, purpose, ft, kws, dkws, over) in enumerate(
                sentences
            ):
                session.run(
                    SENTENCE,
                    interview_id=interview_id,
                    project_id=str(project_id),
                    sentence_id=str(uuid.uuid4()),
                    index=index,
                    speaker=speaker,
                    text=text,
                    topic_1=t1,
                    topic_3=t3,
                    purpose=purpose,
                    function_type=ft,
                    keywords=kws,
                    domain_keywords=dkws,
                    overridden=over,
                ).consume()
    return ids


def a_project(slug: str) -> Project:
    return Project.objects.create(
        id=project_id_for_slug(slug),
        name=slug.title(),
        slug=slug,
        domain_keywords=["Jira", "Sprint", "Retrospective"],
        created_at=timezone.now(),
        version=0,
    )


@pytest.fixture
def graph() -> dict[str, str]:
    return build_graph()


@pytest.fixture
def cast(db):
    """The projects in the relational read model, a viewer of ours and an outsider."""
    a_project("ours"), a_project("theirs")
    viewer = User.objects.create_user("vera")
    outsider = User.objects.create_user("otto")
    grant(username="vera", project_slug="ours", role="viewer")
    grant(username="otto", project_slug="theirs", role="admin")
    return {"viewer": viewer, "outsider": outsider}


def texts(hits) -> list[tuple[str, int]]:
    return [(hit.interview_title, hit.index) for hit in hits]


# --- the queries -------------------------------------------------------------------------------


def test_which_pain_points_mention_jira_only_in_the_projects_live_interviews(graph):
    hits = queries.sentences_matching(project_id=OURS, topic="pain points", domain_keyword="Jira")
    assert texts(hits) == [("Alpha", 1), ("Beta", 0)]
    assert hits[0].interview_id == graph["Alpha"]
    assert hits[0].text == "Jira tickets pile up and nobody reads them."
    assert hits[0].speaker == "Maya"
    assert (hits[0].is_overridden, hits[1].is_overridden) == (True, False)


def test_archived_interviews_come_back_only_when_asked_for(graph):
    hits = queries.sentences_matching(
        project_id=OURS, topic="pain points", domain_keyword="Jira", include_archived=True
    )
    assert texts(hits) == [("Alpha", 1), ("Beta", 0), ("Gamma", 0)]


def test_names_match_whatever_their_case(graph):
    hits = queries.sentences_matching(project_id=OURS, keyword="TICKETS", topic="Pain Points")
    assert texts(hits) == [("Alpha", 1), ("Beta", 0)]


def test_every_filter_narrows_the_sentences(graph):
    assert texts(queries.sentences_matching(project_id=OURS, purpose="query")) == [("Alpha", 2)]
    assert (
        texts(
            queries.sentences_matching(
                project_id=OURS, function_type="declarative", keyword="planning"
            )
        )
        == []
    )
    assert texts(queries.sentences_matching(project_id=OURS, topic="strategy")) == [("Alpha", 2)]


def test_the_limit_keeps_the_first_sentences_in_order(graph):
    hits = queries.sentences_matching(project_id=OURS, function_type="declarative", limit=3)
    assert texts(hits) == [("Alpha", 0), ("Alpha", 1), ("Beta", 0)]


def test_a_search_without_a_filter_is_refused():
    with pytest.raises(ValueError, match="at least one filter"):
        queries.sentences_matching(project_id=OURS, keyword="")


def test_topics_of_one_interview_occur_together_counted_in_interviews(graph):
    pairs = queries.topic_cooccurrence(project_id=OURS, level=1)
    assert [(p.topic_a, p.topic_b, p.count) for p in pairs] == [
        ("pain points", "processes", 2),
        ("pain points", "tools", 1),
        ("processes", "tools", 1),
    ]
    frequent = queries.topic_cooccurrence(project_id=OURS, level=1, min_count=2)
    assert [(p.topic_a, p.topic_b) for p in frequent] == [("pain points", "processes")]


def test_level_3_topics_pair_up_on_their_own(graph):
    pairs = queries.topic_cooccurrence(project_id=OURS, level=3)
    assert [(p.topic_a, p.topic_b, p.count) for p in pairs] == [
        ("processes", "tools", 1),
        ("strategy", "tools", 1),
    ]


def test_adjacent_sentences_pair_their_topics_counted_in_sentence_pairs(graph):
    pairs = queries.topic_cooccurrence(project_id=OURS, level=1, scope="adjacent")
    assert [(p.topic_a, p.topic_b, p.count) for p in pairs] == [
        ("pain points", "processes", 2),
        ("pain points", "tools", 1),
    ]


def test_shared_keywords_list_their_interviews_and_merge_spellings(graph):
    [tickets] = queries.shared_keywords(project_id=OURS, kind="keyword")
    assert (tickets.keyword, tickets.interview_count, tickets.sentence_count) == ("Tickets", 2, 2)
    assert [(i.title, i.sentence_count) for i in tickets.interviews] == [("Alpha", 1), ("Beta", 1)]
    [jira] = queries.shared_keywords(project_id=OURS, kind="domain_keyword")
    assert (jira.keyword, jira.interview_count, jira.sentence_count) == ("Jira", 2, 3)
    assert jira.interviews[0].interview_id == graph["Alpha"]


def test_one_interview_is_enough_when_asked(graph):
    shared = queries.shared_keywords(project_id=OURS, kind="domain_keyword", min_interviews=1)
    assert [(k.keyword, k.interview_count) for k in shared] == [
        ("Jira", 2),
        ("Retrospective", 1),
        ("Sprint", 1),
    ]


def test_the_vocabulary_is_the_names_the_projects_sentences_use(graph):
    names = queries.project_vocabulary(project_id=OURS)
    assert names.domain_keywords == ("Jira", "Retrospective", "Sprint")
    assert names.topics == ("pain points", "processes", "strategy", "tools")
    assert names.function_types == ("declarative", "interrogative")
    assert "hurts" not in " ".join(names.keywords)


def test_a_project_without_a_graph_has_empty_answers(graph):
    nobody = uuid.uuid4()
    assert queries.sentences_matching(project_id=nobody, keyword="tickets") == []
    assert queries.topic_cooccurrence(project_id=nobody) == []
    assert queries.shared_keywords(project_id=nobody) == []
    assert queries.project_vocabulary(project_id=nobody) == queries.Vocabulary()


# --- the API -----------------------------------------------------------------------------------

SENTENCES = f"/api/v1/graph/projects/{OURS}/sentences/"
PAIRS = f"/api/v1/graph/projects/{OURS}/topic-cooccurrence/"
SHARED = f"/api/v1/graph/projects/{OURS}/shared-keywords/"
URLS = {"sentences": SENTENCES, "pairs": PAIRS, "shared": SHARED}


def test_the_api_answers_which_pain_points_mention_jira(graph, cast):
    response = client_for(cast["viewer"]).get(
        SENTENCES, {"topic": "pain points", "domain_keyword": "jira"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["limit"], body["truncated"]) == (100, False)
    assert [(r["interview_title"], r["index"]) for r in body["results"]] == [
        ("Alpha", 1),
        ("Beta", 0),
    ]
    first = body["results"][0]
    assert first["interview_id"] == graph["Alpha"]
    assert set(first) == {
        "sentence_id",
        "interview_id",
        "interview_title",
        "index",
        "speaker",
        "text",
        "is_edited",
        "is_overridden",
    }
    assert first["is_overridden"] is True


def test_the_api_says_when_the_limit_cut_the_list(graph, cast):
    body = (
        client_for(cast["viewer"])
        .get(SENTENCES, {"function_type": "declarative", "limit": 2})
        .json()
    )
    assert (len(body["results"]), body["limit"], body["truncated"]) == (2, 2, True)


def test_the_api_lists_topic_pairs_and_shared_keywords(graph, cast):
    client = client_for(cast["viewer"])
    pairs = client.get(PAIRS, {"level": "1", "min_count": "2"}).json()
    assert pairs == {
        "level": 1,
        "scope": "interview",
        "min_count": 2,
        "limit": 100,
        "results": [{"topic_a": "pain points", "topic_b": "processes", "count": 2}],
    }
    adjacent = client.get(PAIRS, {"scope": "adjacent"}).json()
    assert [r["count"] for r in adjacent["results"]] == [2, 1]
    shared = client.get(SHARED, {"kind": "domain_keyword"}).json()
    assert shared["results"] == [
        {
            "keyword": "Jira",
            "interview_count": 2,
            "sentence_count": 3,
            "interviews": [
                {"interview_id": graph["Alpha"], "title": "Alpha", "sentence_count": 2},
                {"interview_id": graph["Beta"], "title": "Beta", "sentence_count": 1},
            ],
        }
    ]
    everything = client.get(SHARED, {"min_interviews": 1, "include_archived": "true"}).json()
    assert everything["results"][0]["keyword"] == "Tickets"
    assert everything["results"][0]["interview_count"] == 3


def test_a_member_of_another_project_sees_only_their_own_sentences(graph, cast):
    client = client_for(cast["outsider"])
    theirs = client.get(
        f"/api/v1/graph/projects/{THEIRS}/sentences/", {"domain_keyword": "Jira"}
    ).json()
    assert {r["interview_title"] for r in theirs["results"]} == {"Other"}
    shared = client.get(
        f"/api/v1/graph/projects/{THEIRS}/shared-keywords/",
        {"kind": "domain_keyword", "min_interviews": 1},
    ).json()
    assert [(k["keyword"], k["sentence_count"]) for k in shared["results"]] == [("Jira", 2)]


@pytest.mark.parametrize("endpoint", URLS)
def test_a_non_member_gets_404_and_anonymous_401(endpoint, graph, cast):
    url = URLS[endpoint]
    refused = client_for(cast["outsider"]).get(url, {"keyword": "tickets"})
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"
    assert "Alpha" not in refused.content.decode()
    assert client_for(cast["outsider"]).get(url, {"limit": "0"}).status_code == 404  # not 400
    assert APIClient().get(url, {"keyword": "tickets"}).status_code == 401


@pytest.mark.parametrize(
    ("endpoint", "query", "field"),
    [
        ("sentences", {}, "keyword"),
        ("sentences", {"keyword": "  "}, "keyword"),
        ("sentences", {"keyword": "ji\x00ra"}, "keyword"),
        ("sentences", {"topic": "x" * 201}, "topic"),
        ("sentences", {"topic": "tools", "limit": "501"}, "limit"),
        ("sentences", {"topic": "tools", "limit": "0"}, "limit"),
        ("sentences", {"topic": "tools", "limit": "many"}, "limit"),
        ("sentences", {"topic": "tools", "include_archived": "maybe"}, "include_archived"),
        ("pairs", {"level": "2"}, "level"),
        ("pairs", {"level": "one"}, "level"),
        ("pairs", {"scope": "sentence"}, "scope"),
        ("pairs", {"min_count": "0"}, "min_count"),
        ("pairs", {"min_count": "²"}, "min_count"),
        ("shared", {"kind": "topic"}, "kind"),
        ("shared", {"kind": "key\x00word"}, "kind"),
        ("shared", {"min_interviews": "-1"}, "min_interviews"),
    ],
)
def test_bad_parameters_are_400_problems_naming_the_field(endpoint, query, field, cast):
    response = client_for(cast["viewer"]).get(URLS[endpoint], query)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


@override_settings(NEO4J_BOLT_URL="")
@pytest.mark.parametrize("endpoint", URLS)
def test_without_the_graph_the_api_answers_503_saying_it_is_off(endpoint, cast):
    response = client_for(cast["viewer"]).get(URLS[endpoint], {"topic": "tools"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "the graph read model is off: NEO4J_BOLT_URL is not set" in response.json()["detail"]


@override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1")
@pytest.mark.parametrize("endpoint", URLS)
def test_an_unreachable_neo4j_is_a_503_problem(endpoint, cast):
    response = client_for(cast["viewer"]).get(URLS[endpoint], {"topic": "tools"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "does not answer" in response.json()["detail"]


@override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1")
def test_the_queries_raise_graph_unavailable_when_neo4j_does_not_answer():
    with pytest.raises(GraphUnavailable):
        queries.shared_keywords(project_id=OURS)


def test_the_schema_documents_the_graph_operations(cast):
    schema = client_for(cast["viewer"]).get("/api/schema/?format=json").json()
    for path in ("sentences", "topic-cooccurrence", "shared-keywords"):
        operation = schema["paths"][f"/api/v1/graph/projects/{{project_id}}/{path}/"]["get"]
        assert {"200", "400", "401", "404", "503"} <= set(operation["responses"])
