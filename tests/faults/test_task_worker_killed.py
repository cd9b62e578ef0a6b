"""The django-q2 worker SIGKILLed in the middle of an ingest: the queued task is handed out
again once its lock expires (`Q_RETRY` seconds after it was taken, ORM broker), a new cluster
resumes the pipeline, and the interview ends analysed with every sentence created and analysed
exactly once — no duplicate, no gap."""

import signal

import pytest

from analysis.fake_openai import FakeOpenAIServer
from tests.faults.servers import last_json, wait_for
from tests.ingestion.helpers import SAMPLE_FILES
from tests.ingestion.test_ingest_cli import (
    assert_ingested_exactly_once,
    events_in,
    fake_openai_env,
    type_counts_json,
)
from tests.ingestion.test_tasks import RESULT

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# A task is handed out again RETRY seconds after it was taken; TIMEOUT (< RETRY, as django-q2
# asks) bounds one run, long enough for the resumed run on a busy 2-CPU machine.
Q_TIMEOUT, Q_RETRY = 20, 25
ANALYSED_BEFORE_THE_KILL = 10

# The way the API queues an upload (ingestion.accept), as a reviewer of a new project.
QUEUE = """
from django.contrib.auth.models import User
from events.envelope import Actor
from events.wiring import get_event_store
from ingestion.accept import accept_upload
from ingestion.projects import ensure_project
project = ensure_project("killed", store=get_event_store(), actor=Actor.system("test"))
upload = accept_upload(open({path!r}, "rb").read(), filename="meeting.txt",
                       project_id=project.id, user=User.objects.create_user("ulla"))
print(upload.task_id, upload.interview_id)
"""
UPLOAD_STATUS = """
import json
from ingestion.models import Upload
from ingestion.selectors import upload_status
print(json.dumps(upload_status(Upload.objects.get(task_id={task_id!r})), default=str))
"""


def test_a_killed_worker_s_task_is_retried_and_completes_the_interview_exactly_once(
    manage_process, background
):
    env, manage = manage_process
    queued = manage("shell", "-c", QUEUE.format(path=str(SAMPLE_FILES[1])), check=True)
    task_id, interview_id = queued.stdout.split()[-2:]
    with FakeOpenAIServer(latency=0.02) as fake:
        worker_env = {
            **env,
            **fake_openai_env(fake),
            "Q_WORKERS": "1",
            "Q_TIMEOUT": str(Q_TIMEOUT),
            "Q_RETRY": str(Q_RETRY),
        }
        first = background(worker_env, "qcluster")
        wait_for(
            lambda: len(fake.requests) >= ANALYSED_BEFORE_THE_KILL or not first.running,
            60,
            "the worker did not start analysing",
        )
        assert first.running, f"the worker ended before the kill:\n{first.output()}"
        assert first.kill() == -signal.SIGKILL  # the cluster, its pusher, monitor and workers
        # The fake records a request once its latency has passed: let the killed worker's last
        # ones land before counting (they raced the count in CI, one request too many after).
        wait_for(lambda: fake.in_flight == 0, 10, "the killed worker's requests did not end")
        requests_before = len(fake.requests)

        half = events_in(manage)
        counts = type_counts_json(half)
        sentences, analysed_before = counts["SentenceCreated"], counts["AnalysisGenerated"]
        assert 0 < analysed_before < sentences, counts  # the kill landed mid-analysis
        assert [e["data"]["to_status"] for e in half if "to_status" in e["data"]] == ["processing"]
        assert last_json(manage("shell", "-c", RESULT.format(task_id=task_id))) is None

        second = background(worker_env, "qcluster")
        outcome = wait_for(
            lambda: last_json(manage("shell", "-c", RESULT.format(task_id=task_id))),
            Q_RETRY + 60,
            "the task was not handed out again and finished",
        )
        assert second.stop() == 0, second.output()
        analysed_again = len(fake.requests) - requests_before

    assert outcome["success"], outcome
    assert outcome["result"]["status"] == "analyzed"
    assert outcome["result"]["interview_id"] == interview_id
    # The resumed run analysed what the killed one had not recorded, and nothing else.
    assert analysed_again == sentences - analysed_before

    events = events_in(manage)
    assert events[: len(half)] == half  # nothing rewritten
    assert_ingested_exactly_once(events, sentences)

    manage("runprojections", "--once", check=True)
    status = last_json(manage("shell", "-c", UPLOAD_STATUS.format(task_id=task_id)))
    assert status["state"] == "done", status
    assert status["interview"]["status"] == "analyzed"
    assert status["interview"]["analyzed_count"] == sentences
