"""`python -m loadtest [--duration S] [--clients N] ...` (`make load`): see loadtest/__init__.py.

DATABASE_URL names the PostgreSQL database to drop and recreate (its name must contain "load").
Prints the figures and the verification, writes bench/results/load.json; exits 1 when the
verification fails, 130 when interrupted. Every process it started is stopped before it exits.
"""

import os
import signal
import sys
import time
from collections.abc import Sequence
from types import FrameType

from bench.databases import ROOT, migrate, setup_django
from bench.report import write_json
from loadtest.database import NotALoadDatabase, fresh_database
from loadtest.params import LoadParams, parse

LOGS = ROOT / "var" / "loadtest"


def main(argv: Sequence[str] | None = None) -> int:
    params = parse(argv)
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C: the finally blocks stop
    # the server and the runner, which run in sessions of their own and would survive us.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    # Ctrl-C too when started in the background by a script, which ignores SIGINT for it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return _run(params)
    except KeyboardInterrupt:
        print("loadtest: interrupted; every process it started is stopped", file=sys.stderr)
        return 130


def _run(params: LoadParams) -> int:
    load_average = os.getloadavg()
    clock = time.monotonic()
    try:
        target = fresh_database(os.environ.get("DATABASE_URL", ""))
    except NotALoadDatabase as e:
        sys.exit(f"loadtest: {e}")
    # The run's database and nothing else: no developer .env, no graph projection.
    os.environ["ENV_FILE"] = "/dev/null"
    os.environ.pop("NEO4J_BOLT_URL", None)
    setup_django(target.database_url)
    # Imported once Django is set up: they use its models.
    from loadtest.processes import child_env
    from loadtest.report import RESULTS, document, machine, table
    from loadtest.run import run_load
    from loadtest.seed import seed_project

    _log(clock, f"migrating {target.database_url.rsplit('/', 1)[-1]}")
    migrate()
    _log(clock, f"ingesting the samples, {params.users} experts, a pool of {params.pool}")
    seeded = seed_project(experts=params.users, pool=params.pool, seed=params.seed)
    LOGS.mkdir(parents=True, exist_ok=True)
    _log(clock, f"{params.clients} clients for {params.duration_s:.0f} s (server logs: {LOGS})")
    run = run_load(params, seeded, child_env(os.environ, target.database_url), LOGS)
    _log(clock, "verified")
    doc = document(run.outcome, run.verification, params, machine(target, params, load_average))
    path = write_json(doc, RESULTS)
    print(table(doc, run.outcome, run.verification))
    print(f"\nwritten to {path.relative_to(ROOT)}; {time.monotonic() - clock:.0f} s in all")
    return 0 if run.verification.passed else 1


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _log(clock: float, text: str) -> None:
    print(f"[{time.monotonic() - clock:6.1f}s] {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
