"""One run against a seeded database: serve, load, check through the API, stop, verify.

Needs Django set up for the run's database in this process (the verification reads the event
store and the read model directly); the server and the runner get `env`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from loadtest.clients import Outcome, run_clients
from loadtest.params import LoadParams
from loadtest.processes import serving
from loadtest.seed import Seeded
from loadtest.verify import Verification, caught_up, histories, verify


@dataclass(frozen=True)
class Run:
    outcome: Outcome
    verification: Verification


def run_load(params: LoadParams, seeded: Seeded, env: Mapping[str, str], logs: Path) -> Run:
    with serving(env, params, logs) as base_url:
        outcome = run_clients(base_url, seeded, params)
        # The runner must have applied everything before it stops, so that the live digest is
        # of the whole log (verify notes it if the wait ran out).
        caught_up()
        history = histories(base_url, seeded)
    verification = verify(seeded, outcome.accepted, history, errors=len(outcome.failures))
    return Run(outcome, verification)
