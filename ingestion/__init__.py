"""Ingestion: transcripts in, sentences and analyses out, as events
(docs/architecture.md, Ingestion)."""
