import os
import subprocess
import sys
from pathlib import Path

from analysis.evaluation.run import SCORED, TARGETS, evaluate, load_dialogues, targets_met
from analysis.heuristic import HeuristicAnalyzer

REPO = Path(__file__).resolve().parents[2]


def test_the_heuristic_meets_the_issue_targets_on_the_held_out_split():
    scores = evaluate(HeuristicAnalyzer(), load_dialogues("test"))
    assert scores["function_type"].total >= 150
    assert targets_met(scores), {name: scores[name].accuracy for name in TARGETS}


def test_every_scored_dimension_counts_every_sentence():
    dialogues = load_dialogues("dev")
    sentences = sum(len(d["lines"]) for d in dialogues)
    scores = evaluate(HeuristicAnalyzer(), dialogues)
    assert [scores[name].total for name in SCORED] == [sentences] * len(SCORED)
    for score in scores.values():
        assert score.correct + sum(score.confusions.values()) == score.total


def test_make_eval_prints_accuracy_per_dimension_and_checks_the_targets():
    env = {**os.environ, "ENV_FILE": "/dev/null", "DEBUG": "1", "ANALYZER": "heuristic"}
    done = subprocess.run(
        [sys.executable, "-m", "analysis.evaluation", "--split", "test", "--check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in SCORED:
        assert name in done.stdout
    assert "test split, " in done.stdout
    assert "MISSED" not in done.stdout
