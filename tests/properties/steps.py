"""The steps of an example: several experts' commands, the AI's re-analyses and the projection
runners' batches, as Hypothesis generates them (run by tests/properties/scenario.py).

Why a generated list of steps and not a `RuleBasedStateMachine`:
- A step is a plain intention ("Rita opens interview 1", "Sam overrides sentence 3 as he saw
  it", "the relational runner applies one batch of 2 events on some lanes"). Its indexes are
  taken modulo the world's size, and it does nothing when the expert's screen does not offer
  it (no override to revert, nothing seen yet). Every list is therefore a valid program:
  Hypothesis shrinks it by deleting steps and lowering numbers, with no preconditions or
  bundles to keep consistent, and prints the falsifying list as it is.
- The property itself comes at the end (catch up, digest, replay, compare) and must run once
  per example, and the example's writes must be rolled back whatever happened. A test body with
  one `rolled_back()` block does both plainly; a state machine spreads them over `teardown`,
  which also runs after a failed step, on a broken state.
- The state that makes conflicts happen is the experts' screens: an expert acts with the
  version the live read model showed them — as the product's UI does — which is stale when
  another expert acted after they looked, or when the projection had not caught up yet.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.projections.helpers import LANES
from tests.projections.workload import EXPERTS

CORRECTIONS = ("edit", "override", "revert", "clear", "confirm")
MANAGEMENT = ("retitle", "details", "archive", "rename", "keyword")
# The budget of each property of this package: some 30 examples run in well under a minute
# per database on a slow 2-CPU machine.
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run and machine: CI is reproducible
    database=None,  # nothing written to .hypothesis/ in a tree others share
    # The function-scoped fixtures (the database, the world, the emptied graph) are set up
    # once for all the examples on purpose: play() rolls each example's writes back to the
    # world as the fixture left it, and the graph test wipes Neo4j before each example.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Hypothesis' lists average about twice their minimum length: with a minimum of 1 most lists
# are a handful of steps and meet few conflicts. A shrunk failure shows at least MIN_STEPS
# steps, the ones that do not matter shrunk to the simplest (Look(actor=0, interview=0)).
MIN_STEPS, MAX_STEPS = 10, 40


@dataclass(frozen=True)
class Look:
    """An expert opens an interview's review page: what the live read model shows now."""

    actor: int
    interview: int  # modulo the world's interviews


@dataclass(frozen=True)
class Correct:
    """An expert corrects a sentence of a page they opened, with the version they saw."""

    actor: int
    sentence: int  # modulo the sentences on the expert's open pages that offer the action
    action: str  # one of CORRECTIONS
    pick: int  # chooses the new value, the word added, the override reverted


@dataclass(frozen=True)
class Manage:
    """An expert changes an interview, or its project, from a page they opened."""

    actor: int
    interview: int  # modulo the pages the expert has open
    action: str  # one of MANAGEMENT
    pick: int


@dataclass(frozen=True)
class Reanalyse:
    """The AI analyses a sentence again (a system command: no version seen, no conflict)."""

    sentence: int


@dataclass(frozen=True)
class React:
    """The re-analysis reaction handles up to `edits` more SentenceEdited events."""

    edits: int


@dataclass(frozen=True)
class Advance:
    """A projection's runner processes one batch of up to `batch` events on some lanes."""

    projection: str
    batch: int
    lanes: int  # a bit mask over the lanes the world's events use; no bit in range: all lanes


Step = Look | Correct | Manage | Reanalyse | React | Advance


ACTOR = st.integers(0, len(EXPERTS) - 1)
INDEX = st.integers(0, 15)  # taken modulo the interviews or sentences there are
PICK = st.integers(0, 30)


@dataclass(frozen=True)
class Setup:
    """How the live projections run in an example, and how far they are when experts arrive."""

    lanes: int  # the live runners' lane count: fewer lanes share more interviews and projects
    head_start: int  # how many of the world's ~40 events are projected when the experts come


SETUPS = st.builds(
    Setup,
    lanes=st.sampled_from((LANES, 1, 2, 3)),  # shrinks towards the product's default
    # Without a head start most lists would spend their steps projecting the world before an
    # expert could open a page.
    head_start=st.integers(0, 50),
)


def step_lists(projections: Sequence[str]) -> st.SearchStrategy[list[Step]]:
    """Lists of steps for an example that runs `projections` (each advanced by its own steps)."""
    kinds: dict[str, tuple[int, st.SearchStrategy[Step]]] = {
        # name: (weight, strategy). Looks, corrections and projection batches make most of a
        # list, so that experts often act on stale pages and the read model often lags.
        "look": (3, st.builds(Look, ACTOR, INDEX)),
        "correct": (5, st.builds(Correct, ACTOR, INDEX, st.sampled_from(CORRECTIONS), PICK)),
        "manage": (1, st.builds(Manage, ACTOR, INDEX, st.sampled_from(MANAGEMENT), PICK)),
        "reanalyse": (1, st.builds(Reanalyse, INDEX)),
        "react": (1, st.builds(React, st.integers(1, 3))),
    }
    for name in projections:
        advance = st.builds(Advance, st.just(name), st.integers(1, 24), st.integers(0, 31))
        kinds[f"advance {name}"] = (3, advance)
    # sampled_from is uniform over positions, so a kind listed n times is drawn n times as often.
    weighted = [name for name, (weight, _) in kinds.items() for _ in range(weight)]
    step = st.sampled_from(weighted).flatmap(lambda name: kinds[name][1])
    return st.lists(step, min_size=MIN_STEPS, max_size=MAX_STEPS)
