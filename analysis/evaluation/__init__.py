"""The labelled evaluation set for the analyzers and `python -m analysis.evaluation` (make eval)."""
