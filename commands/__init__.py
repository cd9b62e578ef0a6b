"""The write side: commands, the aggregates that decide on them, and their handlers
(docs/architecture.md, Corrections).

Callers build a command from `commands.messages` and pass it to `commands.bus.dispatch`. Every
fact the aggregates decide on becomes an event in the event store; nothing here writes anything
else. Only `commands.bus` touches Django (to find the configured store): aggregates, handlers and
the repository are plain Python.
"""
