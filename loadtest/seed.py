"""What the clients start from: the sample transcripts ingested and projected into one project,
a reviewer (with an API token) per client, and the small pool of sentences they all correct.

Runs in a process whose Django is set up for the run's database, before any server starts.
"""

import random
from dataclasses import dataclass
from io import StringIO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from access.services import grant
from bench.databases import ROOT
from commands.aggregates import project_id_for_slug
from events.wiring import get_event_store
from projections.registry import get_projection
from projections.runner import ProjectionRunner
from readmodel.models import Sentence

PROJECT_SLUG = "load"
SAMPLES = ROOT.parent / "shared" / "samples"


@dataclass(frozen=True)
class Seeded:
    project_id: str
    interviews: tuple[str, ...]
    pool: tuple[str, ...]  # sentence ids every client picks from
    tokens: tuple[str, ...]  # one API token per expert


def seed_project(*, experts: int, pool: int, seed: int) -> Seeded:
    """Ingest the samples with the `ingest` command, catch the read model up (memberships refer
    to projected projects), then create the experts and choose the pool."""
    files = sorted(SAMPLES.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no sample transcripts in {SAMPLES}")
    call_command(
        "ingest", *map(str, files), "--project", PROJECT_SLUG, verbosity=0, stdout=StringIO()
    )
    catch_up()
    tokens = tuple(_expert(f"expert{n:02d}") for n in range(1, experts + 1))
    project_id = project_id_for_slug(PROJECT_SLUG)
    sentences = list(
        Sentence.objects.filter(project_id=project_id)
        .order_by("interview_id", "index")
        .values_list("id", "interview_id")
    )
    if len(sentences) < pool:
        raise ValueError(f"--pool {pool} is more than the {len(sentences)} sentences ingested")
    chosen = random.Random(seed).sample(sentences, pool)
    return Seeded(
        project_id=str(project_id),
        interviews=tuple(sorted({str(interview) for _, interview in sentences})),
        pool=tuple(str(sentence) for sentence, _ in chosen),
        tokens=tokens,
    )


def catch_up() -> int:
    """Apply every event in the log to the relational read model, here and now."""
    runner = ProjectionRunner(
        get_projection("relational"), get_event_store(), settings.PROJECTION_LANES
    )
    return runner.catch_up()


def _expert(username: str) -> str:
    User.objects.create_user(username)
    grant(username=username, project_slug=PROJECT_SLUG, role="reviewer")
    return Token.objects.create(user=User.objects.get(username=username)).key
