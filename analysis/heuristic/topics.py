"""Topic (the 15 labels of docs/architecture.md, Dimensions) from cue lexicons over a context
window, with distance decay.

Every utterance in the window votes with its cue counts, weighted by `decay ** distance`, so a
strong decay (level 1, ±2) keeps the label local to the target sentence while a gentle one
(level 3, ±6) lets it follow the phase of the conversation. Confidence grows with the margin
between the best and the runner-up topic and with the amount of evidence.
"""

import re
from functools import lru_cache

from analysis.heuristic.cues import compile_cues, count_cues, normalise
from analysis.heuristic.judgement import Judgement
from analysis.heuristic.tokens import words
from analysis.port import ContextWindow
from events.dimensions import TOPICS

_TOPIC_CUES: dict[str, tuple[str, ...]] = {
    "goals": (
        "goal*", "want to", "wanted to", "hope", "hoping", "aim*", "wish*", "objective*",
        "target*", "would love", "i'd love", "ideally", "dream", "achiev*", "outcome*",
        "looking for", "trying to", "magic wand", "what would you want", "priority",
    ),
    "tools": (
        "app", "apps", "tool*", "dashboard*", "spreadsheet*", "sheet", "jira", "figma",
        "software", "feature*", "platform*", "plugin*", "integration*", "api", "slack",
        "excel", "notion", "confluence", "github", "button*", "screen*", "list view",
        "interface", "setting*", "notification*", "progress bar", "filter*", "ui", "view",
        "google sheet", "alert*", "product",
    ),
    "processes": (
        "process*", "workflow*", "step*", "procedure*", "routine*", "every week", "each week",
        "every month", "typical week", "day to day", "go through", "walk me through",
        "manually", "usually", "one at a time", "one by one", "review", "checklist*",
        "handoff*", "approval*", "pipeline*", "how do you", "first", "then i",
    ),
    "experiences": (
        "i remember", "used to", "when i started", "experience*", "back when", "switched",
        "first time", "happened", "felt like", "i've been", "years", "ago", "story",
        "i tried", "i emailed", "once", "i had",
    ),
    "observations": (
        "notic*", "seems", "seem", "seeing", "i see", "we see", "saw", "appears", "looks like",
        "trend*", "pattern*", "interesting", "signal", "matches", "lines up", "percent",
        "volume", "data", "evidence", "consistent",
    ),
    "pain points": (
        "annoy*", "frustrat*", "slow", "broken", "error-prone", "miserable", "wrong", "issue*",
        "problem*", "pain*", "bug*", "difficult", "hard to", "struggl*", "tedious",
        "confus*", "fail*", "complain*", "dread*", "exhausting", "waste*", "workaround*",
        "doesn't remember", "way longer", "takes forever", "over-budget", "trust issue",
        "get in the way", "miscategoriz*", "no way to", "flagging me", "caveats",
    ),
    "responsibilities": (
        "responsib*", "my role", "my job", "in charge", "own", "owner*", "ownership",
        "accountab*", "i handle", "duty", "duties", "task*", "on my plate", "take care of",
        "driving notes", "i can own", "action item*", "on me",
    ),
    "collaborations": (
        "together", "team*", "teammate*", "coworker*", "colleague*", "collaborat*", "pair*",
        "partner*", "sync with", "align*", "cross-functional", "work with", "shar*",
        "meeting*", "loop in", "stakeholder*", "panel", "each other", "jump in",
    ),
    "reporting": (
        "report*", "metric*", "kpi*", "summary", "update*", "status", "track*", "log",
        "notes", "document*", "present*", "slide*", "deck", "quarter over quarter",
        "numbers", "ticket volume", "write up", "recap", "findings",
    ),
    "managing": (
        "manag*", "lead", "leading", "prioritiz*", "decid*", "decision*", "delegat*",
        "resourc*", "headcount", "hire", "hiring", "oversee", "approv*", "make a call",
        "agenda", "assign*", "deadline*", "budget for the team",
    ),
    "mentoring": (
        "mentor*", "coach*", "teach*", "learn*", "onboard*", "junior*", "guidance",
        "advice", "grow", "growth", "train*", "show them", "new hire*", "feedback",
    ),
    "strategy": (
        "strateg*", "roadmap*", "vision", "long-term", "long term", "plan", "planning", "q1",
        "q2", "q3", "q4", "direction", "competit*", "market*", "positioning", "invest*",
        "initiative*", "okr*", "bet", "next year", "trade-off*", "tradeoff*",
    ),
    "operations": (
        "operation*", "ops", "deploy*", "infrastructure", "uptime", "incident*",
        "support ticket*", "tickets", "sync", "reliab*", "scal*", "maintenance", "on-call",
        "outage*", "monitor*", "capacity", "ship", "shipped", "release*", "support",
    ),
    "small talk": (
        "weather", "weekend", "how are you", "how's it going", "vacation", "holiday*",
        "traffic", "family", "kids", "hobby", "trip", "lunch", "doing well", "good morning",
        "long week", "coffee", "rain*", "sunny",
    ),
    "niceties": (
        "thanks", "thank you", "thank", "appreciate*", "great to meet", "nice to meet",
        "pleasure", "welcome", "happy to help", "take care", "good to see", "glad",
        "cheers", "no problem", "of course", "bye", "happy to be here", "thank-you",
        "for your time", "for joining", "making time",
    ),
}  # fmt: skip
_PATTERNS: dict[str, re.Pattern[str]] = {
    topic: compile_cues(cues) for topic, cues in _TOPIC_CUES.items()
}
_FIRST_PERSON = frozenset({"i", "my", "me", "we", "our"})
# How fast a neighbour's vote fades with distance, per level.
LEVEL_1_DECAY = 0.45
LEVEL_3_DECAY = 0.8
_DEFAULT_CONFIDENCE = 0.2


@lru_cache(maxsize=4096)
def topic_votes(text: str) -> tuple[int, ...]:
    """Cue counts of one utterance, one per topic in TOPICS order."""
    normal = normalise(text)
    return tuple(count_cues(_PATTERNS[topic], normal) for topic in TOPICS)


def classify_topic(window: ContextWindow, decay: float) -> Judgement:
    scores = [0.0] * len(TOPICS)
    distances = [*range(len(window.before), 0, -1), 0, *range(1, len(window.after) + 1)]
    for utterance, distance in zip(window.utterances, distances, strict=True):
        weight = decay**distance
        for k, votes in enumerate(topic_votes(utterance.text)):
            scores[k] += weight * votes
    # Ties go to the earlier label in TOPICS: sorted() is stable, so the order is deterministic.
    ranked = sorted(range(len(TOPICS)), key=lambda k: -scores[k])
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    if best == 0.0:
        return _default_topic(window)
    margin = (best - runner_up) / best
    evidence = min(1.0, best / 2.0)
    confidence = 0.3 + 0.35 * margin + 0.25 * evidence
    return Judgement(TOPICS[ranked[0]], round(min(0.9, confidence), 2))


def _default_topic(window: ContextWindow) -> Judgement:
    """No cue anywhere: a first-person sentence most likely recounts an experience."""
    first_person = _FIRST_PERSON.intersection(words(window.target.text))
    return Judgement("experiences" if first_person else "observations", _DEFAULT_CONFIDENCE)
