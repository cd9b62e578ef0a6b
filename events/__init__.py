"""Event envelope, catalogue and the event store port with its backends.

Imports nothing else of ours: every other package depends on this one.
"""
