"""Domain keywords: entries of the project's list mentioned in the target sentence.

People say a listed term in many spellings: "CI/CD", "CI CD", "cicd"; "Stand-up", "standup",
"stand ups"; "User Story", "user stories"; "KPI", "KPIs". Each entry gets up to four patterns,
from surest to least sure: the exact spelling (then in any case), a variant (other separators,
plural, swapped halves of "UX/UI"), and — for slashed pairs only — one half alone in its
original capitals ("UX"). Matches are reported in the list's spelling, in order of first mention.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from analysis.heuristic.judgement import Judgement
from events.dimensions import MAX_KEYWORDS

# Exact spelling; exact but other case ("epic" may just be an adjective); variant; half alone.
EXACT, ANY_CASE, VARIANT, PART = 1.0, 0.9, 0.85, 0.6
_NONE_FOUND = 0.95  # no entry and nothing close: list matching rarely misses
_NEAR_MISS = 0.7  # some entry occurs inside a longer word ("Dockerfile"): maybe a mention
_NEAR_MISS_MIN_LENGTH = 4
_SEPARATORS = re.compile(r"[\s/\-_]+")
_LEFT, _RIGHT = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class _Matcher:
    keyword: str
    patterns: tuple[tuple[re.Pattern[str], float], ...]  # surest first
    stems: tuple[str, ...]  # lower-cased parts, for near misses


def _plural(part: str) -> str:
    if part[-1:].lower() == "y" and part[-2:-1].lower() not in set("aeiou"):
        return re.escape(part[:-1]) + "(?:y|ies)"
    return re.escape(part) + "(?:s|es|'s)?"


def _variant(parts: Sequence[str]) -> str:
    return r"[\s/\-_]?".join([*map(re.escape, parts[:-1]), _plural(parts[-1])])


def _matcher(keyword: str) -> _Matcher:
    parts = [p for p in _SEPARATORS.split(keyword) if p]
    exact = _LEFT + re.escape(keyword) + _RIGHT
    patterns = [(re.compile(exact), EXACT), (re.compile(exact, re.IGNORECASE), ANY_CASE)]
    variants = [_variant(parts)]
    if "/" in keyword and len(parts) == 2:
        variants.append(_variant(parts[::-1]))
    patterns.append((re.compile(_LEFT + "(?:" + "|".join(variants) + ")" + _RIGHT, re.I), VARIANT))
    if "/" in keyword:
        halves = "|".join(re.escape(p) for p in parts if len(p) >= 2)
        patterns.append((re.compile(_LEFT + "(?:" + halves + ")" + _RIGHT), PART))
    stems = tuple(p.lower() for p in parts if len(p) >= _NEAR_MISS_MIN_LENGTH)
    return _Matcher(keyword, tuple(patterns), stems)


@lru_cache(maxsize=64)
def _matchers(domain_keywords: tuple[str, ...]) -> tuple[_Matcher, ...]:
    """Compiled once per distinct list: every request of an interview carries the same one."""
    return tuple(_matcher(k) for k in domain_keywords if k.strip())


def match_domain_keywords(text: str, domain_keywords: tuple[str, ...]) -> Judgement:
    found: list[tuple[int, int, str, float]] = []  # (position, list index, keyword, confidence)
    for index, matcher in enumerate(_matchers(domain_keywords)):
        for pattern, confidence in matcher.patterns:
            hit = pattern.search(text)
            if hit:
                found.append((hit.start(), index, matcher.keyword, confidence))
                break
    found.sort()
    chosen = found[:MAX_KEYWORDS]
    if chosen:
        confidence = sum(c for *_, c in chosen) / len(chosen)
        return Judgement([k for _, _, k, _ in chosen], round(confidence, 2))
    lowered = text.lower()
    near = any(s in lowered for m in _matchers(domain_keywords) for s in m.stems)
    return Judgement([], _NEAR_MISS if near else _NONE_FOUND)
