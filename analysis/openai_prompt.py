"""What the `openai` analyzer says to the model and how it reads the reply
(docs/architecture.md, Dimensions).

Leniencies — each harmless, each applied before `validate_analysis` sees the answer:
- a label that differs from an allowed one only in case or spacing ("Pain  Points") is read as
  that label ("pain points");
- keyword lists longer than six keep their first six (models overshoot; order is their ranking);
- an answer wrapped in a Markdown code fence is unwrapped (local servers without JSON mode do it);
- a confidence that is missing, not a number or outside [0, 1] is left out, never invented or
  clamped (85 may mean 0.85 or nothing).
Anything else outside the sets (an unknown label, a domain keyword not on the project's list) is
unusable: the caller re-asks, quoting the problem back to the model.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from analysis.port import Analysis, AnalysisRequest, validate_analysis
from events.dimensions import DIMENSIONS, MAX_KEYWORDS, Dimension, InvalidDimensionValue

# Bump whenever SYSTEM_PROMPT, the user message layout or the leniencies change: the version is
# recorded with every analysis so results from different prompts are never mistaken for each other.
PROMPT_VERSION = "2026-11-27.1"

# The line of the system prompt that carries the project's list, as JSON so that keywords with
# commas or slashes ("CI/CD", "UX/UI") stay unambiguous. The fake server reads it back.
DOMAIN_LIST_HEADING = "Project domain keywords (JSON):"

_GUIDANCE: dict[Dimension, str] = {
    Dimension.FUNCTION_TYPE: "the grammatical sentence type",
    Dimension.STRUCTURE_TYPE: (
        "clause structure: simple = one independent clause; compound = two or more independent"
        " clauses; complex = one independent clause and at least one dependent clause;"
        " compound-complex = both"
    ),
    Dimension.PURPOSE: "what the speaker does with the sentence in the conversation",
    Dimension.TOPIC_LEVEL_1: "the topic of the immediate exchange",
    Dimension.TOPIC_LEVEL_3: "the topic of the wider passage",
    Dimension.OVERALL_KEYWORDS: "short lower-case key phrases saying what the passage is about",
    Dimension.DOMAIN_KEYWORDS: (
        "entries of the project's domain keyword list that the target sentence mentions or"
        " clearly refers to, spelled exactly as in the list; [] if none"
    ),
}


def _describe(dimension: Dimension) -> str:
    spec = DIMENSIONS[dimension]
    if spec.labels is not None:
        allowed = "exactly one of: " + ", ".join(spec.labels)
    else:
        allowed = f"a JSON list of at most {MAX_KEYWORDS} strings"
    seen = (
        "the target sentence alone"
        if spec.context == 0
        else f"the target and up to {spec.context} sentence{'s' * (spec.context > 1)} either side"
    )
    return f"- {dimension.value}: {_GUIDANCE[dimension]}. Value: {allowed}. Judge from {seen}."


SYSTEM_PROMPT = "\n".join(
    [
        "You label one sentence (the target) of an interview transcript on seven dimensions.",
        "",
        "Dimensions:",
        *(_describe(d) for d in DIMENSIONS),
        "",
        "Reply with one JSON object and nothing else, in this shape:",
        '{"values": {"<dimension>": <value>, ...},'
        ' "confidence": {"<dimension>": <number from 0 to 1>, ...}}',
        "Give every dimension exactly once, spelling labels exactly as listed. A confidence says",
        "how sure you are of that value: 0 is a guess, 1 is certain.",
        "",
        "The user message holds context windows, one utterance per line, the target marked",
        ">>> like this <<<. Each window names the dimensions it is for; judge a dimension only",
        "from its own window.",
    ]
)


def system_prompt(domain_keywords: Sequence[str]) -> str:
    # The instructions come first and the list last, so every request of a project shares one
    # long identical prefix that providers can cache.
    return f"{SYSTEM_PROMPT}\n\n{DOMAIN_LIST_HEADING} {json.dumps(list(domain_keywords))}"


def user_message(request: AnalysisRequest) -> str:
    """Each distinct window once, headed by the dimensions that may use it.

    Windows are nested, so sending only the widest would be shorter — but a model cannot be
    trusted to count ±N lines itself; an explicit window per neighbourhood keeps each dimension
    to its context (docs/architecture.md, Dimensions). Near the edges of an interview windows
    coincide and merge.
    """
    windows: dict[str, list[str]] = {}  # rendered window -> the dimensions it is for
    for dimension in DIMENSIONS:
        windows.setdefault(request.window(dimension).render(), []).append(dimension.value)
    return "\n\n".join(
        f"Window for {', '.join(names)}:\n{rendered}" for rendered, names in windows.items()
    )


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def _lenient(values: Mapping[str, Any]) -> dict[str, Any]:
    """The harmless leniencies of the module docstring; everything else is left to validation."""
    fixed = dict(values)
    for dimension, spec in DIMENSIONS.items():
        value = fixed.get(dimension.value)
        if spec.labels is not None and isinstance(value, str):
            canonical = {_squash(label): label for label in spec.labels}
            fixed[dimension.value] = canonical.get(_squash(value), value)
        elif spec.multi and isinstance(value, list):
            fixed[dimension.value] = value[:MAX_KEYWORDS]
    return fixed


def _confidences(raw: object, dimensions: Sequence[str]) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        return {}
    found = {name: raw.get(name) for name in dimensions}
    return {
        name: float(value)
        for name, value in found.items()
        # bool is an int, and NaN fails every comparison: both are left out.
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    }


def _unfence(content: str) -> str:
    text = content.strip()
    if text.startswith("```") and text.endswith("```"):
        text = text[3:-3]
        return text.removeprefix("json").strip()
    return text


class UnusableAnswer(ValueError):
    """The model's reply cannot be used; `problem` says why, to quote back when re-asking."""

    def __init__(self, problem: str, answer: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.answer = answer


def parse_answer(content: str, request: AnalysisRequest) -> Analysis:
    """The model's reply as a validated Analysis; UnusableAnswer if it cannot be used."""

    def unusable(problem: str) -> UnusableAnswer:
        return UnusableAnswer(problem, content)

    try:
        answer = json.loads(_unfence(content))
    except ValueError:
        raise unusable("the reply is not valid JSON") from None
    values = answer.get("values") if isinstance(answer, dict) else None
    if not isinstance(values, dict):
        raise unusable('the reply has no "values" object')
    try:
        valid = validate_analysis(_lenient(values), request.domain_keywords)
    except InvalidDimensionValue as e:
        raise unusable(str(e)) from None
    return Analysis(values=valid, confidence=_confidences(answer.get("confidence"), list(valid)))
