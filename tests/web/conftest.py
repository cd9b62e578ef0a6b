from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from access.services import grant
from commands.aggregates import project_id_for_slug
from events.wiring import get_event_store
from tests.ingestion.helpers import SAMPLE_FILES, ingest_sample
from tests.web.helpers import catch_up

# The cast of the UI tests and their roles in ledgerline; otto is a member of nothing.
ROLES = {"rita": "reviewer", "sam": "reviewer", "vera": "viewer", "ada": "admin"}
STAFF = {"ada"}


@pytest.fixture
def ledgerline(db: None) -> SimpleNamespace:
    """Project ledgerline with one sample interview, ingested and projected, and its people:
    rita and sam (reviewers), vera (viewer), otto (outsider), ada (staff, admin of it)."""
    outcome = ingest_sample(get_event_store(), sample=SAMPLE_FILES[1])
    catch_up()
    users = {
        name: User.objects.create_user(name, is_staff=name in STAFF) for name in (*ROLES, "otto")
    }
    for name, role in ROLES.items():
        grant(username=name, project_slug="ledgerline", role=role)
    return SimpleNamespace(
        project_id=project_id_for_slug("ledgerline"),
        interview_id=outcome.interview_id,
        sentences=outcome.sentences,
        sample=SAMPLE_FILES[1],
        users=users,
    )
