"""Reads of the relational read model (HackSoft-style selectors: keyword-only, typed, no writes).

Views, the API and management commands read through these, so what "the sentences of a
project" means — which rows, in which order — is decided once.
"""

import uuid

from django.db.models import QuerySet

from readmodel.models import Interview, Project, Sentence

MAX_POSITION = 2**63 - 1  # the largest global position a store records (a signed 64-bit integer)


def is_position(raw: str) -> bool:
    """Whether `raw` is a global position: ASCII digits only, at most MAX_POSITION. `str.isdigit`
    alone also accepts "²" and other digits `int` refuses, which made `?wait_for=²` a 500; and
    `int` refuses more than 4300 digits (ValueError), which made a long one a 500."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 19 and int(raw) <= MAX_POSITION


def project_get(*, slug: str) -> Project | None:
    return Project.objects.filter(slug=slug).first()


def interview_get(*, interview_id: uuid.UUID) -> Interview | None:
    return Interview.objects.filter(id=interview_id).first()


def sentences_for_export(
    *,
    interview_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
    project_slug: str | None = None,
) -> QuerySet[Sentence]:
    """The sentences of one interview, or of every interview of one project (by id — as the
    API names it — or by slug — as the command does); exactly one of the three must be given.

    Ordered interview by interview (oldest first, id breaking ties, so the order is stable),
    then by index; each row comes with its interview and project, so exporting it costs no
    further query.
    """
    selection = {
        "interview_id": interview_id,
        "interview__project_id": project_id,
        "interview__project__slug": project_slug,
    }
    given = {lookup: value for lookup, value in selection.items() if value is not None}
    if len(given) != 1:
        raise ValueError("give exactly one of interview_id, project_id and project_slug")
    sentences = Sentence.objects.select_related("interview__project").filter(**given)
    return sentences.order_by("interview__created_at", "interview_id", "index")
