"""The graph read model's schema (docs/architecture.md, Projections), declared once with neomodel
node classes.

These classes are the contract the projection writes and the graph queries read:

    (:Project)-[:CONTAINS_INTERVIEW]->(:Interview)-[:HAS_SENTENCE]->(:Sentence)
    (:Sentence)-[:HAS_ANALYSIS]->(:Analysis)            the AI's values, as analysed
    (:Sentence)-[:NEXT_SENTENCE]->(:Sentence)          index order within an interview
    (:Sentence)-[:HAS_FUNCTION_TYPE]->(:FunctionType)  and the other dimension links below,
                                                       by the sentence's EFFECTIVE values
                                                       (the override, else the AI's value)

`unique_index=True` becomes a uniqueness constraint and `index=True` an index
(graph.schema, `manage.py graph_schema`). The projection writes with batched Cypher (UNWIND)
through graph.connection, not through these classes; reads may use either.

Every content node keeps `version`, the stream version of the last event applied to it (version
guards). A node without `version` is a stub: a Project an Interview of another lane linked to
before the project's own events were applied. A dimension node exists exactly while some
sentence links to it (the projection deletes one when its last link goes), so the graph is the
same whatever batches the events were applied in.
"""

from neomodel import (
    ArrayProperty,
    BooleanProperty,
    IntegerProperty,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
)

from events.dimensions import Dimension


class Project(StructuredNode):
    project_id = StringProperty(unique_index=True, required=True)
    slug = StringProperty()
    name = StringProperty()
    domain_keywords = ArrayProperty(StringProperty())  # the project's allowed list
    version = IntegerProperty()

    interviews = RelationshipTo("Interview", "CONTAINS_INTERVIEW")


class Interview(StructuredNode):
    interview_id = StringProperty(unique_index=True, required=True)
    project_id = StringProperty(index=True)
    title = StringProperty()
    status = StringProperty()  # uploaded, processing, analyzed, failed, archived
    source_filename = StringProperty()
    language = StringProperty()
    participants = ArrayProperty(StringProperty())
    recorded_on = StringProperty()  # ISO date
    blocked = BooleanProperty(default=False)  # the graph projection parked one of its events
    version = IntegerProperty()

    sentences = RelationshipTo("Sentence", "HAS_SENTENCE")


class TopicRel(StructuredRel):
    level = IntegerProperty()  # 1: topic_level_1, 3: topic_level_3


class Sentence(StructuredNode):
    sentence_id = StringProperty(unique_index=True, required=True)
    interview_id = StringProperty(index=True)
    project_id = StringProperty(index=True)
    index = IntegerProperty()
    speaker = StringProperty()
    text = StringProperty()  # current text (edits applied)
    original_text = StringProperty()  # as segmented
    start_char = IntegerProperty()
    end_char = IntegerProperty()
    start_ms = IntegerProperty()
    end_ms = IntegerProperty()
    is_edited = BooleanProperty()
    is_overridden = BooleanProperty()
    is_reviewed = BooleanProperty()  # confirmed, and unchanged since
    review_note = StringProperty()
    stale_analysis = BooleanProperty()  # edited after its analysis
    overrides = StringProperty()  # canonical JSON {dimension: value}
    version = IntegerProperty()

    analysis = RelationshipTo("Analysis", "HAS_ANALYSIS")
    next_sentence = RelationshipTo("Sentence", "NEXT_SENTENCE")
    function_type = RelationshipTo("FunctionType", "HAS_FUNCTION_TYPE")
    structure_type = RelationshipTo("StructureType", "HAS_STRUCTURE_TYPE")
    purpose = RelationshipTo("Purpose", "HAS_PURPOSE")
    topics = RelationshipTo("Topic", "HAS_TOPIC", model=TopicRel)
    keywords = RelationshipTo("Keyword", "MENTIONS_KEYWORD")
    domain_keywords = RelationshipTo("DomainKeyword", "MENTIONS_DOMAIN_KEYWORD")


class Analysis(StructuredNode):
    """The latest AI analysis of a sentence (deleted when the analysis is cleared)."""

    sentence_id = StringProperty(unique_index=True, required=True)
    analyzer = StringProperty()
    model = StringProperty()
    model_version = StringProperty()
    prompt_version = StringProperty()
    function_type = StringProperty()
    structure_type = StringProperty()
    purpose = StringProperty()
    topic_level_1 = StringProperty()
    topic_level_3 = StringProperty()
    overall_keywords = ArrayProperty(StringProperty())
    domain_keywords = ArrayProperty(StringProperty())
    confidence = StringProperty()  # canonical JSON {dimension: 0..1}
    version = IntegerProperty()  # the sentence stream version of its AnalysisGenerated


class DimensionNode(StructuredNode):
    """One value of a dimension, by name; its own label per dimension (the classes below)."""

    __abstract_node__ = True
    name = StringProperty(unique_index=True, required=True)


class FunctionType(DimensionNode):
    pass


class StructureType(DimensionNode):
    pass


class Purpose(DimensionNode):
    pass


class Topic(DimensionNode):
    pass


class Keyword(DimensionNode):
    pass


class DomainKeyword(DimensionNode):
    pass


class LaneCheckpoint(StructuredNode):
    """How far one lane of the graph projection has applied the log; written in the same
    Neo4j transaction as the lane's changes. Unique per (projection, lane): graph.schema."""

    projection = StringProperty(required=True)
    lane = IntegerProperty(required=True)
    position = IntegerProperty(required=True)


CONTENT_NODES: tuple[type[StructuredNode], ...] = (Project, Interview, Sentence, Analysis)


# How each dimension's effective value(s) link a Sentence: (relationship, label, topic level).
DIMENSION_LINKS: dict[Dimension, tuple[str, str, int | None]] = {
    Dimension.FUNCTION_TYPE: ("HAS_FUNCTION_TYPE", "FunctionType", None),
    Dimension.STRUCTURE_TYPE: ("HAS_STRUCTURE_TYPE", "StructureType", None),
    Dimension.PURPOSE: ("HAS_PURPOSE", "Purpose", None),
    Dimension.TOPIC_LEVEL_1: ("HAS_TOPIC", "Topic", 1),
    Dimension.TOPIC_LEVEL_3: ("HAS_TOPIC", "Topic", 3),
    Dimension.OVERALL_KEYWORDS: ("MENTIONS_KEYWORD", "Keyword", None),
    Dimension.DOMAIN_KEYWORDS: ("MENTIONS_DOMAIN_KEYWORD", "DomainKeyword", None),
}
DIMENSION_NODES: tuple[type[StructuredNode], ...] = (
    FunctionType,
    StructureType,
    Purpose,
    Topic,
    Keyword,
    DomainKeyword,
)
DIMENSION_RELATIONSHIPS = tuple(dict.fromkeys(rel for rel, _, _ in DIMENSION_LINKS.values()))
