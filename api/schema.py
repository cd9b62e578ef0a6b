"""The OpenAPI schema documents the errors every operation can answer, not only its success.

The answers below come from layers every view shares (authentication, throttles, the parsers,
the access checks, If-Match, the command bus, the outage handling in `api.errors`), so one
schema class adds them to each operation from what it declares: a path id can be unknown (404),
a query parameter or a body malformed (400), a body too large or of another type (413, 415),
an If-Match missing or stale (428, 412), a command refused as a conflict (409, 412). A status
a view already documents keeps its own description. Every error body is a problem
(`api.errors.Problem`, application/problem+json). A 500 is never documented: it is a bug.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from api.errors import Problem
from api.problems import PROBLEM

# Answers of any operation of the API.
EVERYWHERE = {
    401: "no credentials, or a token that is not valid",
    403: "the user's role in the project is too low for this (or CSRF failed, in a browser)",
    406: "the Accept header asks for no media type this endpoint answers",
    429: "too many requests: try again after Retry-After seconds",
    503: "the database, the event store, a projection or the graph is unavailable (Retry-After)",
}
WITH_PATH_ID = {404: "no such resource, or it is in a project the user is not a member of"}
WITH_PARAMETERS = {400: "a parameter or the body is malformed (errors names the fields)"}
WITH_BODY = {
    **WITH_PARAMETERS,
    413: "the body is over the size limit",
    415: "the body's Content-Type is not one this endpoint reads",
}
COMMANDS = {
    409: "the command conflicts with what exists (already there, or archived)",
    412: "what the command expected has changed since: see the current state",
}
WITH_IF_MATCH = {
    **COMMANDS,
    400: "If-Match is not one ETag of this API (or *), or the body is malformed",
    428: "If-Match is missing: send the ETag you saw",
}


class ProblemSchema(AutoSchema):
    """DRF's DEFAULT_SCHEMA_CLASS (settings.REST_FRAMEWORK): see the module."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in sorted(self._errors().items()):
            if str(code) not in responses:
                answer = OpenApiResponse(Problem, description=description)
                responses[str(code)] = self._get_response_for_code(
                    answer, str(code), (PROBLEM,), direction
                )
        return responses

    def _errors(self) -> dict[int, str]:
        errors = dict(EVERYWHERE)
        parameters = self._get_parameters()
        if any(p["in"] == "path" for p in parameters):
            errors.update(WITH_PATH_ID)
        if any(p["in"] in ("query", "header") for p in parameters):
            errors.update(WITH_PARAMETERS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(WITH_BODY)
            errors.update(COMMANDS)
        if any(
            isinstance(p, OpenApiParameter) and p.name == "If-Match"
            for p in self.get_override_parameters()
        ):
            errors.update(WITH_IF_MATCH)
        return errors
