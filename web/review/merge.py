"""Two experts' edits of one sentence text against the text both started from: a word diff of
each, and a three-way merge to prefill the field the reviewer saves
(docs/architecture.md, Corrections: nobody's accepted text is dropped unseen).

Tokens are words, runs of punctuation and runs of whitespace, so a diff reads as words and a
merge keeps the spacing of the texts it combines.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")

Change = tuple[int, int, list[str]]  # base tokens [start, end) become these tokens


@dataclass(frozen=True)
class Merge:
    text: str
    clean: bool  # False: both changed the same words; there the text is theirs


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """`new` against `old` as (kind, text) pieces: kind is "same", "del" or "ins"."""
    a, b = tokens(old), tokens(new)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("ins", "".join(b[j1:j2])))
    return pieces


def merge3(base: str, theirs: str, mine: str) -> Merge:
    """Both edits of `base` in one text where they touch different words; where both changed
    the same words differently, their (saved) words are kept and `clean` is False."""
    if mine in (theirs, base):
        return Merge(theirs, True)
    if theirs == base:
        return Merge(mine, True)
    b = tokens(base)
    ours, others = _changes(b, tokens(mine)), _changes(b, tokens(theirs))
    merged: list[str] = []
    clean, position = True, 0
    for start, end, group_theirs, group_mine in _groups(others, ours):
        merged += b[position:start]
        their_span = _apply(b, group_theirs, start, end)
        my_span = _apply(b, group_mine, start, end)
        if group_theirs and group_mine and their_span != my_span:
            clean = False
            merged += their_span
        else:
            merged += their_span if group_theirs else my_span
        position = end
    merged += b[position:]
    return Merge("".join(merged), clean)


def _changes(base: list[str], other: list[str]) -> list[Change]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        (i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _groups(
    theirs: list[Change], mine: list[Change]
) -> list[tuple[int, int, list[Change], list[Change]]]:
    """Changes of both sides in base order, those that overlap or touch in one group."""
    tagged = sorted(
        [(c, True) for c in theirs] + [(c, False) for c in mine], key=lambda x: x[0][:2]
    )
    groups: list[tuple[int, int, list[Change], list[Change]]] = []
    for change, is_theirs in tagged:
        start, end, _ = change
        if groups and start <= groups[-1][1]:
            g_start, g_end, g_theirs, g_mine = groups[-1]
            groups[-1] = (g_start, max(g_end, end), g_theirs, g_mine)
        else:
            groups.append((start, end, [], []))
        (groups[-1][2] if is_theirs else groups[-1][3]).append(change)
    return groups


def _apply(base: list[str], changes: list[Change], start: int, end: int) -> list[str]:
    """base[start:end] with `changes` (all inside it) applied."""
    out: list[str] = []
    position = start
    for c_start, c_end, replacement in changes:
        out += base[position:c_start] + replacement
        position = c_end
    return out + base[position:end]
