"""Shared by the UI tests: projecting by hand, a logged-in browser, archiving an interview."""

from uuid import UUID

from django.contrib.auth.models import User
from django.test import Client

from commands.bus import dispatch
from commands.messages import ChangeInterviewStatus
from commands.results import CommandResult
from events.envelope import Actor
from events.wiring import get_event_store
from projections.registry import get_projection
from projections.runner import ProjectionRunner


def catch_up() -> None:
    """The relational projection applies everything in the log (no runner process here)."""
    ProjectionRunner(get_projection("relational"), get_event_store(), 12).catch_up()


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def archive(interview_id: UUID, user: User) -> CommandResult:
    """`user` archives the interview (not projected)."""
    stream = f"Interview-{interview_id}"
    return dispatch(
        ChangeInterviewStatus(
            actor=Actor.human(user.pk, user.username),
            interview_id=interview_id,
            to_status="archived",
            reason="done with it",
            expected_version=get_event_store().current_version(stream),
        )
    )
