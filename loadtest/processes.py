"""The product under load: a web server and `manage.py runprojections`, each its own process
group on 127.0.0.1, started and stopped here and nowhere else.

gunicorn with gthread workers, not `runserver`: runserver is a development server, one process
whose Python work shares one GIL; gunicorn runs `--web-workers` processes (one per CPU) of
`--web-threads` threads, the usual production shape for a Django app whose requests mostly wait
on PostgreSQL, so the figures are those of something one would deploy. (On the busy 2-CPU
machine it was written on, 20 s runs of either measured alike, within that machine's noise.)
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.databases import ROOT
from loadtest.params import LoadParams

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


class ChildFailed(RuntimeError):
    """A process of the product did not start, or exited while the load was on."""


@dataclass(frozen=True)
class Child:
    name: str
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def child_env(base: Mapping[str, str], database_url: str) -> dict[str, str]:
    """The environment of the server and the runner: the run's database and nothing from a
    developer's .env. The per-user throttle is lifted: its hourly budget would turn a long run
    into 429s, and what is measured here is the write path, not the throttle."""
    env = {
        **base,
        "DATABASE_URL": _persistent(database_url),
        "ENV_FILE": "/dev/null",
        "DEBUG": "0",
        "SECRET_KEY": base.get("SECRET_KEY") or "load-test-only-not-a-secret",
        "API_THROTTLE_USER": "1000000/hour",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    # The relational read model is the one measured and verified; the graph needs a Neo4j.
    env.pop("NEO4J_BOLT_URL", None)
    return env


def _persistent(database_url: str) -> str:
    """The URL with persistent connections (django-environ reads CONN_MAX_AGE from it), as a
    production deployment configures them: a new PostgreSQL connection per request (Django's
    default) costs more than most of these requests, and measured ~1.5x fewer requests/s."""
    parts = urlsplit(database_url)
    query = "&".join(q for q in (parts.query, "conn_max_age=60&conn_health_checks=true") if q)
    return parts._replace(query=query).geturl()


@contextmanager
def serving(env: Mapping[str, str], params: LoadParams, logs: Path) -> Iterator[str]:
    """The web server and the projection runner until the block ends; yields the base URL.

    Raises ChildFailed if either exits on its own before the block ends."""
    port = _free_port()
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "interview_analyzer.wsgi:application",
        "--worker-class=gthread",
        f"--workers={params.web_workers}",
        f"--threads={params.web_threads}",
        f"--bind=127.0.0.1:{port}",
        "--graceful-timeout=10",
        "--log-level=warning",
    ]
    runner = [sys.executable, "manage.py", "runprojections", "--projection=relational"]
    children: list[Child] = []
    try:
        children.append(_start("web", web, env, logs))
        children.append(_start("runprojections", runner, env, logs))
        base_url = f"http://127.0.0.1:{port}"
        _wait_live(base_url, children)
        yield base_url
        for child in children:
            if child.process.poll() is not None:
                raise ChildFailed(f"{child.name} exited during the run:\n{child.tail()}")
    finally:
        for child in reversed(children):
            _stop(child)


def _start(name: str, command: list[str], env: Mapping[str, str], logs: Path) -> Child:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        # A session of its own: Ctrl-C in the terminal reaches only us, and we stop the child
        # in order (the runner commits its batch); killpg also reaches gunicorn's workers.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Child(name, process, log)


def _stop(child: Child) -> None:
    if child.process.poll() is not None:
        return
    os.killpg(child.process.pid, signal.SIGTERM)
    try:
        child.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait()


def _wait_live(base_url: str, children: list[Child]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        for child in children:
            if child.process.poll() is not None:
                raise ChildFailed(f"{child.name} exited at start:\n{child.tail()}")
        try:
            if httpx.get(f"{base_url}/health/live", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise ChildFailed(f"the web server did not answer within {START_TIMEOUT_S:.0f} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
