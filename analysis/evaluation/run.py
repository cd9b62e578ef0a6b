"""Scoring an analyzer against the labelled evaluation set (`make eval`).

The set is a list of short dialogues (dev.yaml for tuning rules, test.yaml held out for the
figure we report); each line carries the expected function_type, structure_type and purpose.
Lines are analysed dialogue by dialogue, so context windows hold the real neighbours.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.context import analysis_requests
from analysis.port import Analyzer, Utterance
from common.safe_yaml import load_yaml
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS

HERE = Path(__file__).resolve().parent
SPLITS = {"dev": HERE / "dev.yaml", "test": HERE / "test.yaml"}
SCORED = ("function_type", "structure_type", "purpose")
MAX_SPLIT_CHARS = 4_000_000  # the splits are ~50 kB; a bound all the same, as for every YAML
TARGETS = {"function_type": 0.90, "structure_type": 0.70}  # the bar the heuristic must reach


@dataclass
class Score:
    dimension: str
    correct: int = 0
    total: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, expected: str, got: Any) -> None:
        self.total += 1
        if expected == got:
            self.correct += 1
        else:
            self.confusions[(expected, str(got))] += 1


def load_dialogues(split: str) -> list[dict[str, Any]]:
    return load_yaml(SPLITS[split].read_text(encoding="utf-8"), max_chars=MAX_SPLIT_CHARS)


def evaluate(analyzer: Analyzer, dialogues: Iterable[dict[str, Any]]) -> dict[str, Score]:
    scores = {name: Score(name) for name in SCORED}
    for dialogue in dialogues:
        lines: Sequence[dict[str, Any]] = dialogue["lines"]
        utterances = [Utterance(line["text"], line.get("speaker")) for line in lines]
        results = analyzer.analyze(analysis_requests(utterances, DEFAULT_DOMAIN_KEYWORDS))
        for line, result in zip(lines, results, strict=True):
            for name in SCORED:
                scores[name].add(line[name], result.values[name])
    return scores


def report(scores: dict[str, Score], *, analyzer: Analyzer, split: str, errors: int) -> str:
    rows = [
        f"analyzer {analyzer.name} (model {analyzer.model} {analyzer.model_version}),"
        f" {split} split, {scores[SCORED[0]].total} sentences",
        "",
        f"{'dimension':<16}{'accuracy':>9}{'correct':>9}{'target':>8}",
    ]
    for name, score in scores.items():
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"{target:>8.2f}  {'met' if score.accuracy >= target else 'MISSED'}"
        rows.append(f"{name:<16}{score.accuracy:>9.3f}{score.correct:>5}/{score.total:<3}{verdict}")
    if errors:
        for name, score in scores.items():
            common = score.confusions.most_common(errors)
            if common:
                rows.append(f"\nmost common {name} errors (expected -> got):")
                rows.extend(f"  {n:>3}  {exp} -> {got}" for (exp, got), n in common)
    return "\n".join(rows)


def targets_met(scores: dict[str, Score]) -> bool:
    return all(scores[name].accuracy >= bar for name, bar in TARGETS.items())
