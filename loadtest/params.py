"""What a load-test run is asked to do: the command-line flags, with their defaults."""

import argparse
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadParams:
    duration_s: float = 60.0
    clients: int = 20
    # Sentences every client picks from: few, so that clients collide on them (412s).
    pool: int = 12
    # Share of accepted writes followed by a `?wait_for=<position>` read to time visibility.
    lag_sample: float = 0.25
    # gunicorn: one worker process per CPU, threads to overlap database waits.
    web_workers: int = 2
    web_threads: int = 8
    seed: int = 1

    @property
    def users(self) -> int:
        """One expert (user with a token) per client, as in a team where each reviews alone."""
        return self.clients


def parse(argv: Sequence[str] | None = None) -> LoadParams:
    d = LoadParams()
    parser = argparse.ArgumentParser(
        prog="python -m loadtest",
        description="Concurrent experts correcting overlapping sentences through the REST API;"
        " DATABASE_URL names the PostgreSQL database to drop and recreate for it.",
    )
    # Each flag's dest is the field it sets, so the namespace is the parameters.
    flag = parser.add_argument
    flag("--duration", dest="duration_s", type=float, default=d.duration_s, metavar="SECONDS")
    flag("--clients", type=int, default=d.clients, help="concurrent API clients")
    flag("--pool", type=int, default=d.pool, help="sentences the clients share")
    flag("--lag-sample", type=float, default=d.lag_sample, help="share of writes timed to visible")
    flag("--web-workers", type=int, default=d.web_workers, help="gunicorn worker processes")
    flag("--web-threads", type=int, default=d.web_threads, help="threads per worker")
    flag("--seed", type=int, default=d.seed, help="random seed of the clients and the pool")
    params = LoadParams(**vars(parser.parse_args(argv)))
    if params.duration_s <= 0 or min(params.clients, params.pool, params.web_workers) < 1:
        parser.error("--duration must be positive; --clients, --pool, --web-* at least 1")
    if params.web_threads < 1 or not 0 <= params.lag_sample <= 1:
        parser.error("--web-threads must be at least 1, --lag-sample from 0 to 1")
    return params
