"""What every write endpoint shares: the actor is the authenticated user, the answer is 202."""

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from access.actors import actor_for
from commands.results import CommandResult
from events.envelope import Actor


def actor_of(request: Request) -> Actor:
    """The command's actor: the authenticated user (docs/architecture.md, Standing rule 2)."""
    return actor_for(request.user)


def accepted(result: CommandResult, *, location: str | None = None) -> Response:
    """202 with what a client needs to wait for its write (read-your-writes) and retry safely."""
    body = {
        "event_ids": [str(e) for e in result.event_ids],
        "version": result.version,
        "position": result.position,
        "already_recorded": result.already_recorded,
    }
    response = Response(body, status=status.HTTP_202_ACCEPTED)
    if location:
        response["Location"] = location
    response["ETag"] = f'"{result.version}"'
    return response
