"""The Explore page (/projects/<slug>/explore/): the graph's questions for viewers and up, on
the hand-built graph of test_queries."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from tests.graph.test_queries import cast, graph  # noqa: F401 (fixtures, reused)

pytestmark = pytest.mark.django_db

PAGE = "/projects/ours/explore/"


def browser_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_viewer_finds_the_pain_points_that_mention_jira(graph, cast):  # noqa: F811
    page = browser_of(cast["viewer"]).get(PAGE, {"topic": "pain points", "domain_keyword": "Jira"})
    assert page.status_code == 200
    html = page.content.decode()
    results = html.split('id="explore-results"')[1].split("</table>")[0]
    assert "2 sentences matching domain keyword “Jira” and topic “pain points”" in html
    assert results.index("Jira tickets pile up") < results.index("Our Jira board is a mess.")
    assert f'href="/interviews/{graph["Alpha"]}/"' in results
    assert "Jira is painful." not in results  # archived
    assert "Jira everywhere" not in html  # the other project's


def test_the_page_shows_topic_pairs_and_shared_keywords(graph, cast):  # noqa: F811
    html = browser_of(cast["viewer"]).get(PAGE).content.decode()
    pairs = html.split('id="explore-pairs"')[1].split("</table>")[0]
    assert "<td>pain points</td><td>processes</td><td>2</td>" in pairs
    shared = html.split('id="explore-shared-1"')[1].split("</table>")[0]
    assert "<td>Jira</td><td>2</td><td>3</td>" in shared
    keywords = html.split('id="explore-shared-2"')[1].split("</table>")[0]
    assert "<td>Tickets</td><td>2</td><td>2</td>" in keywords
    level_3 = browser_of(cast["viewer"]).get(PAGE, {"level": "3"}).content.decode()
    assert "<td>strategy</td><td>tools</td><td>1</td>" in level_3


def test_every_control_has_a_label_and_offers_the_projects_names(graph, cast):  # noqa: F811
    html = browser_of(cast["viewer"]).get(PAGE, {"purpose": "Query"}).content.decode()
    for name in ("keyword", "domain_keyword", "topic", "purpose", "function_type", "level"):
        assert f'<label for="explore-{name}">' in html
        assert f'id="explore-{name}"' in html
    assert '<option value="Query" selected>Query</option>' in html
    assert '<option value="strategy">strategy</option>' in html
    assert '<option value="Sprint">' in html  # a domain keyword suggested
    assert "Choose at least one filter" not in html


def test_without_a_filter_the_page_asks_for_one(graph, cast):  # noqa: F811
    html = browser_of(cast["viewer"]).get(PAGE).content.decode()
    assert "Choose at least one filter" in html
    assert 'id="explore-results"' not in html


@pytest.mark.parametrize("query", [{"keyword": "ji\x00ra"}, {"topic": "tools", "level": "2"}])
def test_a_malformed_parameter_is_shown_as_a_field_error(query, graph, cast):  # noqa: F811
    page = browser_of(cast["viewer"]).get(PAGE, query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-invalid="true"' in html
    assert '<p id="explore-' in html  # the message, next to its control
    assert 'id="explore-results"' not in html


def test_an_outsider_gets_404_and_anonymous_goes_to_the_login(graph, cast):  # noqa: F811
    assert browser_of(cast["outsider"]).get(PAGE).status_code == 404
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_the_interviews_page_links_to_explore(cast):  # noqa: F811
    html = browser_of(cast["viewer"]).get("/projects/ours/").content.decode()
    assert f'href="{PAGE}"' in html


@override_settings(NEO4J_BOLT_URL="")
def test_without_the_graph_the_page_says_it_is_off(cast):  # noqa: F811
    page = browser_of(cast["viewer"]).get(PAGE, {"topic": "tools"})
    assert page.status_code == 503
    html = page.content.decode()
    assert "The graph is not available" in html
    assert "NEO4J_BOLT_URL is not set" in html
    assert '<label for="explore-topic">' in html  # the form is still there


@override_settings(NEO4J_BOLT_URL="bolt://127.0.0.1:1")
def test_an_unreachable_neo4j_is_a_message_not_a_crash(cast):  # noqa: F811
    page = browser_of(cast["viewer"]).get(PAGE, {"topic": "tools"})
    assert page.status_code == 503
    html = page.content.decode()
    assert "Neo4j does not answer right now" in html
    assert "127.0.0.1:1" not in html  # no server address on the page
