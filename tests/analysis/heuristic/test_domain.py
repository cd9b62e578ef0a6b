import pytest

from analysis.heuristic.domain import match_domain_keywords
from events.dimensions import DEFAULT_DOMAIN_KEYWORDS

KEYWORDS = tuple(DEFAULT_DOMAIN_KEYWORDS)


def found(text: str, keywords: tuple[str, ...] = KEYWORDS) -> list[str]:
    return match_domain_keywords(text, keywords).value


def test_exact_mentions_are_spelled_as_in_the_list_in_order_of_mention():
    judgement = match_domain_keywords("We moved CI/CD to GitHub and Jira.", KEYWORDS)
    assert judgement.value == ["CI/CD", "GitHub", "Jira"]
    assert judgement.confidence == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("our cicd pipeline", ["CI/CD"]),
        ("the CI CD setup", ["CI/CD"]),
        ("the daily standup", ["Stand-up"]),
        ("two stand ups a day", ["Stand-up"]),
        ("we wrote user stories", ["User Story"]),
        ("the KPIs went up", ["KPI"]),
        ("sprints are long", ["Sprint"]),
        ("a UI/UX review", ["UX/UI"]),
    ],
)
def test_variants_match_with_less_confidence(text, expected):
    judgement = match_domain_keywords(text, KEYWORDS)
    assert judgement.value == expected
    assert judgement.confidence < 1.0


def test_words_inside_longer_words_do_not_match():
    judgement = match_domain_keywords("Check the Dockerfile and the epicentre.", KEYWORDS)
    assert judgement.value == []
    assert judgement.confidence < match_domain_keywords("Nothing here.", KEYWORDS).confidence


def test_another_case_is_a_little_less_sure_than_the_lists_spelling():
    assert match_domain_keywords("that was epic", KEYWORDS).confidence < 1.0


def test_only_the_projects_list_counts_and_at_most_six():
    assert found("We use Docker.", ("Kubernetes",)) == []
    text = "Agile Scrum Kanban Backlog Sprint Epic Roadmap MVP"
    assert found(text) == ["Agile", "Scrum", "Kanban", "Backlog", "Sprint", "Epic"]
