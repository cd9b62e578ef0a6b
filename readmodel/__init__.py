"""The relational read model (SPEC 7): what the UI and API read. Only its projector writes it."""
