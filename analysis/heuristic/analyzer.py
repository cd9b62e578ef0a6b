"""The `heuristic` backend: rule-based NLP for all seven dimensions, offline and deterministic.

Each dimension has its own module; this one only routes each dimension to its rule with the
context window docs/architecture.md, Dimensions allows, and validates the result against the port's
contract.
"""

from collections.abc import Sequence

from analysis.heuristic.domain import match_domain_keywords
from analysis.heuristic.function_type import classify_function_type
from analysis.heuristic.judgement import Judgement
from analysis.heuristic.keywords import extract_keywords
from analysis.heuristic.purpose import classify_purpose
from analysis.heuristic.structure import classify_structure
from analysis.heuristic.topics import LEVEL_1_DECAY, LEVEL_3_DECAY, classify_topic
from analysis.port import Analysis, AnalysisRequest, Analyzer, validate_analysis
from events.dimensions import Dimension


class HeuristicAnalyzer(Analyzer):
    name = "heuristic"
    model = "rules"
    model_version = "1"  # bump whenever a rule or lexicon changes: results may differ
    prompt_version = "n/a"

    def analyze(self, requests: Sequence[AnalysisRequest]) -> list[Analysis]:
        return [self._analyze_one(request) for request in requests]

    def _analyze_one(self, request: AnalysisRequest) -> Analysis:
        judgements: dict[Dimension, Judgement] = {
            Dimension.FUNCTION_TYPE: classify_function_type(request.text),
            Dimension.STRUCTURE_TYPE: classify_structure(request.text),
            Dimension.PURPOSE: classify_purpose(request.window(Dimension.PURPOSE)),
            Dimension.TOPIC_LEVEL_1: classify_topic(
                request.window(Dimension.TOPIC_LEVEL_1), LEVEL_1_DECAY
            ),
            Dimension.TOPIC_LEVEL_3: classify_topic(
                request.window(Dimension.TOPIC_LEVEL_3), LEVEL_3_DECAY
            ),
            Dimension.OVERALL_KEYWORDS: extract_keywords(
                request.window(Dimension.OVERALL_KEYWORDS)
            ),
            Dimension.DOMAIN_KEYWORDS: match_domain_keywords(request.text, request.domain_keywords),
        }
        values = validate_analysis(
            {d.value: j.value for d, j in judgements.items()}, request.domain_keywords
        )
        return Analysis(
            values=values, confidence={d.value: j.confidence for d, j in judgements.items()}
        )
