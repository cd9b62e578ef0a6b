"""The projection service: read models kept from the global event log
(docs/architecture.md, Projections)."""
