"""Append-throughput benchmark of SqlEventStore on SQLite and PostgreSQL (`make bench`).

Every figure of the store is measured beside a baseline taken in the same run: the same rows
written with plain INSERTs through the database driver into a plain table with the same columns.
The ratio store/baseline is what the event store's guarantees (validation, expected-version and
duplicate checks, the writer lock on PostgreSQL, the ORM) cost on this machine.
"""
