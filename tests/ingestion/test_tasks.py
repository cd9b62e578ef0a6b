import json
import signal
import subprocess
import sys
import time
from uuid import UUID

import pytest

from events.envelope import Actor
from events.wiring import get_event_store
from ingestion.projects import ensure_project
from ingestion.tasks import ingest_upload
from tests.commands.builders import PIPELINE
from tests.ingestion.conftest import REPO
from tests.ingestion.helpers import SAMPLE_FILES, events_of

UPLOADER = Actor.human(3, "Ulla Uploader")


@pytest.mark.django_db
def test_the_task_runs_the_pipeline_as_the_uploader():
    store = get_event_store()
    project = ensure_project("ledgerline", store=store, actor=PIPELINE)
    result = ingest_upload(
        SAMPLE_FILES[1].read_bytes(),
        filename=SAMPLE_FILES[1].name,
        project_id=str(project.id),
        uploader=UPLOADER.as_dict(),
    )
    assert result["status"] == "analyzed"
    events = events_of(store, UUID(result["interview_id"]))
    assert events[0].event_type == "InterviewCreated"
    assert events[0].actor == UPLOADER
    assert result["sentences"] == result["analyses_recorded"] > 0


@pytest.mark.django_db
def test_a_rejected_upload_ends_the_task_with_the_reason_and_writes_nothing():
    store = get_event_store()
    project = ensure_project("ledgerline", store=store, actor=PIPELINE)
    head = store.head_position()
    result = ingest_upload(
        b"\x00\x01binary", filename="x.srt", project_id=str(project.id), uploader={}
    )
    assert result["status"] == "rejected"
    assert "x.srt" in result["reason"]
    assert store.head_position() == head


ENQUEUE = """
from events.envelope import Actor
from events.wiring import get_event_store
from ingestion.projects import ensure_project
from ingestion.tasks import enqueue_ingest
project = ensure_project("ledgerline", store=get_event_store(), actor=Actor.system("pipeline"))
print(enqueue_ingest(open({path!r}, "rb").read(), filename="q.txt", project_id=project.id,
                     uploader=Actor.human(3, "Ulla Uploader")))
"""
RESULT = """
import json
from django_q.models import Task
task = Task.objects.filter(id={task_id!r}).first()
print(json.dumps(task and {{"success": task.success, "result": task.result}}))
"""


@pytest.mark.django_db(transaction=True)  # the worker must see what the children commit
def test_an_enqueued_upload_is_ingested_by_a_django_q_worker(manage_process):
    env, manage = manage_process
    enqueued = manage("shell", "-c", ENQUEUE.format(path=str(SAMPLE_FILES[2])), check=True)
    task_id = enqueued.stdout.strip().splitlines()[-1]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, outcome = time.monotonic() + 90, None
        while outcome is None and time.monotonic() < deadline:
            time.sleep(1)
            shell = manage("shell", "-c", RESULT.format(task_id=task_id))
            outcome = json.loads(shell.stdout.strip().splitlines()[-1])
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert outcome is not None, "the worker did not finish the task in 90 s"
    assert outcome["success"], outcome
    assert outcome["result"]["status"] == "analyzed"
    assert outcome["result"]["sentences"] > 0
