"""Browser tests: Playwright drives Debian's Chromium against the live server, with a real
`runprojections` process following the log — the product as a reviewer meets it.

They run in the PostgreSQL pass of `make test`: the live server, the test and the runner
process must share one database, which an in-memory SQLite test database cannot be.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection

from access.services import grant
from commands.aggregates import project_id_for_slug
from events.wiring import get_event_store
from projections.waiting import wait_for_position
from tests.ingestion.conftest import REPO, manage_process  # noqa: F401 (a fixture, reused)
from tests.ingestion.helpers import ingest_sample

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls as
# "async unsafe" although every call here is synchronous. The documented escape hatch:
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = REPO / "docs" / "screenshots"
PASSWORD = "correct horse battery staple"
BROWSER_ONLY_ON_POSTGRES = (
    "browser tests share one database between the live server, the test and a runprojections"
    " process: they run in the PostgreSQL pass of `make test`"
)
# Chromium flags for a closed network and a root user in CI (see the machine notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(BROWSER_ONLY_ON_POSTGRES)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def runner(manage_process) -> Iterator[None]:  # noqa: F811
    """`manage.py runprojections` following the log, as `make run` starts it."""
    env, _ = manage_process
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runprojections"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def world(live_server, runner) -> dict:
    """Project ledgerline with one analysed sample interview, shown by the read model, and
    its people: rita and sam (reviewers), vera (viewer), ada (admin, staff)."""
    store = get_event_store()
    outcome = ingest_sample(store)
    project_id = project_id_for_slug("ledgerline")
    assert wait_for_position(store.head_position(), timeout=60), "the runner did not catch up"
    for name, role in (("rita", "reviewer"), ("sam", "reviewer"), ("vera", "viewer")):
        User.objects.create_user(name, password=PASSWORD)
        grant(username=name, project_slug="ledgerline", role=role)
    User.objects.create_user("ada", password=PASSWORD, is_staff=True)
    grant(username="ada", project_slug="ledgerline", role="admin")
    return {
        "url": live_server.url,
        "project_id": project_id,
        "interview_id": outcome.interview_id,
        "sentences": outcome.sentences,
    }


@pytest.fixture
def page_for(browser, world) -> Iterator[Callable]:
    """`page_for("rita")`: a fresh browser context, logged in through the login form."""
    contexts = []

    def open_page(username: str, path: str = "/"):
        context = browser.new_context(
            base_url=world["url"], viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/projects/")
        if path != "/":
            page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under docs/screenshots/ (committed: the issue asks)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
