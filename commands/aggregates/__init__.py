"""The three aggregates. Each decides on commands and records events; none does I/O or imports
Django, so they are tested as plain objects and rebuilt from any event stream.
"""

from commands.aggregates.base import Aggregate, Cause
from commands.aggregates.interview import Interview
from commands.aggregates.project import Project, project_id_for_slug
from commands.aggregates.sentence import Sentence, sentence_id

__all__ = [
    "Aggregate",
    "Cause",
    "Interview",
    "Project",
    "Sentence",
    "project_id_for_slug",
    "sentence_id",
]
