"""Read queries on the graph read model: the cross-interview questions of
docs/architecture.md, Projections.

Plain functions, each one Cypher statement on `graph_session()`, keyword-only arguments, results
as frozen dataclasses. Every value from a caller travels as a Cypher parameter; the only text
ever chosen by an argument is one of the fixed statements of SHARED_KEYWORDS (picked by `kind`
from a closed set, never formatted from input).

What every query here promises:
- Scoped to one project: sentences are reached through `(:Interview {project_id})`, so dimension
  nodes shared by several projects (one `(:Keyword {name: "Jira"})` for all) never lead into
  another project's interviews. Access is the caller's business (`access.permissions.require`).
- Archived interviews are left out unless `include_archived=True`.
- Names (keywords, topics, purposes, function types) match case-insensitively.
- The graph being off or unreachable raises `graph.connection.GraphUnavailable`. The statements
  run as auto-commit queries, not managed transactions: those retry an outage for several
  seconds, and a read for a page or an API client should fail fast (503) instead.
"""

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from graph.connection import graph_session

__all__ = [
    "KEYWORD_KINDS",
    "TOPIC_LEVELS",
    "CooccurrenceScope",
    "KeywordInterview",
    "KeywordKind",
    "SentenceHit",
    "SharedKeyword",
    "TopicPair",
    "Vocabulary",
    "project_vocabulary",
    "sentences_matching",
    "shared_keywords",
    "topic_cooccurrence",
]

TOPIC_LEVELS = (1, 3)
KeywordKind = Literal["keyword", "domain_keyword"]
CooccurrenceScope = Literal["interview", "adjacent"]

# The interviews of a project a query looks at; `$include_archived` lets archived ones in.
_INTERVIEWS = """
MATCH (i:Interview {project_id: $project_id})
WHERE $include_archived OR coalesce(i.status, '') <> 'archived'
"""


@dataclass(frozen=True)
class SentenceHit:
    sentence_id: str
    interview_id: str
    interview_title: str
    index: int
    speaker: str
    text: str
    is_edited: bool
    is_overridden: bool


@dataclass(frozen=True)
class TopicPair:
    """Two topics (in name order) and how often they occur together."""

    topic_a: str
    topic_b: str
    count: int


@dataclass(frozen=True)
class KeywordInterview:
    interview_id: str
    title: str
    sentence_count: int


@dataclass(frozen=True)
class SharedKeyword:
    keyword: str
    interview_count: int
    sentence_count: int
    interviews: tuple[KeywordInterview, ...]  # by title


@dataclass(frozen=True)
class Vocabulary:
    """The names the project's (not archived) sentences link to, each list sorted."""

    keywords: tuple[str, ...] = ()
    domain_keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    function_types: tuple[str, ...] = ()


SENTENCES = (
    _INTERVIEWS
    + """
MATCH (i)-[:HAS_SENTENCE]->(s:Sentence)
WHERE ($keyword IS NULL OR EXISTS {
        MATCH (s)-[:MENTIONS_KEYWORD]->(k:Keyword) WHERE toLower(k.name) = toLower($keyword) })
  AND ($domain_keyword IS NULL OR EXISTS {
        MATCH (s)-[:MENTIONS_DOMAIN_KEYWORD]->(d:DomainKeyword)
        WHERE toLower(d.name) = toLower($domain_keyword) })
  AND ($topic IS NULL OR EXISTS {
        MATCH (s)-[:HAS_TOPIC]->(t:Topic) WHERE toLower(t.name) = toLower($topic) })
  AND ($purpose IS NULL OR EXISTS {
        MATCH (s)-[:HAS_PURPOSE]->(p:Purpose) WHERE toLower(p.name) = toLower($purpose) })
  AND ($function_type IS NULL OR EXISTS {
        MATCH (s)-[:HAS_FUNCTION_TYPE]->(f:FunctionType)
        WHERE toLower(f.name) = toLower($function_type) })
RETURN s.sentence_id AS sentence_id, i.interview_id AS interview_id,
       coalesce(i.title, '') AS interview_title, s.index AS index,
       coalesce(s.speaker, '') AS speaker, coalesce(s.text, '') AS text,
       coalesce(s.is_edited, false) AS is_edited,
       coalesce(s.is_overridden, false) AS is_overridden
ORDER BY interview_title, interview_id, index
LIMIT $limit
"""
)


def sentences_matching(
    *,
    project_id: UUID,
    keyword: str | None = None,
    domain_keyword: str | None = None,
    topic: str | None = None,
    purpose: str | None = None,
    function_type: str | None = None,
    limit: int = 100,
    include_archived: bool = False,
) -> list[SentenceHit]:
    """The project's sentences that match every given filter (a topic of either level), by
    interview title then index, at most `limit`. "Which pain points mention Jira?" is
    `topic="pain points", domain_keyword="Jira"`. No filter at all is a ValueError."""
    filters = {
        "keyword": keyword,
        "domain_keyword": domain_keyword,
        "topic": topic,
        "purpose": purpose,
        "function_type": function_type,
    }
    if not any(filters.values()):
        raise ValueError("give at least one filter")
    rows = _read(
        SENTENCES,
        project_id=project_id,
        include_archived=include_archived,
        limit=limit,
        **{name: value or None for name, value in filters.items()},
    )
    return [SentenceHit(**row) for row in rows]


# Same interview: the pair counts the interviews in which both topics occur.
COOCCURRENCE_IN_INTERVIEW = (
    _INTERVIEWS
    + """
MATCH (i)-[:HAS_SENTENCE]->(:Sentence)-[r:HAS_TOPIC]->(t:Topic)
WHERE r.level = $level
WITH i, collect(DISTINCT t.name) AS topics
UNWIND topics AS a
UNWIND topics AS b
WITH i, a, b WHERE a < b
WITH a, b, count(DISTINCT i) AS n WHERE n >= $min_count
RETURN a AS topic_a, b AS topic_b, n AS count
ORDER BY count DESC, topic_a, topic_b
LIMIT $limit
"""
)
# Adjacent sentences: the pair counts NEXT_SENTENCE links whose two ends have the two topics.
COOCCURRENCE_ADJACENT = (
    _INTERVIEWS
    + """
MATCH (i)-[:HAS_SENTENCE]->(s1:Sentence)-[:NEXT_SENTENCE]->(s2:Sentence)
WHERE s2.interview_id = i.interview_id
MATCH (s1)-[r1:HAS_TOPIC]->(t1:Topic), (s2)-[r2:HAS_TOPIC]->(t2:Topic)
WHERE r1.level = $level AND r2.level = $level AND t1.name <> t2.name
WITH CASE WHEN t1.name < t2.name THEN t1.name ELSE t2.name END AS a,
     CASE WHEN t1.name < t2.name THEN t2.name ELSE t1.name END AS b
WITH a, b, count(*) AS n WHERE n >= $min_count
RETURN a AS topic_a, b AS topic_b, n AS count
ORDER BY count DESC, topic_a, topic_b
LIMIT $limit
"""
)
COOCCURRENCE = {"interview": COOCCURRENCE_IN_INTERVIEW, "adjacent": COOCCURRENCE_ADJACENT}


def topic_cooccurrence(
    *,
    project_id: UUID,
    level: int = 1,
    scope: CooccurrenceScope = "interview",
    min_count: int = 1,
    limit: int = 100,
    include_archived: bool = False,
) -> list[TopicPair]:
    """Pairs of different topics of `level` that occur together, most frequent first.

    scope "interview" (the default): both topics occur in one interview; the count is the
    number of such interviews. scope "adjacent": the topics are those of two consecutive
    sentences (NEXT_SENTENCE); the count is the number of such sentence pairs."""
    if level not in TOPIC_LEVELS:
        raise ValueError(f"level must be one of {TOPIC_LEVELS}")
    rows = _read(
        COOCCURRENCE[scope],
        project_id=project_id,
        include_archived=include_archived,
        level=level,
        min_count=min_count,
        limit=limit,
    )
    return [TopicPair(**row) for row in rows]


# kind -> (relationship type, label): fixed names, never input.
KEYWORD_KINDS: dict[str, tuple[str, str]] = {
    "keyword": ("MENTIONS_KEYWORD", "Keyword"),
    "domain_keyword": ("MENTIONS_DOMAIN_KEYWORD", "DomainKeyword"),
}
# Spellings that differ only in case count as one keyword, shown by its first spelling.
_SHARED_KEYWORDS = (
    _INTERVIEWS
    + """
MATCH (i)-[:HAS_SENTENCE]->(s:Sentence)-[:<relationship>]->(k:<label>)
WITH toLower(k.name) AS key, k.name AS name, i, s
WITH key, i, min(name) AS name, count(DISTINCT s) AS sentences
ORDER BY i.title, i.interview_id
WITH key, min(name) AS keyword, sum(sentences) AS sentence_count,
     collect({interview_id: i.interview_id, title: coalesce(i.title, ''),
              sentence_count: sentences}) AS interviews
WHERE size(interviews) >= $min_interviews
RETURN keyword, size(interviews) AS interview_count, sentence_count, interviews
ORDER BY interview_count DESC, sentence_count DESC, keyword
LIMIT $limit
"""
)
SHARED_KEYWORDS = {
    kind: _SHARED_KEYWORDS.replace("<relationship>", relationship).replace("<label>", label)
    for kind, (relationship, label) in KEYWORD_KINDS.items()
}


def shared_keywords(
    *,
    project_id: UUID,
    kind: KeywordKind = "keyword",
    min_interviews: int = 2,
    limit: int = 100,
    include_archived: bool = False,
) -> list[SharedKeyword]:
    """Keywords (or domain keywords) mentioned in at least `min_interviews` interviews, with
    those interviews and their sentence counts; the most widely shared first."""
    rows = _read(
        SHARED_KEYWORDS[kind],
        project_id=project_id,
        include_archived=include_archived,
        min_interviews=min_interviews,
        limit=limit,
    )
    return [
        SharedKeyword(
            keyword=row["keyword"],
            interview_count=row["interview_count"],
            sentence_count=row["sentence_count"],
            interviews=tuple(KeywordInterview(**i) for i in row["interviews"]),
        )
        for row in rows
    ]


VOCABULARY = (
    _INTERVIEWS
    + """
MATCH (i)-[:HAS_SENTENCE]->(:Sentence)-[r]->(n)
WHERE type(r) IN $relationships AND n.name IS NOT NULL
WITH DISTINCT type(r) AS relationship, n.name AS name
ORDER BY toLower(name), name
RETURN relationship, collect(name) AS names
"""
)
_VOCABULARY_FIELDS = {
    "MENTIONS_KEYWORD": "keywords",
    "MENTIONS_DOMAIN_KEYWORD": "domain_keywords",
    "HAS_TOPIC": "topics",
    "HAS_PURPOSE": "purposes",
    "HAS_FUNCTION_TYPE": "function_types",
}


def project_vocabulary(*, project_id: UUID, include_archived: bool = False) -> Vocabulary:
    """The names the project's sentences use, per kind: the choices of a search form."""
    rows = _read(
        VOCABULARY,
        project_id=project_id,
        include_archived=include_archived,
        relationships=list(_VOCABULARY_FIELDS),
    )
    return Vocabulary(
        **{_VOCABULARY_FIELDS[row["relationship"]]: tuple(row["names"]) for row in rows}
    )


def _read(
    query: str, *, project_id: UUID, include_archived: bool, **parameters: Any
) -> list[dict[str, Any]]:
    """The rows of one of the statements above, all of which start from _INTERVIEWS."""
    parameters |= {"project_id": str(project_id), "include_archived": include_archived}
    with graph_session() as session:
        return session.run(query, parameters).data()
