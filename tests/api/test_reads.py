import base64

import pytest

pytestmark = pytest.mark.django_db


def test_a_member_lists_interviews_with_counters(ingested):
    [interview] = ingested["viewer"].get("/api/v1/interviews/").json()
    assert interview["id"] == str(ingested["interview_id"])
    assert interview["status"] == "analyzed"
    assert interview["sentence_count"] == interview["analyzed_count"] == ingested["sentences"]


def test_an_outsider_sees_no_interview_and_gets_404_for_one(ingested):
    assert ingested["outsider"].get("/api/v1/interviews/").json() == []
    path = f"/api/v1/interviews/{ingested['interview_id']}/"
    assert ingested["outsider"].get(path).status_code == 404
    assert ingested["outsider"].get(path + "sentences/").status_code == 404


def test_sentences_come_in_order_in_cursor_pages(ingested):
    path = f"/api/v1/interviews/{ingested['interview_id']}/sentences/?page_size=30"
    indexes: list[int] = []
    while path:
        page = ingested["viewer"].get(path).json()
        indexes += [s["index"] for s in page["results"]]
        path = page["next"]
    assert indexes == list(range(ingested["sentences"]))


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("speaker=Priya%20Nandan", lambda s: s["speaker"] == "Priya Nandan"),
        (
            "function_type=interrogative",
            lambda s: s["effective"]["function_type"] == "interrogative",
        ),
        ("reviewed=false", lambda s: not s["reviewed"]),
        ("q=sprint", lambda s: "sprint" in s["text"].lower()),
        ("confidence_below=0.5", lambda s: s["min_confidence"] < 0.5),
    ],
)
def test_sentence_filters_keep_only_matching_sentences(ingested, query, check):
    path = f"/api/v1/interviews/{ingested['interview_id']}/sentences/?page_size=500&{query}"
    results = ingested["viewer"].get(path).json()["results"]
    assert results, f"the sample has sentences for {query}"
    assert all(check(s) for s in results)


@pytest.mark.parametrize(
    ("query", "field"),
    [("reviewed=maybe", "reviewed"), ("confidence_below=low", "confidence_below")],
)
def test_a_malformed_filter_is_a_400_naming_the_field(ingested, query, field):
    path = f"/api/v1/interviews/{ingested['interview_id']}/sentences/?{query}"
    response = ingested["viewer"].get(path)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_sentence_answers_with_its_version_as_etag(ingested):
    path = f"/api/v1/interviews/{ingested['interview_id']}/sentences/?page_size=1"
    first = ingested["viewer"].get(path).json()["results"][0]
    response = ingested["viewer"].get(f"/api/v1/sentences/{first['id']}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{first["version"]}"'
    assert ingested["outsider"].get(f"/api/v1/sentences/{first['id']}/").status_code == 404


# Found by the schemathesis run (tests/api/test_schema_fuzz.py) and its review.


@pytest.mark.parametrize("name", ["speaker", "function_type", "q"])
def test_a_nul_character_in_a_text_filter_is_a_400_naming_the_field(ingested, name):
    # PostgreSQL refuses NUL in a text parameter: this was a DataError, a 500.
    path = f"/api/v1/interviews/{ingested['interview_id']}/sentences/"
    response = ingested["viewer"].get(path, {name: "Priya\x00"})
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_a_nul_character_in_the_interview_status_filter_is_a_400(ingested):
    response = ingested["viewer"].get("/api/v1/interviews/", {"status": "analyzed\x00"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize("position", ["abc", ""])
def test_a_cursor_whose_position_is_no_index_is_a_404_invalid_cursor(ingested, position):
    # DRF put the cursor's position into the index filter as it found it: a ValueError, a 500.
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    path = f"/api/v1/interviews/{ingested['interview_id']}/sentences/"
    response = ingested["viewer"].get(path, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid cursor"
