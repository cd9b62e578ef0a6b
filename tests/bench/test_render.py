"""docs/benchmarks.md as bench.render writes it from a small fixture of the bench's JSON files.

The page is parsed back (headings, Markdown tables) and its figures are checked against the
fixture's, ratios recomputed here from the two figures they compare.
"""

import copy
import json
from pathlib import Path

import pytest

from bench import render

HERE = Path(__file__).parent
LATEST = json.loads((HERE / "latest_fixture.json").read_text())
LOAD = json.loads((HERE / "load_fixture.json").read_text())


def sections(page: str) -> dict[str, str]:
    """Heading text -> the text under it, up to the next heading of any level."""
    found: dict[str, str] = {}
    heading = None
    for line in page.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            found[heading] = ""
        elif heading is not None:
            found[heading] += line + "\n"
    return found


def table(text: str) -> list[dict[str, str]]:
    """The first Markdown table in `text`, as one dict per row keyed by the column heads."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    head, rule, *rows = ([cell.strip() for cell in line.strip("|").split(" | ")] for line in lines)
    assert all(set(cell) <= set("-:") for cell in rule), rule
    assert all(len(row) == len(head) for row in rows), rows
    return [dict(zip(head, row, strict=True)) for row in rows]


def fields(text: str) -> dict[str, str]:
    """The machine section's two-column table as a dict."""
    return {row["item"]: row["value"] for row in table(text)}


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}"


@pytest.fixture
def page() -> dict[str, str]:
    return sections(render.render(LATEST, LOAD))


def test_it_writes_every_section_in_order():
    headings = list(sections(render.render(LATEST, LOAD)))

    assert headings == [
        "Benchmarks",
        "Machine",
        "Append throughput",
        "Replay throughput",
        "Relational read model (SQLite, PostgreSQL)",
        "Graph read model (Neo4j): batched vs event by event",
        "Command-to-visible latency",
        "Pipeline throughput",
        "Heuristic analyzer: pipeline vs analyzer alone",
        "OpenAI-compatible backend against the fake server",
        "Load test",
        "Per endpoint",
        "Projection lag under load",
        "Verification after the run",
    ]


def test_the_machine_section_names_hardware_versions_load_and_commit(page):
    machine = fields(page["Machine"])

    assert machine["CPU"] == "Fixture CPU 9000, 2 cores"
    assert machine["RAM"] == "23.5 GiB"
    assert machine["OS"] == "Linux-fixture"
    assert machine["Python"] == "3.11.7 (Django 5.2.19)"
    assert machine["SQLite"].startswith("3.40.1 (journal_mode wal")
    assert machine["PostgreSQL"].startswith("15.18 (fsync on, synchronous_commit on)")
    assert machine["Neo4j"] == "Neo4j/5.26.0"
    assert machine["load average (1, 5, 15 min)"] == (
        "0.31, 0.92, 1.12 at the start, 2.50, 2.25, 1.75 at the end"
    )
    assert machine["date"] == "2026-11-27T09:06:16+00:00"
    assert machine["commit"] == "`cbe63610a1b2` with uncommitted changes"
    assert machine["mode"] == "full"
    assert machine["duration"] == (
        "792 s (append 120 s, pipeline 30 s, projections 190 s, graph 451 s)"
    )


def test_append_rows_show_both_figures_and_store_over_baseline(page):
    rows = table(page["Append throughput"])

    assert [(r["database"], r["scenario"]) for r in rows] == [
        ("sqlite", "single appends (1 event, 100 streams)"),
        ("postgresql", "batches (100 events/append)"),
    ]
    assert rows[0]["store events/s"] == "1,500"
    assert rows[0]["baseline events/s"] == "2,000"
    assert rows[0]["store / baseline"] == "0.75"  # not the inverse, 1.33
    assert rows[0]["store p50 / p99 ms"] == "0.61 / 1.93"
    assert rows[1]["store / baseline"] == ratio(9876.5, 12345.6)
    assert rows[1]["baseline p50 / p99 ms"] == "7.75 / 11.00"


def test_each_table_is_explained_by_the_docstrings_in_the_json(page):
    assert "APPEND-DOCSTRING" in page["Append throughput"]
    assert "BASELINE-DOCSTRING" in page["Append throughput"]
    assert "2,000 appends over 100 streams" in page["Append throughput"]
    relational = page["Relational read model (SQLite, PostgreSQL)"]
    assert "PROJECTIONS-INTRO" in relational
    assert "REPLAY-TEXT" in relational
    assert "BASELINE-TEXT" in relational
    assert "LATENCY-TEXT" not in relational
    latency = page["Command-to-visible latency"]
    assert "LATENCY-TEXT from before handle()\n  until the row shows it." in latency
    assert "REPLAY-TEXT" not in latency
    assert "GRAPH-DOCSTRING" in page["Graph read model (Neo4j): batched vs event by event"]
    assert "PIPELINE-DOCSTRING" in page["Pipeline throughput"]


def test_relational_replay_is_set_against_its_bulk_insert_baseline(page):
    rows = table(page["Relational read model (SQLite, PostgreSQL)"])

    assert [r["database"] for r in rows] == ["sqlite", "postgresql"]
    assert rows[0]["events"] == "104,907"
    assert rows[0]["replay events/s"] == "3,064"
    assert rows[0]["baseline events/s"] == "21,180"
    assert rows[0]["replay / baseline"] == ratio(3063.9, 21179.7) == "0.14"
    assert rows[1]["replay / baseline"] == ratio(2715.6, 13252.0)
    assert rows[1]["replay runs"] == "2"


def test_the_graph_speed_up_compares_times_to_the_same_position(page):
    (row,) = table(page["Graph read model (Neo4j): batched vs event by event"])

    assert row["batched events/s"] == "1,432"
    assert row["event-by-event events/s"] == "33"
    assert row["compared over events"] == "20,000 (a prefix)"
    # 600.5 s event by event against 12.0 s batched for the same 20,000 events — not the
    # events/s of the whole batched run (1431.5 / 33.3 = 42.99).
    assert row["batched speed-up"] == "50.04x"
    assert row["graph digests"] == "not compared (prefix only)"


def test_latency_rows_show_p50_and_p99(page):
    rows = table(page["Command-to-visible latency"])

    assert rows[0]["database"] == "sqlite"
    assert (rows[0]["visible p50 ms"], rows[0]["visible p99 ms"]) == ("20.9", "36.1")
    assert (rows[1]["visible p50 ms"], rows[1]["visible p99 ms"]) == ("42.4", "80.8")
    assert rows[1]["handle() p50 ms"] == "12.8"
    assert rows[1]["projection lag p99 ms"] == "63.8"


def test_pipeline_tables_compare_with_the_analyzer_alone_and_concurrency_1(page):
    (heuristic,) = table(page["Heuristic analyzer: pipeline vs analyzer alone"])
    openai = table(page["OpenAI-compatible backend against the fake server"])

    assert heuristic["pipeline sentences/s"] == "300"
    assert heuristic["analyzer alone sentences/s"] == "400"
    assert heuristic["pipeline / analyzer"] == "0.75"
    assert heuristic["runs"] == "3"
    assert [r["concurrency"] for r in openai] == ["1", "10"]
    assert openai[0]["vs concurrency 1"] == "1.00x"
    assert openai[1]["vs concurrency 1"] == ratio(44.4, 4.8) + "x" == "9.25x"
    assert openai[1]["max in flight"] == "10"


def test_the_load_test_figures_come_from_load_json(page):
    load = page["Load test"]
    (overview,) = table(load)
    endpoints = table(page["Per endpoint"])
    (lag,) = table(page["Projection lag under load"])
    (verification,) = table(page["Verification after the run"])

    assert "run of 2026-11-28T10:00:00+00:00" in load
    assert "16 clients for 60 s on postgresql" in load
    assert overview == {
        "requests": "12,000",
        "requests/s": "200.0",
        "HTTP 202": "11,400",
        "HTTP 412": "600",
        "412 rate (of writes)": "5.0 %",
    }
    assert endpoints[1] == {
        "endpoint": "override",
        "requests": "5,000",
        "requests/s": "83.3",
        "p50 ms": "41.0",
        "p99 ms": "150.8",
    }
    assert lag == {"samples": "1,200", "p50 ms": "55.5", "p99 ms": "310.0"}
    assert verification["lost updates"] == "0"
    assert verification["read model live vs replayed"] == "equal"
    assert verification["passed"] == "yes"


def test_a_missing_load_json_says_not_measured(tmp_path):
    latest = tmp_path / "latest.json"
    latest.write_text(json.dumps(LATEST))
    output = tmp_path / "docs" / "benchmarks.md"

    render.write(latest, tmp_path / "load.json", output)

    load = sections(output.read_text())["Load test"]
    assert load.strip().startswith("not measured: run make load")
    assert "|" not in load


def test_the_command_line_renders_from_the_files_it_is_given(tmp_path, capsys):
    latest, load = tmp_path / "latest.json", tmp_path / "load.json"
    latest.write_text(json.dumps(LATEST))
    load.write_text(json.dumps({**LOAD, "machine": {"cpu_model": "x", "cpu_cores": 2}}))
    output = tmp_path / "benchmarks.md"

    render.main(["--latest", str(latest), "--load", str(load), "--output", str(output)])

    text = output.read_text()
    # No date in this load.json: the file's time names the run instead.
    assert "file modified 20" in sections(text)["Load test"]
    assert table(sections(text)["Append throughput"])[0]["store / baseline"] == "0.75"
    assert "benchmarks.md written" in capsys.readouterr().out


def test_a_quick_run_is_labelled_as_such():
    quick = render.render({**LATEST, "mode": "quick"}, None)
    full = render.render(LATEST, None)

    assert "QUICK MODE" in sections(quick)["Benchmarks"]
    machine = fields(sections(quick)["Machine"])
    assert machine["mode"].startswith("**quick**")
    assert "QUICK" not in full


def test_a_run_without_neo4j_says_the_graph_was_not_measured():
    latest = copy.deepcopy(LATEST)
    del latest["graph"]

    page = sections(render.render(latest, None))

    graph = page["Graph read model (Neo4j): batched vs event by event"]
    assert graph.strip() == "not measured: NEO4J_BOLT_URL was not set for this run."
    machine = fields(page["Machine"])
    assert machine["Neo4j"].startswith("not measured")
