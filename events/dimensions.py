"""The seven analysis dimensions and their allowed values (docs/architecture.md, Dimensions).

They live here, beside the event catalogue, because event payloads are validated against them and
`events` imports nothing else of ours.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

FUNCTION_TYPES = ("declarative", "interrogative", "imperative", "exclamatory")
STRUCTURE_TYPES = ("simple", "compound", "complex", "compound-complex")
PURPOSES = (
    "Statement", "Query", "Exclamation", "Answer", "Commentary", "Observation", "Retraction",
    "Mockery", "Objection", "Clarification", "Conclusion", "Confession", "Speculation",
    "Recitation", "Correction", "Explanation", "Qualification", "Threat", "Warning", "Advisory",
    "Request", "Addendum", "Musing", "Amendment",
)  # fmt: skip
TOPICS = (
    "goals", "tools", "processes", "experiences", "observations", "pain points",
    "responsibilities", "collaborations", "reporting", "managing", "mentoring", "strategy",
    "operations", "small talk", "niceties",
)  # fmt: skip
DEFAULT_DOMAIN_KEYWORDS = (
    "Agile", "Scrum", "Kanban", "Backlog", "Retrospective", "Stand-up", "Sprint", "Epic",
    "User Story", "Roadmap", "MVP", "CI/CD", "DevOps", "Cloud", "AWS", "Azure", "Microservices",
    "Docker", "Kubernetes", "UX/UI", "Persona", "Journey Map", "Wireframe", "Prototype", "Figma",
    "OKR", "KPI", "Metrics", "Analytics", "Salesforce", "CRM", "ERP", "SAP", "Jira", "Confluence",
    "GitHub", "GitLab", "Bitbucket", "OpenAI", "GPT", "LLM", "Transformer", "Embedding", "Vector",
    "Clustering",
)  # fmt: skip
MAX_KEYWORDS = 6
MAX_KEYWORD_LENGTH = 80


class Dimension(StrEnum):
    FUNCTION_TYPE = "function_type"
    STRUCTURE_TYPE = "structure_type"
    PURPOSE = "purpose"
    TOPIC_LEVEL_1 = "topic_level_1"
    TOPIC_LEVEL_3 = "topic_level_3"
    OVERALL_KEYWORDS = "overall_keywords"
    DOMAIN_KEYWORDS = "domain_keywords"


@dataclass(frozen=True)
class DimensionSpec:
    name: Dimension
    labels: tuple[str, ...] | None  # None: free keywords
    multi: bool  # True: a list of up to MAX_KEYWORDS values
    context: int  # neighbours on each side the analyzer sees


DIMENSIONS: dict[Dimension, DimensionSpec] = {
    spec.name: spec
    for spec in (
        DimensionSpec(Dimension.FUNCTION_TYPE, FUNCTION_TYPES, multi=False, context=0),
        DimensionSpec(Dimension.STRUCTURE_TYPE, STRUCTURE_TYPES, multi=False, context=0),
        # One neighbour each side: an Answer, a Clarification or an Addendum is only one in
        # relation to what was said just before.
        DimensionSpec(Dimension.PURPOSE, PURPOSES, multi=False, context=1),
        DimensionSpec(Dimension.TOPIC_LEVEL_1, TOPICS, multi=False, context=2),
        DimensionSpec(Dimension.TOPIC_LEVEL_3, TOPICS, multi=False, context=6),
        DimensionSpec(Dimension.OVERALL_KEYWORDS, None, multi=True, context=10),
        # Allowed values come from the project's list; see validate_value(domain_keywords=...).
        DimensionSpec(Dimension.DOMAIN_KEYWORDS, None, multi=True, context=0),
    )
}
# The single-valued dimensions (one label each), in catalogue order: what a reader filters by.
SINGLE_LABELS = tuple(d.value for d, spec in DIMENSIONS.items() if not spec.multi)

DimensionValue = str | list[str]


class InvalidDimensionValue(ValueError):
    """A dimension name or value outside the label sets of docs/architecture.md, Dimensions."""


def parse_dimension(name: str) -> Dimension:
    try:
        return Dimension(name)
    except ValueError:
        allowed = ", ".join(d.value for d in Dimension)
        raise InvalidDimensionValue(f"unknown dimension {name!r} (allowed: {allowed})") from None


def normalise_keyword(raw: str) -> str:
    """A keyword single-spaced and trimmed; InvalidDimensionValue if blank or too long."""
    keyword = " ".join(raw.split())
    if not keyword:
        raise InvalidDimensionValue("a keyword must not be blank")
    if len(keyword) > MAX_KEYWORD_LENGTH:
        raise InvalidDimensionValue(f"a keyword is longer than {MAX_KEYWORD_LENGTH} characters")
    return keyword


def validate_value(
    name: str, value: object, *, domain_keywords: Iterable[str] | None = None
) -> DimensionValue:
    """Return the normalised value of dimension `name`, or raise InvalidDimensionValue.

    Free keywords are stripped, lower-cased and de-duplicated; domain keywords are matched
    case-insensitively against `domain_keywords` (when given) and returned in the list's spelling.
    """
    spec = DIMENSIONS[parse_dimension(name)]
    if not spec.multi:
        if value not in spec.labels:  # type: ignore[operator]
            raise InvalidDimensionValue(
                f"{value!r} is not a valid {spec.name.value} (allowed: {', '.join(spec.labels)})"
            )
        return value  # type: ignore[return-value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidDimensionValue(f"{spec.name.value} must be a list of strings")
    allowed = {k.lower(): k for k in domain_keywords} if domain_keywords is not None else None
    cleaned: list[str] = []
    for raw in value:
        keyword = normalise_keyword(raw)
        if spec.name is Dimension.OVERALL_KEYWORDS:
            keyword = keyword.lower()
        elif allowed is not None:
            if keyword.lower() not in allowed:
                raise InvalidDimensionValue(
                    f"{keyword!r} is not in the project's domain keyword list"
                )
            keyword = allowed[keyword.lower()]
        if keyword not in cleaned:
            cleaned.append(keyword)
    if len(cleaned) > MAX_KEYWORDS:
        raise InvalidDimensionValue(f"{spec.name.value} allows at most {MAX_KEYWORDS} keywords")
    return cleaned
