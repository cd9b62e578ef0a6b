"""Events, catch-up and scrape parsing shared by the observability tests."""

import uuid

from django.db import OperationalError, connections
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from events.envelope import stream_name
from events.store import NO_STREAM
from events.wiring import get_event_store
from projections.observability import ProjectionCollector
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from tests.factories import new_event

LANES = 12
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def record_projects(count: int = 3) -> int:
    """Record `count` new projects (events of several lanes); return the head position."""
    store = get_event_store()
    for _ in range(count):
        slug = f"p-{uuid.uuid4().hex[:12]}"
        created = new_event("ProjectCreated", {"name": slug, "slug": slug, "domain_keywords": []})
        store.append(stream_name("Project", uuid.uuid4()), [created], NO_STREAM)
    return store.head_position()


def catch_up() -> None:
    ProjectionRunner(get_projection("relational"), get_event_store(), LANES).catch_up()


def parse(text: str) -> Samples:
    """Every sample of a Prometheus text scrape, by (name, labels)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape_collector() -> Samples:
    """What the collector alone reports, through the real text format."""
    registry = CollectorRegistry()
    registry.register(ProjectionCollector())
    return parse(generate_latest(registry).decode())


def lane(name: str, lane: int, projection: str = "relational") -> tuple[str, frozenset]:
    return name, frozenset({"projection": projection, "lane": str(lane)}.items())


def of(name: str, projection: str = "relational") -> tuple[str, frozenset]:
    return name, frozenset({"projection": projection}.items())


def unlabelled(name: str) -> tuple[str, frozenset]:
    return name, frozenset()


def break_the_database(monkeypatch) -> None:
    """Every query fails the way an unreachable server does, until the test ends."""

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(type(connections["default"]), "cursor", unreachable)
