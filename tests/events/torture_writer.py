"""One writer process of the torture test (tests/events/test_torture.py).

Appends `--events` events to streams drawn from a shared pool, pausing for a random moment inside
each append's transaction (after positions are assigned, before commit), and writes the id of
every committed event to `--out`, one per line.
"""

import argparse
import os
import random
import time
import uuid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--streams", nargs="+", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_analyzer.settings")
    import django

    django.setup()
    from django.db import transaction

    from events.sql_store import SqlEventStore
    from events.store import ANY
    from tests.factories import project_renamed

    store = SqlEventStore()
    rng = random.Random(args.seed)
    written = 0
    with open(args.out, "w") as out:
        while written < args.events:
            batch = [
                project_renamed(f"w{args.seed}-{written + i}", f"x{uuid.uuid4().hex[:6]}")
                for i in range(min(rng.randint(1, 4), args.events - written))
            ]
            with transaction.atomic():
                store.append(rng.choice(args.streams), batch, ANY)
                time.sleep(rng.random() * 0.003)  # commit late, while holding a position
            out.writelines(f"{e.event_id}\n" for e in batch)
            written += len(batch)


if __name__ == "__main__":
    main()
