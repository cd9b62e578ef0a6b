"""The Explore page: the graph's cross-interview questions on one project, for viewers and up.

A search form (keyword, domain keyword, topic, purpose, function type; its choices are the
names the project's sentences use in the graph) with its results, and two tables: the topics
that occur together and the keywords several interviews share. When the graph is off or does
not answer, the page still renders, with status 503 and a message saying which.
"""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from access.permissions import Role
from graph import queries
from graph.connection import GraphUnavailable, graph_enabled
from web.pages import project_for

RESULTS = 200  # sentences the page shows at most
TABLE_ROWS = 50
# (field, label, Vocabulary attribute, control): a select for the closed label sets, a text
# input suggesting the project's names for the open keyword sets.
CONTROLS = (
    ("keyword", "Keyword", "keywords", "text"),
    ("domain_keyword", "Domain keyword", "domain_keywords", "text"),
    ("topic", "Topic", "topics", "select"),
    ("purpose", "Purpose", "purposes", "select"),
    ("function_type", "Function type", "function_types", "select"),
)
FILTERS = tuple(name for name, *_ in CONTROLS)
GRAPH_OFF = (
    "The graph read model is off (NEO4J_BOLT_URL is not set), so there is nothing to explore."
    " Everything else works without it."
)
GRAPH_DOWN = "Neo4j does not answer right now, so there is nothing to explore. Try again later."


class ExploreForm(forms.Form):
    """The query string. Django's CharField refuses NUL characters; every field is optional."""

    keyword = forms.CharField(required=False, max_length=200)
    domain_keyword = forms.CharField(required=False, max_length=200)
    topic = forms.CharField(required=False, max_length=200)
    purpose = forms.CharField(required=False, max_length=200)
    function_type = forms.CharField(required=False, max_length=200)
    level = forms.TypedChoiceField(
        required=False, choices=[(1, "1"), (3, "3")], coerce=int, empty_value=1
    )

    def filters(self) -> dict[str, str]:
        """The filters given (none when the form is invalid)."""
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in FILTERS if self.cleaned_data[name]}

    def topic_level(self) -> int:
        """The co-occurrence table's topic level: 1 unless 3 is asked for."""
        if not self.is_valid():
            return 1
        return self.cleaned_data["level"] or 1

    def value(self, name: str) -> str:
        """The raw value of a field as given, for the control to show it again."""
        return self.data.get(name, "")


@login_required
def explore(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, Role.VIEWER)
    form = ExploreForm(request.GET)
    labels = {name: label for name, label, *_ in CONTROLS}
    context: dict[str, Any] = {
        "project": project,
        "form": form,
        "filters": [(labels[name], value) for name, value in form.filters().items()],
    }
    status = 200
    try:
        context.update(explore_tables(project_id=project.id, form=form))
    except GraphUnavailable:
        context["graph_error"] = GRAPH_DOWN if graph_enabled() else GRAPH_OFF
        status = 503
    context["controls"] = controls(form, context.get("vocabulary", queries.Vocabulary()))
    return render(request, "graph/explore.html", context, status=status)


def controls(form: ExploreForm, vocabulary: queries.Vocabulary) -> list[dict[str, Any]]:
    """The search form's controls, each with its label, value and the project's names."""
    shown = []
    for name, label, attribute, control in CONTROLS:
        value = form.value(name)
        options = list(getattr(vocabulary, attribute))
        if control == "select" and value and value not in options:
            options.append(value)  # asked for by the URL: keep it selected
        shown.append(
            {
                "name": name,
                "label": label,
                "control": control,
                "value": value,
                "options": options,
                "errors": form.errors.get(name, []),
            }
        )
    return shown


def explore_tables(*, project_id: UUID, form: ExploreForm) -> dict[str, Any]:
    """Everything the page shows from the graph; GraphUnavailable if it cannot."""
    filters = form.filters()
    hits = None
    if filters:
        hits = queries.sentences_matching(project_id=project_id, limit=RESULTS + 1, **filters)
    return {
        "vocabulary": queries.project_vocabulary(project_id=project_id),
        "hits": hits[:RESULTS] if hits is not None else None,
        "truncated": hits is not None and len(hits) > RESULTS,
        "limit": RESULTS,
        "level": form.topic_level(),
        "pairs": queries.topic_cooccurrence(
            project_id=project_id, level=form.topic_level(), limit=TABLE_ROWS
        ),
        "shared": [
            (title, queries.shared_keywords(project_id=project_id, kind=kind, limit=TABLE_ROWS))
            for kind, title in (("domain_keyword", "Domain keywords"), ("keyword", "Keywords"))
        ],
    }


urlpatterns = [path("projects/<slug:slug>/explore/", explore, name="explore")]
