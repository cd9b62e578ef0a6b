"""Ingestion: transcripts in, sentences and analyses out, as events (SPEC 8)."""
