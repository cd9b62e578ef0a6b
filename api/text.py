"""A serializer validator for the event log's text rule (events.text), for input that reaches
no event's catalogue check on its own path: a bulk confirmation's note is checked once per
sentence by the catalogue, and a refusal there only skips that sentence, so a note that no
event may hold would answer 202 with every sentence skipped instead of a 400 naming the note."""

from rest_framework import serializers

from events.text import text_problem


def acceptable_text(value: str) -> None:
    if problem := text_problem(value):
        raise serializers.ValidationError(f"This text {problem}.")
