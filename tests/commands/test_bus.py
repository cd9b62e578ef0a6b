"""The routing table and the entry point callers use."""

import uuid
from dataclasses import dataclass

import pytest

from commands.bus import HANDLERS, dispatch, handle
from commands.messages import Command
from commands.repository import Repository
from events.catalogue import CATALOGUE
from events.wiring import get_event_store
from tests.commands.builders import PIPELINE, create_project_command


def test_there_is_a_command_and_handler_for_every_event_in_the_catalogue():
    records = [command_type.records for command_type in HANDLERS]
    assert sorted(records) == sorted(CATALOGUE)


@pytest.mark.django_db
def test_dispatch_uses_the_configured_event_store_by_default():
    command = create_project_command()
    result = dispatch(command)
    [event] = get_event_store().read_stream(f"Project-{command.project_id}")
    assert result.event_ids == (event.event_id,)


def test_it_refuses_a_command_without_a_handler(store):
    @dataclass(frozen=True, kw_only=True)
    class Unrouted(Command):
        records = "ProjectCreated"

    with pytest.raises(TypeError, match="no handler for Unrouted"):
        handle(Unrouted(actor=PIPELINE, command_id=uuid.uuid4()), Repository(store))
