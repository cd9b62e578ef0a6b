"""Tokenisation shared by every rule: lower-cased words and punctuation, contractions expanded.

Speech transcripts are full of contractions ("it's", "don't", "let's"); expanding them once here
lets the grammar rules see the auxiliary a contraction hides ("it's" → "it is") without each rule
re-deriving it.
"""

import re
from functools import lru_cache

from analysis.heuristic.wordset import word_set

# Words keep inner apostrophes and hyphens ("error-prone", "don't"); every other mark is a token.
_TOKEN = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*'?|[^\sa-z0-9]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_DASHES = str.maketrans({"\u2014": " \u2014 ", "\u2013": " \u2014 "})

# "'s" is "is"/"has" after these hosts; after a noun it is usually a possessive ("Acme's").
_S_IS_HOSTS = word_set(
    "it that there here what who where how he she this everything something nothing everyone "
    "someone nobody anything which when why one"
)
_WHOLE_CONTRACTIONS = {
    "can't": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "let's": ("let", "us"),
    "ain't": ("is", "not"),
    "y'all": ("you",),
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
    "cause": ("because",),
    "cuz": ("because",),
}
_SUFFIXES = (
    ("n't", ("not",)),
    ("'re", ("are",)),
    ("'ve", ("have",)),
    ("'ll", ("will",)),
    ("'m", ("am",)),
    ("'d", ("would",)),
)
FINAL_MARKS = frozenset("?!.…")


def _expand(word: str) -> tuple[str, ...]:
    if word in _WHOLE_CONTRACTIONS:
        return _WHOLE_CONTRACTIONS[word]
    for suffix, expansion in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)], *expansion)
    if word.endswith("'s") and len(word) > 2:
        host = word[:-2]
        return (host, "is") if host in _S_IS_HOSTS else (host, "'s")
    return (word,)


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[str, ...]:
    """Lower-cased tokens of `text`; contractions expanded, punctuation kept as tokens."""
    normal = text.lower().translate(_APOSTROPHES).translate(_DASHES).replace("...", " … ")
    tokens: list[str] = []
    for raw in _TOKEN.findall(normal):
        # A trailing apostrophe is a plural possessive ("users'") or a closing quote: drop it.
        tokens.extend(_expand(raw.rstrip("'") if len(raw) > 1 else raw))
    return tuple(t for t in tokens if t not in {'"', "'"})


def words(text: str) -> tuple[str, ...]:
    """Only the word tokens of `text` (no punctuation)."""
    return tuple(t for t in tokenize(text) if t[0].isalnum())


def final_mark(text: str) -> str:
    """The sentence's closing mark ("?", "!", "." or "…"), "" if it has none.

    Closing quotes and brackets are looked through: `He asked "why?"` ends with "?".
    """
    stripped = text.rstrip().rstrip("\"'\u201d\u2019)]").rstrip()
    if stripped.endswith("..."):
        return "…"
    return stripped[-1] if stripped and stripped[-1] in FINAL_MARKS else ""
