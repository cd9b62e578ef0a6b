"""Sentence analysis: the Analyzer port, context windows, and its backends
(docs/architecture.md, Dimensions).

Plain Python: only `analysis.wiring` reads Django settings.
"""
