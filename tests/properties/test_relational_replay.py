"""Random interleavings of three experts' commands, the re-analysis reaction and a projection
runner catching up in small batches on some lanes at a time: the relational read model built
live equals its replay from event 0, and shows the write side's effective values (the steps
and checks: tests/properties/scenario.py)."""

import pytest
from hypothesis import given

from tests.projections.helpers import LANES
from tests.properties import steps as step
from tests.properties.scenario import play
from tests.properties.steps import PROPERTY_SETTINGS, SETUPS, Setup, step_lists

pytestmark = pytest.mark.django_db

RELATIONAL = ("relational",)


def test_a_scripted_interleaving_meets_conflicts_where_it_should(world):
    script = [
        step.Correct(actor=0, sentence=0, action="override", pick=0),
        step.Correct(actor=1, sentence=0, action="edit", pick=0),  # Olga overrode since Rita looked
        step.Look(actor=2, interview=0),  # the projection has not applied the override yet
        step.Correct(actor=2, sentence=0, action="confirm", pick=0),  # so Sam's page is stale too
        step.Advance("relational", batch=1, lanes=1),
        step.React(edits=1),  # an edit the world made (no expert's edit was accepted)
        step.Reanalyse(sentence=1),
        step.Manage(actor=0, interview=0, action="archive", pick=0),
        step.Manage(actor=1, interview=0, action="retitle", pick=0),  # archived since Rita looked
        step.Manage(actor=2, interview=1, action="keyword", pick=0),
        step.Advance("relational", batch=100, lanes=0),  # caught up: fresh pages act fine
        *(step.Look(actor=1, interview=n) for n in range(3)),
        # Of an earlier override, on a fresh page: refused all the same, the interview is
        # archived (read-only).
        step.Correct(actor=1, sentence=0, action="revert", pick=0),
    ]

    # The experts arrive once the world is projected, on the product's lanes.
    scenario = play(world, Setup(lanes=LANES, head_start=100), script, RELATIONAL)

    assert dict(scenario.outcomes) == {
        "accepted: OverrideAnalysis": 1,
        "conflict: EditSentence": 1,
        "conflict: ConfirmSentence": 1,
        "reanalysed": 1,
        "accepted: ChangeInterviewStatus": 1,
        "conflict: UpdateInterviewMetadata": 1,
        "accepted: UpdateProject": 1,
        "reaction: reanalysed an edit": 1,
        "refused: InterviewArchived": 1,
    }


@PROPERTY_SETTINGS
@given(setup=SETUPS, steps=step_lists(RELATIONAL))
def test_the_read_model_built_live_equals_its_replay(world, setup, steps):
    play(world, setup, steps, RELATIONAL)
