"""Cue-phrase matching shared by the purpose and topic rules.

A cue is a phrase matched on word boundaries in lower-cased text without punctuation; a trailing
"*" makes it a stem ("frustrat*" matches "frustrating", "frustration"), a leading "^" anchors it
at the start, and a "re:" prefix marks a raw regular expression for cues a phrase can't express.
Compiling each label's cues into one regex keeps scoring a sentence to one pass per label.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
# Punctuation is dropped so "Oh, and" and "oh and" match the same cue; apostrophes and hyphens
# stay inside words ("don't", "error-prone").
_PUNCTUATION = re.compile(r"[^\w\s'-]|(?<!\w)'|'(?!\w)|(?<!\w)-|-(?!\w)")


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Lower-cased, straight apostrophes, no punctuation, single-spaced: what cues match."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower().translate(_APOSTROPHES)).split())


def compile_cues(cues: Iterable[str]) -> re.Pattern[str]:
    """One alternation for all `cues`, longest first so "thank you" beats "thank"."""
    parts = []
    for cue in sorted(set(cues), key=lambda c: (-len(c), c)):
        if cue.startswith("re:"):
            parts.append(cue[3:])
            continue
        stem = cue.endswith("*")
        body = re.escape(cue.rstrip("*")).replace(r"\ ", r"\s+")
        if cue.startswith("^"):
            body = "^" + body[2:]  # re.escape turned "^" into "\^"
            parts.append(body + (r"\w*" if stem else r"\b"))
        else:
            parts.append(r"\b" + body + (r"\w*" if stem else r"\b"))
    return re.compile("|".join(parts))


def count_cues(pattern: re.Pattern[str], text: str) -> int:
    """How many times any cue of `pattern` occurs in `text` (already normalised)."""
    return len(pattern.findall(text))
