"""The routing table from command type to handler, and the one entry point callers use.

This is the only module of `commands` that knows about Django: it asks `events.wiring` for the
configured event store when the caller does not bring one.
"""

from collections.abc import Callable
from typing import Any

from commands import handlers
from commands.messages import (
    ChangeInterviewStatus,
    ClearAnalysis,
    Command,
    ConfirmSentence,
    CreateInterview,
    CreateProject,
    CreateSentence,
    EditSentence,
    OverrideAnalysis,
    RecordAnalysis,
    RevertOverride,
    UpdateInterviewMetadata,
    UpdateProject,
)
from commands.repository import Repository
from commands.results import CommandResult
from events.store import EventStore

Handler = Callable[[Any, Repository], CommandResult]

HANDLERS: dict[type[Command], Handler] = {
    CreateProject: handlers.create_project,
    UpdateProject: handlers.update_project,
    CreateInterview: handlers.create_interview,
    UpdateInterviewMetadata: handlers.update_interview_metadata,
    ChangeInterviewStatus: handlers.change_interview_status,
    CreateSentence: handlers.create_sentence,
    EditSentence: handlers.edit_sentence,
    RecordAnalysis: handlers.record_analysis,
    OverrideAnalysis: handlers.override_analysis,
    RevertOverride: handlers.revert_override,
    ClearAnalysis: handlers.clear_analysis,
    ConfirmSentence: handlers.confirm_sentence,
}


def handle(command: Command, repository: Repository) -> CommandResult:
    """Run `command`'s handler against `repository` (callers that keep one across commands)."""
    try:
        handler = HANDLERS[type(command)]
    except KeyError:
        raise TypeError(f"no handler for {type(command).__name__}") from None
    return handler(command, repository)


def dispatch(command: Command, store: EventStore | None = None) -> CommandResult:
    """Handle one command against `store`, by default the configured event store."""
    if store is None:
        from events.wiring import get_event_store  # Django settings are read only here

        store = get_event_store()
    return handle(command, Repository(store))
