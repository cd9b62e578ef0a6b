"""The embedded `heuristic` analyzer backend (SPEC 4): rules, no model, no network."""

from analysis.heuristic.analyzer import HeuristicAnalyzer

__all__ = ["HeuristicAnalyzer"]
