"""The labelled evaluation set (analysis/evaluation/*.yaml) is well-formed and covers enough.

`make eval` scores an analyzer against test.yaml; these checks keep the set usable: valid
structure, labels only from the label sets of docs/architecture.md, Dimensions, no dialogue id or
sentence shared between the splits, and the minimum size and label coverage of the held-out test
split.
"""

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from analysis.evaluation.run import load_dialogues
from events.dimensions import FUNCTION_TYPES, PURPOSES, STRUCTURE_TYPES

EVALUATION_DIR = Path(__file__).resolve().parents[2] / "analysis" / "evaluation"
SPLITS = ("dev", "test")
LABELS: dict[str, tuple[str, ...]] = {
    "function_type": FUNCTION_TYPES,
    "structure_type": STRUCTURE_TYPES,
    "purpose": PURPOSES,
}
LINE_KEYS = {"speaker", "text", *LABELS}
DIALOGUE_KEYS = {"dialogue", "setting", "lines"}
MIN_LINES_PER_DIALOGUE, MAX_LINES_PER_DIALOGUE = 4, 12

MIN_TEST_SENTENCES = 150
MIN_TEST_FUNCTION_TYPES = {"interrogative": 25, "imperative": 12, "exclamatory": 8}
MIN_TEST_STRUCTURE_TYPE = 20
MIN_TEST_DISTINCT_PURPOSES = 16
MIN_DISTINCT_PURPOSES_BOTH = 20  # "most of the 24 across both splits"


def load(split: str) -> list[dict[str, Any]]:
    return load_dialogues(split)  # the product's own loader: no aliases, bounded


def lines_of(split: str) -> list[dict[str, Any]]:
    return [line for dialogue in load(split) for line in dialogue["lines"]]


def counts(split: str, dimension: str) -> Counter[str]:
    return Counter(line[dimension] for line in lines_of(split))


@pytest.mark.parametrize("split", SPLITS)
def test_split_is_a_list_of_well_formed_dialogues(split: str) -> None:
    dialogues = load(split)
    assert isinstance(dialogues, list)
    assert dialogues
    for dialogue in dialogues:
        assert isinstance(dialogue, dict)
        assert set(dialogue) == DIALOGUE_KEYS, dialogue.get("dialogue")
        assert isinstance(dialogue["dialogue"], str)
        assert dialogue["dialogue"].strip()
        assert isinstance(dialogue["setting"], str)
        assert dialogue["setting"].strip()
        lines = dialogue["lines"]
        assert isinstance(lines, list)
        assert MIN_LINES_PER_DIALOGUE <= len(lines) <= MAX_LINES_PER_DIALOGUE, dialogue["dialogue"]
        speakers = {line.get("speaker") for line in lines}
        assert len(speakers) >= 2, f"{dialogue['dialogue']}: a dialogue needs several speakers"
        for line in lines:
            assert isinstance(line, dict)
            assert set(line) == LINE_KEYS, line
            for key in LINE_KEYS:
                assert isinstance(line[key], str), (key, line)
                assert line[key].strip() == line[key], (key, line)
                assert line[key], (key, line)


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("dimension", sorted(LABELS))
def test_every_label_is_in_spec_4s_set(split: str, dimension: str) -> None:
    bad = [
        (line["text"], line[dimension])
        for line in lines_of(split)
        if line[dimension] not in LABELS[dimension]
    ]
    assert bad == []


@pytest.mark.parametrize("split", SPLITS)
def test_every_line_is_one_sentence(split: str) -> None:
    for line in lines_of(split):
        text = line["text"]
        assert text[-1] in ".?!'", text
        assert "\n" not in text, text


def test_dialogue_ids_are_unique_across_both_splits() -> None:
    ids = [dialogue["dialogue"] for split in SPLITS for dialogue in load(split)]
    duplicates = [name for name, n in Counter(ids).items() if n > 1]
    assert duplicates == []


def test_no_sentence_appears_in_both_splits() -> None:
    def normalised(split: str) -> set[str]:
        return {" ".join(line["text"].lower().split()) for line in lines_of(split)}

    assert normalised("dev") & normalised("test") == set()


def test_no_sentence_repeats_within_a_split() -> None:
    for split in SPLITS:
        texts = [line["text"] for line in lines_of(split)]
        assert [t for t, n in Counter(texts).items() if n > 1] == [], split


def test_test_split_is_large_enough() -> None:
    assert len(lines_of("test")) >= MIN_TEST_SENTENCES


def test_test_split_covers_every_function_type() -> None:
    found = counts("test", "function_type")
    for label, minimum in MIN_TEST_FUNCTION_TYPES.items():
        assert found[label] >= minimum, (label, found[label])
    assert found.most_common(1)[0][0] == "declarative"  # as in real interviews


def test_test_split_covers_every_structure_type() -> None:
    found = counts("test", "structure_type")
    for label in STRUCTURE_TYPES:
        assert found[label] >= MIN_TEST_STRUCTURE_TYPE, (label, found[label])


def test_purposes_are_varied() -> None:
    assert len(counts("test", "purpose")) >= MIN_TEST_DISTINCT_PURPOSES
    both = counts("dev", "purpose") + counts("test", "purpose")
    assert len(both) >= MIN_DISTINCT_PURPOSES_BOTH
