"""Sentence analysis: the Analyzer port, context windows, and its backends (SPEC 4).

Plain Python: only `analysis.wiring` reads Django settings.
"""
