"""The relational read model (docs/architecture.md, Projections): what the UI and API read. Only its
projector writes it."""
