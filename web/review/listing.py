"""Which sentences the page lists: the filters (read as the API reads them), the page of rows
asked for, and what the filter bar offers."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from rest_framework.exceptions import ValidationError

from access.permissions import Role
from access.selectors import role_in
from api.interview_commands import MAX_BULK
from api.sentences import filtered
from events.dimensions import DIMENSIONS, SINGLE_LABELS, Dimension
from readmodel.models import Interview, Project, Sentence
from web.review.display import LABELS, Row

# What the page says of an archived interview; the commands refuse its corrections.
READ_ONLY = "This interview is archived: its sentences are read-only."
# Sentences a page: an interview has a few hundred, most fit on one. No more than one bulk
# confirmation may take, since it confirms the page's rows.
PAGE_SIZE = min(200, MAX_BULK)
CONFIDENCE_FILTERS = (0.5, 0.7, 0.9)


class FilterParams:
    """The query string as `api.sentences.filtered` reads it (`.query_params`), without the
    empty values an HTML form sends for "any" — so the page and the API filter alike."""

    def __init__(self, query: QueryDict) -> None:
        self.query_params = QueryDict(mutable=True)
        for name, values in query.lists():
            kept = [v for v in values if v != ""]
            if kept and name != "page":
                self.query_params.setlist(name, kept)


def page_context(request: HttpRequest, interview: Interview) -> tuple[dict[str, Any], int]:
    """The page's context and status: 400 (with the message) for a malformed filter."""
    context: dict[str, Any] = {
        "interview": interview,
        "project": Project.objects.filter(id=interview.project_id).first(),
        "can_edit": can_edit(request, interview),
        "read_only": READ_ONLY if interview.status == "archived" else "",
    }
    try:
        context.update(listing(request, interview))
    except ValidationError as invalid:
        query = FilterParams(request.GET).query_params
        context.update(
            rows=[],
            query=query.urlencode(),
            filter_error=first_message(invalid),
            **filter_bar(query, Sentence.objects.none()),
        )
        return context, 400
    return context, 200


def listing(request: HttpRequest, interview: Interview) -> dict[str, Any]:
    """The filtered sentences of the page asked for, and what the filter bar shows.

    Raises rest_framework's ValidationError for a malformed filter value."""
    params = FilterParams(request.GET)
    everything = Sentence.objects.filter(interview_id=interview.id)
    chosen = filtered(everything, params).order_by("index")
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [Row(sentence) for sentence in page]
    return {
        "rows": rows,
        # What "confirm all" offers: the rows shown, never more than one request may confirm.
        "confirmable": sum(row.confirmable for row in rows),
        "page": page,
        "query": params.query_params.urlencode(),
        "filtering": bool(params.query_params),
        **filter_bar(params.query_params, everything),
    }


def filter_bar(query: QueryDict, sentences: QuerySet[Sentence]) -> dict[str, Any]:
    speakers = (
        sentences.exclude(speaker=None)
        .exclude(speaker="")
        .order_by("speaker")
        .values_list("speaker", flat=True)
        .distinct()
    )
    return {
        "f": query,
        "speakers": [(s, query.get("speaker") == s) for s in speakers],
        "confidences": [
            (str(c), f"below {round(c * 100)}%", query.get("confidence_below") == str(c))
            for c in CONFIDENCE_FILTERS
        ],
        "dimension_filters": [
            {
                "name": name,
                "label": LABELS[Dimension(name)],
                "options": [(v, query.get(name) == v) for v in DIMENSIONS[Dimension(name)].labels],
            }
            for name in SINGLE_LABELS
        ],
    }


def first_message(invalid: ValidationError) -> str:
    """The first problem of a malformed filter, as one line for the page."""
    detail = invalid.detail
    if isinstance(detail, dict):
        name, problems = next(iter(detail.items()))
        return f"{name}: {problems[0] if isinstance(problems, list) else problems}"
    return str(detail[0] if isinstance(detail, list) else detail)


def can_edit(request: HttpRequest, interview: Interview | None) -> bool:
    """Whether the page offers the corrections: to reviewers, while the interview is not
    archived (each write checks both again: the role in the view, archiving in the commands)."""
    if interview is None or interview.status == "archived":
        return False
    role = role_in(user=request.user, project_id=interview.project_id)
    return role is not None and role.allows(Role.REVIEWER)
