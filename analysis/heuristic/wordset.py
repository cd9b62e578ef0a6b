"""Lexicons are written as space-separated words: easy to read and extend, one call to build."""


def word_set(spaced: str) -> frozenset[str]:
    """The words of `spaced` as a frozenset: `word_set("and but or")`."""
    return frozenset(spaced.split())
