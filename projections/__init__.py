"""The projection service: read models kept from the global event log (SPEC 7)."""
