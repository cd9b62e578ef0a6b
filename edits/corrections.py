"""The corrections of one sentence, as one service for the REST API, the review pages and the
admin: build the command from validated input, dispatch it at the version the caller saw with
the authenticated user as actor, and answer either the write or the conflict.

A conflict is a result, not an error: it carries what the caller has not seen (the events
since its version), so each caller shows it in its own way — never retried or overwritten
(docs/architecture.md, "Corrections").
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from commands.bus import dispatch
from commands.errors import StaleVersion
from commands.messages import (
    ClearAnalysis,
    ConfirmSentence,
    EditSentence,
    HumanCommand,
    OverrideAnalysis,
    RevertOverride,
)
from commands.results import CommandResult
from events.envelope import Actor


def _same(data: dict[str, Any]) -> dict[str, Any]:
    return dict(data)


def _edit(data: dict[str, Any]) -> dict[str, Any]:
    return {"new_text": data["text"], "reason": data["reason"]}


def _revert(data: dict[str, Any]) -> dict[str, Any]:
    return {"fields": tuple(data["fields"]), "reason": data["reason"]}


def _confirm(data: dict[str, Any]) -> dict[str, Any]:
    return {"note": data.get("note") or None}


@dataclass(frozen=True)
class Correction:
    """One kind of correction: its command and how validated input becomes its arguments."""

    command: type[HumanCommand]
    arguments: Callable[[dict[str, Any]], dict[str, Any]]


CORRECTIONS: dict[str, Correction] = {
    "edit": Correction(EditSentence, _edit),
    "override": Correction(OverrideAnalysis, _same),
    "revert": Correction(RevertOverride, _revert),
    "clear": Correction(ClearAnalysis, _same),
    "confirm": Correction(ConfirmSentence, _confirm),
}


@dataclass(frozen=True)
class Corrected:
    result: CommandResult


@dataclass(frozen=True)
class Conflicted:
    """The sentence changed since `stale.expected_version`: `stale.unseen_events` are the
    changes the caller has not seen, `stale.current_version` the version to re-apply at."""

    stale: StaleVersion


def sentence_correct(
    *,
    actor: Actor,
    sentence_id: UUID,
    action: str,
    data: dict[str, Any],
    expected_version: int | None,
) -> Corrected | Conflicted:
    """Dispatch the correction `action` with validated `data`. Refusals of the command
    (InterviewArchived, InvalidCommand, …) propagate for the caller to answer."""
    correction = CORRECTIONS[action]
    command = correction.command(
        actor=actor,
        sentence_id=sentence_id,
        expected_version=expected_version,
        **correction.arguments(data),
    )
    try:
        return Corrected(dispatch(command))
    except StaleVersion as stale:
        return Conflicted(stale)
