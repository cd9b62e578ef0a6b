"""How events change the graph, decided in Python by the write side's own aggregates.

As in readmodel.projector: a node's stored properties are turned back into its aggregate, the
event is replayed on it (`Aggregate.replay`, the code commands decide with), and the result is
written back — so the graph follows the same rules (effective = override else AI, a
confirmation lapses when the content changes, ...) and cannot drift from them.

`GraphBatch` holds the nodes one batch touches (loaded with one query per label), applies the
batch's events to them in order, and returns `Changes`: the resulting node properties and the
links to add or remove, which graph.cypher writes with a few UNWIND statements. No I/O here.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any
from uuid import UUID

from commands.aggregates import Interview, Project, Sentence
from commands.aggregates.sentence import AiAnalysis
from events.dimensions import DIMENSIONS
from events.envelope import RecordedEvent
from graph.nodes import DIMENSION_LINKS

# (relationship type, target label, target name, topic level or None)
Link = tuple[str, str, str, int | None]
Props = dict[str, Any]
# Per aggregate type: its aggregate, and the event that must come first in its stream.
AGGREGATES: dict[str, tuple[type[Project | Interview | Sentence], str]] = {
    "Project": (Project, "ProjectCreated"),
    "Interview": (Interview, "InterviewCreated"),
    "Sentence": (Sentence, "SentenceCreated"),
}
DIMENSION_NAMES = tuple(d.value for d in DIMENSIONS)


class NotProjected(ValueError):
    """An event for a node whose creation event was never applied."""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def links_of(effective: Mapping[str, Any]) -> frozenset[Link]:
    """The dimension links a sentence with these effective values has."""
    links: set[Link] = set()
    for dimension, (relationship, label, level) in DIMENSION_LINKS.items():
        value = effective.get(dimension.value)
        if value is None:
            continue
        for name in value if isinstance(value, list | tuple) else [value]:
            links.add((relationship, label, name, level))
    return frozenset(links)


# --- node properties <-> aggregates -----------------------------------------------------------


def project_of(props: Props) -> Project:
    project = Project(id=UUID(props["project_id"]), version=props["version"])
    project.name, project.slug = props.get("name", ""), props.get("slug", "")
    project.domain_keywords = tuple(props.get("domain_keywords") or ())
    return project


def project_props(project: Project) -> Props:
    return {
        "name": project.name,
        "slug": project.slug,
        "domain_keywords": list(project.domain_keywords),
        "version": project.version,
    }


def interview_of(props: Props) -> Interview:
    interview = Interview(id=UUID(props["interview_id"]), version=props["version"])
    interview.project_id = UUID(props["project_id"])
    interview.title, interview.status = props.get("title", ""), props.get("status")
    interview.source_filename = props.get("source_filename", "")
    interview.language = props.get("language", "")
    interview.participants = tuple(props.get("participants") or ())
    recorded_on = props.get("recorded_on")
    interview.recorded_on = date.fromisoformat(recorded_on) if recorded_on else None
    return interview


def interview_props(interview: Interview) -> Props:
    return {
        "project_id": str(interview.project_id),
        "title": interview.title,
        "status": interview.status,
        "source_filename": interview.source_filename,
        "language": interview.language,
        "participants": list(interview.participants),
        "recorded_on": interview.recorded_on.isoformat() if interview.recorded_on else None,
        "version": interview.version,
    }


SENTENCE_FIELDS = (
    "index", "text", "original_text", "speaker", "start_char", "end_char", "start_ms", "end_ms",
    "review_note",
)  # fmt: skip
ANALYSIS_FIELDS = ("analyzer", "model", "model_version", "prompt_version")


@dataclass
class SentenceNode:
    """A Sentence aggregate and what only the graph keeps beside it."""

    sentence: Sentence
    stale_analysis: bool = False
    analysis_version: int | None = None  # the stream version of its AnalysisGenerated
    links: frozenset[Link] = frozenset()  # as stored, before this batch

    @classmethod
    def of(cls, props: Props, analysis: Props | None) -> "SentenceNode":
        sentence = Sentence(id=UUID(props["sentence_id"]), version=props["version"])
        sentence.interview_id = UUID(props["interview_id"])
        sentence.project_id = UUID(props["project_id"])
        for name in SENTENCE_FIELDS:
            setattr(sentence, name, props.get(name))
        sentence.edited = bool(props.get("is_edited"))
        sentence.confirmed = bool(props.get("is_reviewed"))
        sentence.overrides = json.loads(props.get("overrides") or "{}")
        if analysis is not None:
            sentence.analysis = AiAnalysis(
                **{name: analysis.get(name, "") for name in ANALYSIS_FIELDS},
                values={n: analysis[n] for n in DIMENSION_NAMES if analysis.get(n) is not None},
                confidence=json.loads(analysis.get("confidence") or "{}"),
            )
        node = cls(
            sentence,
            stale_analysis=bool(props.get("stale_analysis")),
            analysis_version=analysis.get("version") if analysis else None,
        )
        node.links = links_of(sentence.effective_values())
        return node

    def props(self) -> Props:
        s = self.sentence
        return {
            "interview_id": str(s.interview_id),
            "project_id": str(s.project_id),
            **{name: getattr(s, name) for name in SENTENCE_FIELDS},
            "is_edited": s.edited,
            "is_overridden": bool(s.overrides),
            "is_reviewed": s.confirmed,
            "stale_analysis": self.stale_analysis,
            "overrides": canonical_json(s.overrides),
            "version": s.version,
        }

    def analysis_props(self) -> Props | None:
        analysis = self.sentence.analysis
        if analysis is None:
            return None
        return {
            **{name: getattr(analysis, name) for name in ANALYSIS_FIELDS},
            **{name: analysis.values.get(name) for name in DIMENSION_NAMES},
            "confidence": canonical_json(analysis.confidence),
            "version": self.analysis_version,
        }


# --- a batch ------------------------------------------------------------------------------------


@dataclass
class Changes:
    """What one batch writes: rows for graph.cypher's UNWIND statements."""

    projects: list[Props] = field(default_factory=list)  # {id, props}
    interviews: list[Props] = field(default_factory=list)  # {id, props}
    new_interviews: list[Props] = field(default_factory=list)  # {id, project_id}
    sentences: list[Props] = field(default_factory=list)  # {id, props}
    new_sentences: list[Props] = field(default_factory=list)  # {id, interview_id}
    analyses: list[Props] = field(default_factory=list)  # {id, props}
    cleared: list[str] = field(default_factory=list)  # sentence ids whose Analysis goes
    unlink: list[Props] = field(default_factory=list)  # {id, type, name, level}
    link: dict[tuple[str, str, int | None], list[Props]] = field(default_factory=dict)
    unchain: list[Props] = field(default_factory=list)  # NEXT_SENTENCE {from, to} to remove
    chain: list[Props] = field(default_factory=list)  # ... and to add


@dataclass
class Loaded:
    """Stored properties of the nodes a batch touches (nodes without a version left out)."""

    projects: dict[str, Props] = field(default_factory=dict)
    interviews: dict[str, Props] = field(default_factory=dict)
    sentences: dict[str, tuple[Props, Props | None]] = field(default_factory=dict)


def ids_of(events: Iterable[RecordedEvent]) -> dict[str, list[str]]:
    """The node ids a batch touches, per aggregate type."""
    ids: dict[str, set[str]] = {"Project": set(), "Interview": set(), "Sentence": set()}
    for event in events:
        ids[event.aggregate_type].add(str(event.aggregate_id))
    return {kind: sorted(found) for kind, found in ids.items()}


class GraphBatch:
    """The nodes of one batch, as aggregates; events applied in order, with version guards."""

    def __init__(self, loaded: Loaded) -> None:
        self.projects = {k: project_of(v) for k, v in loaded.projects.items()}
        self.interviews = {k: interview_of(v) for k, v in loaded.interviews.items()}
        self.sentences = {k: SentenceNode.of(*v) for k, v in loaded.sentences.items()}
        self.nodes: dict[str, dict[str, Any]] = {
            "Project": self.projects,
            "Interview": self.interviews,
            "Sentence": self.sentences,
        }
        self.new: dict[str, set[str]] = defaultdict(set)
        self.changed: dict[str, set[str]] = defaultdict(set)
        self.analysis_changed: set[str] = set()

    def apply(self, event: RecordedEvent) -> None:
        """Apply one event, unless its node has it already (version guard)."""
        kind, key = event.aggregate_type, str(event.aggregate_id)
        if kind not in AGGREGATES:
            raise ValueError(f"no graph nodes for {kind} events")
        nodes = self.nodes[kind]
        node = nodes.get(key)
        aggregate = node.sentence if isinstance(node, SentenceNode) else node
        if aggregate is not None and aggregate.version >= event.version:
            return
        if aggregate is None:
            cls, creation = AGGREGATES[kind]
            if event.event_type != creation:
                raise NotProjected(
                    f"{event.stream} has no node in the graph: {event.event_type} before {creation}"
                )
            aggregate = cls(id=event.aggregate_id)
            node = SentenceNode(aggregate) if kind == "Sentence" else aggregate
            nodes[key] = node
            self.new[kind].add(key)
        aggregate.replay(event)
        if isinstance(node, SentenceNode):
            self._sentence_extras(node, event)
        self.changed[kind].add(key)

    def _sentence_extras(self, node: SentenceNode, event: RecordedEvent) -> None:
        """What the aggregate does not keep: staleness, the analysis' own version."""
        match event.event_type:
            case "SentenceEdited":
                node.stale_analysis = node.sentence.analysis is not None
            case "AnalysisGenerated":
                node.stale_analysis, node.analysis_version = False, event.version
                self.analysis_changed.add(str(node.sentence.id))
            case "AnalysisCleared":
                node.stale_analysis, node.analysis_version = False, None
                self.analysis_changed.add(str(node.sentence.id))

    def new_sentences_by_interview(self) -> dict[str, list[tuple[int, str]]]:
        """(index, id) of the sentences this batch creates, per interview."""
        added: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for key in sorted(self.new["Sentence"]):
            sentence = self.sentences[key].sentence
            added[str(sentence.interview_id)].append((sentence.index, key))
        return dict(added)

    def changes(self, stored_order: Mapping[str, list[tuple[int, str]]]) -> Changes:
        """The writes; `stored_order` is (index, id) of the sentences already stored in each
        interview of `new_sentences_by_interview()`."""
        out = Changes()
        for key in sorted(self.changed["Project"]):
            out.projects.append({"id": key, "props": project_props(self.projects[key])})
        for key in sorted(self.changed["Interview"]):
            interview = self.interviews[key]
            out.interviews.append({"id": key, "props": interview_props(interview)})
            if key in self.new["Interview"]:
                out.new_interviews.append({"id": key, "project_id": str(interview.project_id)})
        for key in sorted(self.changed["Sentence"]):
            self._sentence_changes(out, key)
        added = self.new_sentences_by_interview()
        for interview_id, new in added.items():
            _chain(out, stored_order.get(interview_id, []), new)
        return out

    def _sentence_changes(self, out: Changes, key: str) -> None:
        node = self.sentences[key]
        out.sentences.append({"id": key, "props": node.props()})
        if key in self.new["Sentence"]:
            out.new_sentences.append({"id": key, "interview_id": str(node.sentence.interview_id)})
        if key in self.analysis_changed:
            analysis = node.analysis_props()
            if analysis is None:
                out.cleared.append(key)
            else:
                out.analyses.append({"id": key, "props": analysis})
        now = links_of(node.sentence.effective_values())
        for relationship, _, name, level in sorted(node.links - now, key=_link_order):
            out.unlink.append({"id": key, "type": relationship, "name": name, "level": level})
        for relationship, label, name, level in sorted(now - node.links, key=_link_order):
            out.link.setdefault((relationship, label, level), []).append({"id": key, "name": name})


def _link_order(link: Link) -> tuple[str, str, str, int]:
    relationship, label, name, level = link
    return relationship, label, name, level or 0


def _chain(out: Changes, stored: list[tuple[int, str]], new: list[tuple[int, str]]) -> None:
    """NEXT_SENTENCE links to change when `new` sentences join the `stored` ones (stored
    ones chained in index order already)."""
    new_ids = {key for _, key in new}
    before = [key for _, key in sorted(p for p in stored if p[1] not in new_ids)]
    after = [key for _, key in sorted([*(p for p in stored if p[1] not in new_ids), *new])]
    old_pairs, new_pairs = set(pairwise(before)), set(pairwise(after))
    out.unchain.extend({"from": a, "to": b} for a, b in sorted(old_pairs - new_pairs))
    out.chain.extend({"from": a, "to": b} for a, b in sorted(new_pairs - old_pairs))
