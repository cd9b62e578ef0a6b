"""The correction forms of a row: what an open form shows, what a submitted one means to the
API's input serializers, and their errors in the words of the page."""

import json
from typing import Any

from django.http import QueryDict

from api import parsers
from events.dimensions import DIMENSIONS, SINGLE_LABELS, Dimension
from readmodel.models import Project, Sentence
from readmodel.selectors import is_position
from web.review.display import LABELS, as_text


def form_context(action: str, sentence: Sentence, data: QueryDict | None) -> dict[str, Any]:
    """What the open form shows: the submitted values after an error, else the current ones."""
    data = data if data is not None else QueryDict()
    builders = {
        "edit": _edit_form,
        "override": _override_form,
        "revert": _revert_form,
        "confirm": _confirm_form,
    }
    return {"reason": data.get("reason", ""), **builders[action](sentence, data)}


def _edit_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    return {"text": data.get("text", sentence.text)}


def _confirm_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    return {"note": data.get("note", "")}


def _revert_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    chosen = set(data.getlist("fields"))
    ai = sentence.ai_values or {}
    return {
        "choices": [
            {
                "name": name,
                "label": LABELS[Dimension(name)],
                "expert": as_text(value),
                "ai": as_text(ai.get(name)),
                "checked": name in chosen,
            }
            for name, value in sentence.overrides.items()
        ]
    }


def _override_form(sentence: Sentence, data: QueryDict) -> dict[str, Any]:
    effective = sentence.effective
    selects = [
        {
            "name": spec.name.value,
            "label": LABELS[spec.name],
            "current": as_text(effective.get(spec.name.value)),
            "options": [(label, data.get(spec.name.value) == label) for label in spec.labels or ()],
        }
        for spec in DIMENSIONS.values()
        if not spec.multi
    ]
    keywords = list(effective.get(Dimension.OVERALL_KEYWORDS.value) or [])
    current = list(effective.get(Dimension.DOMAIN_KEYWORDS.value) or [])
    # After an error the form comes back with the reviewer's ticks, not the current ones.
    ticked = data.getlist("domain_keywords") if "initial_domain_keywords" in data else current
    project = Project.objects.filter(id=sentence.project_id).first()
    listed = list(project.domain_keywords) if project else []
    # A keyword since dropped from the project's list is still shown, so saving the form
    # does not remove it unasked.
    allowed = listed + [k for k in current if k not in listed]
    return {
        "selects": selects,
        "keywords": data.get("overall_keywords", ", ".join(keywords)),
        "initial_keywords": data.get("initial_overall_keywords", json.dumps(keywords)),
        "domain": [(keyword, keyword in ticked) for keyword in allowed],
        "domain_chosen": ", ".join(k for k in allowed if k in ticked) or "none",
        "initial_domain": data.get("initial_domain_keywords", json.dumps(current)),
    }


def seen_version(post: QueryDict) -> int | None:
    """The version of the sentence the form was rendered with; None when it is missing."""
    raw = post.get("version", "")
    return int(raw) if is_position(raw) else None


def bulk_seen(post: QueryDict) -> dict[str, Any]:
    """The rows a bulk confirmation was sent from, as the API's `sentences`: each row's `seen`
    field is "<sentence id>:<version shown>". Nothing shown: no `sentences`, which is refused."""
    sentences = []
    for value in post.getlist("seen"):
        sentence_id, _, version = value.partition(":")
        sentences.append({"id": sentence_id, "version": version})
    return {"sentences": sentences} if sentences else {}


def payload(action: str, post: QueryDict) -> dict[str, Any]:
    """The correction's input as its API serializer expects it, from the form's fields."""
    reason = {"reason": post.get("reason", "")}
    if action == "edit":
        return {"text": post.get("text", ""), **reason}
    if action == "override":
        return {"fields": override_fields(post), **reason}
    if action == "revert":
        return {"fields": post.getlist("fields"), **reason}
    return {"note": post.get("note", "")}


def override_fields(post: QueryDict) -> dict[str, Any]:
    """Only what the reviewer changed: a label chosen in a dropdown ("keep" sends nothing), and
    keyword lists that differ from the ones the form was rendered with. Comparing with the
    rendered values, not with the current ones, keeps a re-applied change from undoing a
    keyword change another expert made meanwhile."""
    fields: dict[str, Any] = {
        name: post[name] for name in SINGLE_LABELS if post.get(name, "") != ""
    }
    if "overall_keywords" in post:
        words = [w.strip().lower() for w in post["overall_keywords"].split(",") if w.strip()]
        if words != _initial(post, "initial_overall_keywords", words):
            fields[Dimension.OVERALL_KEYWORDS.value] = words
    if "initial_domain_keywords" in post or "domain_keywords" in post:
        chosen = post.getlist("domain_keywords")
        if set(chosen) != set(_initial(post, "initial_domain_keywords", [])):
            fields[Dimension.DOMAIN_KEYWORDS.value] = chosen
    return fields


def _initial(post: QueryDict, name: str, default: list[str]) -> list[str]:
    try:
        # Bounded like every JSON a client sends (api.parsers): too deep is malformed.
        value = parsers.loads(post[name])
    except (KeyError, ValueError):
        return default
    return [str(v) for v in value] if isinstance(value, list) else default


def form_errors(errors: dict[str, Any], action: str) -> dict[str, list[str]]:
    """Serializer errors as messages by form field, in the words of the page."""
    by_field: dict[str, list[str]] = {}
    for name, problems in errors.items():
        texts = [str(p) for p in (problems if isinstance(problems, list) else [problems])]
        if name == "reason":
            texts = ["Give a reason: other reviewers read it in the history."]
        elif name == "fields" and action == "override":
            texts = ["Choose at least one new value."]
        elif name == "fields" and action == "revert":
            texts = ["Choose at least one override to revert."]
        elif name == "non_field_errors":
            name = "form"
        by_field[name] = texts
    return by_field
