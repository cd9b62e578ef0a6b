"""The small world each example starts from, and the rollback that keeps examples apart."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from django.db import transaction

from commands.aggregates import project_id_for_slug, sentence_id
from events.store import EventStore
from tests.ingestion.helpers import SAMPLE_FILES, ingest_sample
from tests.projections.workload import WorkloadBuilder

SLUGS = ("props-north", "props-south")
WORLD_TURNS = (1, 2, 1)  # interview n: its sample's first turns; in project SLUGS[n % 2]
EARLIER_WORK, EARLIER_WORK_SEED = 12, 3  # the cast's corrections before the example starts


@contextmanager
def rolled_back() -> Iterator[None]:
    """Undo every database write of an example, on SQLite and PostgreSQL alike.

    Hypothesis runs all examples inside the one transaction pytest-django opens for the test,
    so the event store and the read model would carry one example's rows into the next. A
    savepoint rolled back at the end removes them without DELETE or TRUNCATE, which
    PostgreSQL's append-only triggers on event_store rightly refuse; the world the fixture
    built before the savepoint stays. (Neo4j is not in the transaction: the graph test wipes
    it before each example.)
    """
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class World:
    """The ids of what the pipeline ingested: interviews and their sentences, in order."""

    interview_ids: list[UUID]
    sentence_ids: list[UUID]
    project_of: dict[UUID, UUID]  # interview id -> project id
    interview_of: dict[UUID, UUID]  # sentence id -> interview id

    def __repr__(self) -> str:  # short, for Hypothesis' report of a failing example
        return f"<World: {len(self.interview_ids)} interviews, {len(self.sentence_ids)} sentences>"

    @property
    def blocking_keys(self) -> set[str]:
        """What the runner routes this world's events by (projections.lanes.blocking_key)."""
        projects = {f"Project-{p}" for p in self.project_of.values()}
        return projects | {f"Interview-{i}" for i in self.interview_ids}


def transcript(directory: Path, n: int, turns: int) -> Path:
    """The front matter and first `turns` turns of a sample: a transcript of a few sentences."""
    source = SAMPLE_FILES[n % len(SAMPLE_FILES)]
    lines = source.read_text(encoding="utf-8").splitlines()
    end = lines.index("---", 1)  # the front matter's closing line
    spoken = [line for line in lines[end + 1 :] if line.strip()][:turns]
    path = directory / f"{n}-{turns}-{source.name}"
    path.write_text("\n".join([*lines[: end + 1], *spoken]) + "\n", encoding="utf-8")
    return path


def build_world(store: EventStore, directory: Path) -> World:
    """Three interviews of one or two turns (a few sentences each) in two projects, ingested by
    the pipeline with the heuristic analyzer, then some earlier work of the experts on them
    (so pages show overrides to revert from the start); not projected."""
    world = World([], [], {}, {})
    earlier_work = WorkloadBuilder(store, seed=EARLIER_WORK_SEED)
    for n, turns in enumerate(WORLD_TURNS):
        slug = SLUGS[n % len(SLUGS)]
        outcome = ingest_sample(store, slug=slug, sample=transcript(directory, n, turns))
        assert outcome.status == "analyzed", outcome
        interview = outcome.interview_id
        world.interview_ids.append(interview)
        world.project_of[interview] = project_id_for_slug(slug)
        sentences = [sentence_id(interview, index) for index in range(outcome.sentences)]
        earlier_work.workload.sentence_ids[interview] = sentences
        world.sentence_ids.extend(sentences)
        world.interview_of.update(dict.fromkeys(sentences, interview))
    earlier_work.human_commands(EARLIER_WORK)
    return world
