"""The Cypher of the graph projection: batched reads and UNWIND writes inside one transaction.

Each function takes the open (managed) transaction, so a lane's node changes and its checkpoint
commit together or not at all. Statements with nothing to write are not sent.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from neo4j import ManagedTransaction

from graph.nodes import CONTENT_NODES, DIMENSION_NODES, DIMENSION_RELATIONSHIPS
from graph.projector import Changes, Loaded

# --- reads --------------------------------------------------------------------------------------

LOAD_PROJECTS = """
UNWIND $ids AS id
MATCH (n:Project {project_id: id}) WHERE n.version IS NOT NULL
RETURN properties(n) AS props
"""
LOAD_INTERVIEWS = """
UNWIND $ids AS id
MATCH (n:Interview {interview_id: id}) WHERE n.version IS NOT NULL
RETURN properties(n) AS props
"""
LOAD_SENTENCES = """
UNWIND $ids AS id
MATCH (s:Sentence {sentence_id: id})
OPTIONAL MATCH (s)-[:HAS_ANALYSIS]->(a:Analysis)
RETURN properties(s) AS props, properties(a) AS analysis
"""
SENTENCE_ORDER = """
UNWIND $ids AS id
MATCH (s:Sentence {interview_id: id})
RETURN id AS interview_id, s.index AS index, s.sentence_id AS sentence_id
"""


def load(tx: ManagedTransaction, ids: dict[str, list[str]]) -> Loaded:
    loaded = Loaded()
    if ids["Project"]:
        for row in tx.run(LOAD_PROJECTS, ids=ids["Project"]):
            loaded.projects[row["props"]["project_id"]] = row["props"]
    if ids["Interview"]:
        for row in tx.run(LOAD_INTERVIEWS, ids=ids["Interview"]):
            loaded.interviews[row["props"]["interview_id"]] = row["props"]
    if ids["Sentence"]:
        for row in tx.run(LOAD_SENTENCES, ids=ids["Sentence"]):
            loaded.sentences[row["props"]["sentence_id"]] = (row["props"], row["analysis"])
    return loaded


def sentence_order(
    tx: ManagedTransaction, interview_ids: Iterable[str]
) -> dict[str, list[tuple[int, str]]]:
    """(index, sentence id) of the stored sentences of each interview."""
    ids = sorted(interview_ids)
    order: dict[str, list[tuple[int, str]]] = {key: [] for key in ids}
    if ids:
        for row in tx.run(SENTENCE_ORDER, ids=ids):
            order[row["interview_id"]].append((row["index"], row["sentence_id"]))
    return order


# --- writes -------------------------------------------------------------------------------------

WRITE_PROJECTS = """
UNWIND $rows AS r
MERGE (p:Project {project_id: r.id})
SET p += r.props
"""
WRITE_INTERVIEWS = """
UNWIND $rows AS r
MERGE (i:Interview {interview_id: r.id})
SET i += r.props, i.blocked = coalesce(i.blocked, false)
"""
# A project's events run in its own lane, maybe after its interviews': MERGE makes a stub
# (project_id only, no version) that the project's own events fill in later.
LINK_INTERVIEWS = """
UNWIND $rows AS r
MATCH (i:Interview {interview_id: r.id})
MERGE (p:Project {project_id: r.project_id})
MERGE (p)-[:CONTAINS_INTERVIEW]->(i)
"""
WRITE_SENTENCES = """
UNWIND $rows AS r
MERGE (s:Sentence {sentence_id: r.id})
SET s += r.props
"""
LINK_SENTENCES = """
UNWIND $rows AS r
MATCH (s:Sentence {sentence_id: r.id})
MERGE (i:Interview {interview_id: r.interview_id})
MERGE (i)-[:HAS_SENTENCE]->(s)
"""
UNCHAIN = """
UNWIND $rows AS r
MATCH (:Sentence {sentence_id: r.from})-[n:NEXT_SENTENCE]->(:Sentence {sentence_id: r.to})
DELETE n
"""
CHAIN = """
UNWIND $rows AS r
MATCH (a:Sentence {sentence_id: r.from})
MATCH (b:Sentence {sentence_id: r.to})
MERGE (a)-[:NEXT_SENTENCE]->(b)
"""
WRITE_ANALYSES = """
UNWIND $rows AS r
MATCH (s:Sentence {sentence_id: r.id})
MERGE (a:Analysis {sentence_id: r.id})
SET a += r.props
MERGE (s)-[:HAS_ANALYSIS]->(a)
"""
CLEAR_ANALYSES = """
UNWIND $ids AS id
MATCH (a:Analysis {sentence_id: id})
DETACH DELETE a
"""
# A dimension node no sentence links to any more goes: the graph has a node exactly for each
# value in effect, whatever batches the events came in.
UNLINK_DIMENSIONS = f"""
UNWIND $rows AS r
MATCH (:Sentence {{sentence_id: r.id}})-[l:{"|".join(DIMENSION_RELATIONSHIPS)}]->(d)
WHERE type(l) = r.type AND d.name = r.name AND (r.level IS NULL OR l.level = r.level)
DELETE l
WITH DISTINCT d
WHERE NOT (d)--()
DELETE d
"""


def link_dimension(relationship: str, label: str, level: int | None) -> str:
    properties = "" if level is None else f" {{level: {int(level)}}}"
    return f"""
UNWIND $rows AS r
MATCH (s:Sentence {{sentence_id: r.id}})
MERGE (d:{label} {{name: r.name}})
MERGE (s)-[:{relationship}{properties}]->(d)
"""


def write(tx: ManagedTransaction, changes: Changes) -> None:
    """All of a batch's changes, label by label, with one UNWIND statement each."""
    statements: list[tuple[str, str, Sequence[Any]]] = [
        (WRITE_PROJECTS, "rows", changes.projects),
        (WRITE_INTERVIEWS, "rows", changes.interviews),
        (LINK_INTERVIEWS, "rows", changes.new_interviews),
        (WRITE_SENTENCES, "rows", changes.sentences),
        (LINK_SENTENCES, "rows", changes.new_sentences),
        (UNCHAIN, "rows", changes.unchain),
        (CHAIN, "rows", changes.chain),
        (CLEAR_ANALYSES, "ids", changes.cleared),
        (WRITE_ANALYSES, "rows", changes.analyses),
        (UNLINK_DIMENSIONS, "rows", changes.unlink),
        *(
            (link_dimension(*group), "rows", rows)
            for group, rows in sorted(changes.link.items(), key=lambda item: str(item[0]))
        ),
    ]
    for statement, name, rows in statements:
        if rows:
            tx.run(statement, {name: list(rows)}).consume()


# --- checkpoints and blocked marks --------------------------------------------------------------

CHECKPOINTS = """
MATCH (c:LaneCheckpoint {projection: $projection})
RETURN c.lane AS lane, c.position AS position, c.updated_at AS updated_at
"""
MOVE_CHECKPOINTS = """
UNWIND $lanes AS lane
MERGE (c:LaneCheckpoint {projection: $projection, lane: lane})
ON CREATE SET c.position = $position, c.updated_at = datetime()
WITH c
WHERE c.position < $position
SET c.position = $position, c.updated_at = datetime()
"""
DROP_LANES = """
MATCH (c:LaneCheckpoint {projection: $projection})
WHERE c.lane >= $lanes
DELETE c
"""
# Setting a property takes the node's write lock until the transaction ends.
LOCK_INTERVIEW = """
MATCH (i:Interview {interview_id: $id})
SET i.blocked = coalesce(i.blocked, false)
"""
SET_BLOCKED = """
MATCH (i:Interview {interview_id: $id})
SET i.blocked = $blocked
"""


def move_checkpoints(
    tx: ManagedTransaction, projection: str, lanes: Iterable[int], position: int
) -> None:
    """Raise these lanes' checkpoints to `position` (creating them); never lower one."""
    params = {"projection": projection, "lanes": list(lanes), "position": position}
    tx.run(MOVE_CHECKPOINTS, params).consume()


# --- reset --------------------------------------------------------------------------------------

DELETE_CHECKPOINTS = "MATCH (c:LaneCheckpoint {projection: $projection}) DELETE c"
# Each label in chunks of its own transactions (run outside an explicit transaction).
DELETE_CONTENT = tuple(
    f"MATCH (n:{cls.__label__}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS"
    for cls in (*CONTENT_NODES, *DIMENSION_NODES)
)
