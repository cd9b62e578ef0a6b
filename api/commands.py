"""What every write endpoint shares: the actor is the authenticated user, the answer is 202."""

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from commands.results import CommandResult
from events.envelope import Actor


def actor_of(request: Request) -> Actor:
    """The authenticated user as the command's actor — never a header or a body field
    (the system this replaces trusted `X-User-ID`: SPEC 10.2)."""
    user = request.user
    return Actor.human(user.pk, user.get_username())


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
