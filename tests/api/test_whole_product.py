"""`make run`'s Procfile brings up a working product: an upload over HTTP ends analysed and
visible, which takes the web server, the task worker and the projection runner together."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.faults.servers import answers_ok, free_port, wait_for
from tests.ingestion.conftest import REPO, manage_process  # noqa: F401 (a fixture, reused)
from tests.ingestion.helpers import SAMPLE_FILES

SETUP = """
from django.core.management import call_command
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from access.services import grant
from events.envelope import Actor
from events.wiring import get_event_store
from ingestion.projects import ensure_project
project = ensure_project("field", store=get_event_store(), actor=Actor.system("test"))
call_command("runprojections", "--once")  # memberships refer to projected projects
User.objects.create_user("ines")
grant(username="ines", project_slug="field", role="reviewer")
print(project.id, Token.objects.create(user=User.objects.get(username="ines")).key)
"""


@pytest.mark.django_db(transaction=True)  # the processes must see what the setup commits
def test_the_procfile_serves_an_upload_from_request_to_analysed_read_model(
    manage_process,  # noqa: F811
):
    env, manage = manage_process
    project_id, token = manage("shell", "-c", SETUP, check=True).stdout.split()[-2:]
    port = free_port()
    bin_dir = Path(sys.executable).parent
    product = subprocess.Popen(
        [str(bin_dir / "honcho"), "start", "-f", "Procfile"],
        cwd=REPO,
        env={**env, "WEB_PORT": str(port), "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # one signal to the group stops honcho and its processes
    )
    base = f"http://127.0.0.1:{port}"
    api = httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"}, timeout=10)
    try:
        wait_for(
            lambda: answers_ok(f"{base}/health/live"),
            60,
            "the web server did not answer /health/live",
        )
        sample = SAMPLE_FILES[1]
        accepted = api.post(
            "/api/v1/interviews/",
            data={"project": project_id},
            files={"file": (sample.name, sample.read_bytes(), "text/plain")},
        )
        assert accepted.status_code == 202, accepted.text

        def analysed() -> dict | None:
            state = api.get(accepted.headers["Location"]).json()
            interview = state["interview"]
            return state if interview and interview["status"] == "analyzed" else None

        state = wait_for(analysed, 90, "the upload was not analysed and projected")
        assert state["state"] == "done"
        assert state["uploaded_by"] == "ines"
        counters = state["interview"]
        assert counters["sentence_count"] == counters["analyzed_count"] > 0
        sentences = api.get(f"/api/v1/interviews/{state['interview_id']}/sentences/").json()
        assert len(sentences["results"]) == min(100, counters["sentence_count"])
    finally:
        api.close()
        os.killpg(product.pid, signal.SIGTERM)
        try:
            output, _ = product.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(product.pid, signal.SIGKILL)
            output, _ = product.communicate()
    assert "Log in at" in output  # the demo login is printed with the server's start lines
