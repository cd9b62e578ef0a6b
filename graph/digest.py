"""Digests of the graph read model.

- `graph_digest()`: every content node (Project, Interview, Sentence, Analysis, the dimension
  nodes) with all its properties and outgoing relationships, in key order: equal graphs, equal
  digest (what `projection_digest graph` prints; a replay must reproduce it). Checkpoints are
  progress, not content, and are left out.
- `graph_effective_digest()` and `relational_effective_digest()`: the same few facts of every
  sentence read from either read model — text, speaker, index, flags and each dimension's
  EFFECTIVE value(s), which the graph holds as links and the relational model as columns —
  so the two projections of one log can be compared (`manage.py graph_compare`).

Read the graph while its projector is idle: Neo4j reads are not snapshots.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from events.dimensions import DIMENSIONS
from graph.connection import graph_session
from graph.nodes import CONTENT_NODES, DIMENSION_LINKS, DIMENSION_NODES, DIMENSION_RELATIONSHIPS
from graph.projector import canonical_json

CHUNK = 2000
KEYS = {"Project": "project_id", "Interview": "interview_id", "Sentence": "sentence_id"}
KEYS |= {"Analysis": "sentence_id"} | {cls.__label__: "name" for cls in DIMENSION_NODES}
LABELS = tuple(cls.__label__ for cls in (*CONTENT_NODES, *DIMENSION_NODES))

NODES_PAGE = """
MATCH (n:{label}) WHERE n.{key} > $after
WITH n ORDER BY n.{key} LIMIT $chunk
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.{key} AS key, properties(n) AS props, collect(CASE WHEN r IS NULL THEN null ELSE
    [type(r), properties(r), head(labels(m)), coalesce(m.name, m.sentence_id, m.interview_id)]
END) AS out
"""
SENTENCES_PAGE = f"""
MATCH (s:Sentence) WHERE s.sentence_id > $after AND s.version IS NOT NULL
WITH s ORDER BY s.sentence_id LIMIT $chunk
OPTIONAL MATCH (s)-[l:{"|".join(DIMENSION_RELATIONSHIPS)}]->(d)
RETURN s {{.sentence_id, .interview_id, .index, .speaker, .text, .is_edited, .is_overridden,
          .is_reviewed, .stale_analysis}} AS s,
       collect(CASE WHEN l IS NULL THEN null ELSE [type(l), l.level, d.name] END) AS links
"""
# (relationship, topic level) -> the dimension it stands for
DIMENSION_OF = {(rel, level): dim.value for dim, (rel, _, level) in DIMENSION_LINKS.items()}


def _hash(lines: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _pages(query: str, key: Callable[[dict[str, Any]], str]) -> Iterator[dict[str, Any]]:
    """Rows of a query paginated by key (`$after`, `$chunk`), page by page."""
    after = ""
    with graph_session() as session:
        while True:
            rows = session.run(query, after=after, chunk=CHUNK).data()
            yield from rows
            if len(rows) < CHUNK:
                return
            after = key(rows[-1])


# --- the whole graph ----------------------------------------------------------------------------


def _graph_lines() -> Iterator[str]:
    for label in LABELS:
        yield canonical_json({"label": label})
        query = NODES_PAGE.format(label=label, key=KEYS[label])
        for row in _pages(query, key=lambda row: row["key"]):
            out = sorted(row["out"], key=canonical_json)
            yield canonical_json([row["props"], out])


def graph_digest() -> str:
    """SHA-256 hex of every content node, its properties and outgoing relationships."""
    return _hash(_graph_lines())


def graph_counts() -> dict[str, int]:
    """Nodes per label (LaneCheckpoint included), for operators to read beside the digest."""
    with graph_session() as session:
        return {
            label: session.run(f"MATCH (n:{label}) RETURN count(n) AS n").single()["n"]
            for label in (*LABELS, "LaneCheckpoint")
        }


# --- effective values, comparable with the relational read model --------------------------------


def effective_line(
    *,
    sentence_id: str,
    interview_id: str,
    index: int,
    speaker: str | None,
    text: str,
    effective: Mapping[str, Any],
    edited: bool,
    overridden: bool,
    reviewed: bool,
    stale: bool,
) -> str:
    """One sentence's comparable facts; keyword lists as sorted sets (a graph has no order)."""
    values = {}
    for dimension, spec in DIMENSIONS.items():
        value = effective.get(dimension.value)
        values[dimension.value] = sorted(value or []) if spec.multi else value
    facts = [sentence_id, interview_id, index, speaker, text, values]
    return canonical_json([*facts, edited, overridden, reviewed, stale])


def _graph_effective(links: list[list[Any]]) -> dict[str, Any]:
    found: dict[str, list[str]] = {}
    for relationship, level, name in links:
        found.setdefault(DIMENSION_OF[(relationship, level)], []).append(name)
    effective: dict[str, Any] = {}
    for dimension, spec in DIMENSIONS.items():
        names = sorted(found.get(dimension.value, []))
        # Two links for a single-label dimension would be a defect: keep both, to show it.
        effective[dimension.value] = (
            names if spec.multi or len(names) > 1 else next(iter(names), None)
        )
    return effective


def graph_effective_lines() -> Iterator[str]:
    for row in _pages(SENTENCES_PAGE, key=lambda row: row["s"]["sentence_id"]):
        s = row["s"]
        yield effective_line(
            sentence_id=s["sentence_id"],
            interview_id=s["interview_id"],
            index=s["index"],
            speaker=s["speaker"],
            text=s["text"],
            effective=_graph_effective(row["links"]),
            edited=bool(s["is_edited"]),
            overridden=bool(s["is_overridden"]),
            reviewed=bool(s["is_reviewed"]),
            stale=bool(s["stale_analysis"]),
        )


def relational_effective_lines() -> Iterator[str]:
    from readmodel.models import Sentence

    columns = (
        "id", "interview_id", "index", "speaker", "text", "effective", "edited", "overridden",
        "reviewed", "stale_analysis",
    )  # fmt: skip
    rows = Sentence.objects.order_by("id").values_list(*columns)
    for row in rows.iterator(chunk_size=CHUNK):
        sid, interview_id, index, speaker, text, effective, *flags = row
        edited, overridden, reviewed, stale = flags
        yield effective_line(
            sentence_id=str(sid),
            interview_id=str(interview_id),
            index=index,
            speaker=speaker,
            text=text,
            effective=effective or {},
            edited=edited,
            overridden=overridden,
            reviewed=reviewed,
            stale=stale,
        )


def graph_effective_digest() -> str:
    return _hash(graph_effective_lines())


def relational_effective_digest() -> str:
    return _hash(relational_effective_lines())
