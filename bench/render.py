"""docs/benchmarks.md from the bench's JSON files, without measuring anything.

`python -m bench` renders it at the end of every run; `python -m bench.render` rewrites it from
bench/results/latest.json (the bench) and bench/results/load.json (`python -m loadtest`), e.g.
after a load test. The explanation above each table is the docstring of the module that
measured it (stored in the JSON), so the page says what the code does.

Ratios are computed here from the two figures shown beside them, not copied from the JSON:
every row reads consistently on its own.
"""

import argparse
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.databases import ROOT
from bench.modes import QUICK_NOTE
from bench.report import RESULTS

LOAD = RESULTS.parent / "load.json"
DOC = ROOT / "docs" / "benchmarks.md"
MISSING = "—"


def write(latest: Path = RESULTS, load: Path = LOAD, output: Path = DOC) -> Path:
    """Render `latest` (and `load` when it exists) into `output`; return `output`."""
    load_figures, modified = None, None
    if load.exists():
        load_figures = json.loads(load.read_text())
        # When the load test's JSON carries no date, the file's own time says which run it is.
        modified = datetime.fromtimestamp(load.stat().st_mtime, UTC).isoformat(timespec="seconds")
    text = render(json.loads(latest.read_text()), load_figures, _display(load), modified)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    return output


def render(
    latest: dict[str, Any],
    load: dict[str, Any] | None,
    load_source: str = "bench/results/load.json",
    load_modified: str | None = None,
) -> str:
    """The whole page; `load` is None when no load test has been run."""
    sections = [
        _header(latest),
        _machine(latest),
        _append(latest),
        "## Replay throughput",
        _measured(
            "### Relational read model (SQLite, PostgreSQL)", latest.get("projections"), _relational
        ),
        _measured(
            "### Graph read model (Neo4j): batched vs event by event",
            latest.get("graph"),
            _graph,
            missing="not measured: NEO4J_BOLT_URL was not set for this run.",
        ),
        _measured("## Command-to-visible latency", latest.get("projections"), _latency),
        _measured("## Pipeline throughput", latest.get("pipeline"), _pipeline),
        _load(load, load_source, load_modified),
    ]
    return "\n\n".join(s.strip() for s in sections) + "\n"


# --- sections ---------------------------------------------------------------------------------


def _header(doc: dict[str, Any]) -> str:
    quick = f"> **{QUICK_NOTE}.**\n\n" if doc.get("mode") == "quick" else ""
    return f"""# Benchmarks

{quick}Written by `make bench` (`python -m bench`), started {doc.get("date", MISSING)}.
`python -m bench.render` rewrites this page from `bench/results/latest.json` and
`bench/results/load.json` without measuring anything; do not edit it by hand.

The machine has few cores and is shared with other work (see the load average below), so
absolute figures move from run to run. Every table therefore sets its figure beside a baseline
measured in the same run on the same machine: compare the **ratios** across runs and machines,
not the absolute figures."""


def _machine(doc: dict[str, Any]) -> str:
    machine, versions = doc.get("machine", {}), doc.get("versions", {})
    settings = doc.get("database_settings", {})
    graph = doc.get("graph", {}).get("result", {})
    cores = f"{machine.get('cpu_cores', MISSING)} cores"
    if machine.get("cpu_cores_usable") not in (None, machine.get("cpu_cores")):
        cores += f" ({machine['cpu_cores_usable']} usable)"
    memory = machine.get("memory_gib")
    rows = [
        ("CPU", f"{machine.get('cpu_model', MISSING)}, {cores}"),
        ("RAM", MISSING if memory is None else f"{memory} GiB"),
        ("OS", machine.get("os", MISSING)),
        (
            "load average (1, 5, 15 min)",
            f"{_load_average(machine.get('load_average_start'))} at the start,"
            f" {_load_average(machine.get('load_average_end'))} at the end",
        ),
        ("Python", f"{versions.get('python', MISSING)} (Django {versions.get('django', MISSING)})"),
        ("SQLite", f"{versions.get('sqlite', MISSING)}{_settings(settings.get('sqlite'))}"),
        (
            "PostgreSQL",
            f"{versions.get('postgresql', MISSING)}{_settings(settings.get('postgresql'))};"
            f" psycopg {versions.get('psycopg', MISSING)}, libpq {versions.get('libpq', MISSING)}",
        ),
        ("Neo4j", graph.get("neo4j", "not measured (NEO4J_BOLT_URL was not set)")),
        ("date", doc.get("date", MISSING)),
        ("commit", _commit(doc.get("commit"))),
        ("mode", _mode(doc.get("mode"))),
        ("duration", _duration(doc)),
    ]
    return "## Machine\n\n" + _table(("item", "value"), rows, left=2)


def _append(doc: dict[str, Any]) -> str:
    counts = doc.get("counts", {})
    rows = []
    for r in doc.get("results", []):
        store, base = r["store"], r["baseline"]
        rows.append(
            (
                r["database"],
                r["description"],
                _num(store["events_per_s"]),
                _num(base["events_per_s"]),
                _ratio(store["events_per_s"], base["events_per_s"]),
                _percentiles(store["latency_ms"]),
                _percentiles(base["latency_ms"]),
            )
        )
    head = (
        "database",
        "scenario",
        "store events/s",
        "baseline events/s",
        "store / baseline",
        "store p50 / p99 ms",
        "baseline p50 / p99 ms",
    )
    workload = (
        f"Workload: single — {_num(counts.get('single_appends'))} appends over"
        f" {_num(counts.get('single_streams'))} streams; batch — {_num(counts.get('batches'))}"
        f" appends of {_num(counts.get('batch_size'))} events; concurrent —"
        f" {_num(counts.get('writers'))} processes x {_num(counts.get('writer_appends'))}"
        f" appends over {_num(counts.get('writer_streams'))} streams each; untimed warm-up of"
        f" {_num(counts.get('warmup_appends'))} appends / {_num(counts.get('warmup_batches'))}"
        f" batches. Repetitions: {doc.get('figures', MISSING)}. Ratio: store events/s divided by"
        " baseline events/s (1.00: the store's guarantees cost nothing extra)."
    )
    return "\n\n".join(
        [
            "## Append throughput",
            _prose(doc.get("description")),
            _prose(doc.get("baseline_description")),
            workload,
            _table(head, rows, left=2),
        ]
    )


def _measured(
    title: str,
    section: dict[str, Any] | None,
    body: Callable[[dict[str, Any]], list[str]],
    missing: str = "not measured",
) -> str:
    """A heading and the paragraphs `body` makes of its JSON section, or `missing` without it
    (a run without Neo4j, or a latest.json from before the section existed)."""
    return "\n\n".join([title, *(body(section) if section else [missing])])


def _relational(section: dict[str, Any]) -> list[str]:
    intro, bullets = _bullets(section.get("description"))
    explanation = "\n".join(
        [intro, "", *(_bullet(bullets, name) for name in ("replay", "baseline"))]
    )
    sizes = section.get("sizes", {})
    rows = [
        (
            r["database"],
            _num(r["events"]),
            _num(r["replay_events_per_s"]),
            str(len(r.get("runs_replay_s", []))),
            _num(r["read_log_events_per_s"]),
            _num(r["baseline_events_per_s"]),
            _ratio(r["replay_events_per_s"], r["baseline_events_per_s"]),
        )
        for r in section.get("results", [])
    ]
    head = (
        "database",
        "events",
        "replay events/s",
        "replay runs",
        "reading the log alone, events/s",
        "baseline events/s",
        "replay / baseline",
    )
    workload = (
        f"Workload: {_history(sizes)}; at most {_num(sizes.get('replays'))} replay runs"
        f" (within {_num(sizes.get('replay_budget_s'))} s), the baseline as often; medians"
        " shown. Ratio: replay events/s divided by baseline events/s (the share of replay time"
        " that is the unavoidable write of the result)."
    )
    return [explanation, workload, _table(head, rows)]


def _graph(section: dict[str, Any]) -> list[str]:
    r, sizes = section["result"], section.get("sizes", {})
    over = _num(r["per_event_events"]) + ("" if r["per_event_complete"] else " (a prefix)")
    digests = {True: "equal", False: "DIFFERENT", None: "not compared (prefix only)"}
    head = (
        "database",
        "events",
        "batched events/s",
        "event-by-event events/s",
        "compared over events",
        "batched speed-up",
        "graph digests",
    )
    row = (
        r["database"],
        _num(r["events"]),
        _num(r["batched_events_per_s"]),
        _num(r["per_event_events_per_s"]),
        over,
        # Time for the same events: the event-by-event run may have stopped at its budget.
        _ratio(r["per_event_s"], r["batched_same_events_s"], suffix="x"),
        digests[r.get("digests_equal")],
    )
    workload = (
        f"Workload: {_history(sizes)}; one run each; the event-by-event run's budget is"
        f" {_num(sizes.get('per_event_budget_s'))} s. Speed-up: the event-by-event run's seconds"
        " divided by the batched run's seconds to the same position."
    )
    return [_prose(section.get("description")), workload, _table(head, [row])]


def _latency(section: dict[str, Any]) -> list[str]:
    _, bullets = _bullets(section.get("description"))
    sizes = section.get("sizes", {})
    rows = []
    for r in section.get("results", []):
        latency = r["latency"]
        visible, handle, lag = (
            latency["visible_ms"],
            latency["handle_ms"],
            latency["projection_lag_ms"],
        )
        rows.append(
            (
                r["database"],
                _num(latency["commands"]),
                _num(visible["p50"], 1),
                _num(visible["p99"], 1),
                _num(visible["max"], 1),
                _num(handle["p50"], 1),
                _num(handle["p99"], 1),
                _num(lag["p50"], 1),
                _num(lag["p99"], 1),
            )
        )
    head = (
        "database",
        "commands",
        "visible p50 ms",
        "visible p99 ms",
        "visible max ms",
        "handle() p50 ms",
        "handle() p99 ms",
        "projection lag p50 ms",
        "projection lag p99 ms",
    )
    workload = (
        f"Workload: {_num(sizes.get('commands'))} commands after"
        f" {_num(sizes.get('warmup_commands'))} untimed ones, on the read model the replay"
        f" built; the projector polls every {_num(sizes.get('runner_interval_s'), 3)} s when"
        f" idle, the command side every {_num(sizes.get('poll_s'), 3)} s. Reference, same run:"
        " handle() alone (validating, deciding and appending the command); projection lag is"
        " visible minus handle() per command."
    )
    return [_bullet(bullets, "latency"), workload, _table(head, rows)]


def _pipeline(section: dict[str, Any]) -> list[str]:
    heuristic_rows = [
        (
            h["database"],
            _num(h["sentences"]),
            _num(h["pipeline_sentences_per_s"]),
            _num(h["analyzer_only_sentences_per_s"]),
            _ratio(h["pipeline_sentences_per_s"], h["analyzer_only_sentences_per_s"]),
            str(len(h.get("runs_pipeline_s", []))),
        )
        for h in section.get("heuristic", [])
    ]
    heuristic_head = (
        "database",
        "sentences",
        "pipeline sentences/s",
        "analyzer alone sentences/s",
        "pipeline / analyzer",
        "runs",
    )
    openai = section.get("openai", {})
    first = openai.get("concurrency_1", {}).get("sentences_per_s")
    openai_rows = [
        (
            str(concurrency),
            _num(figures["sentences_per_s"], 1),
            _num(figures["seconds"], 2),
            _num(figures["max_in_flight"]),
            _ratio(figures["sentences_per_s"], first, suffix="x"),
        )
        for concurrency in (1, 10)
        if (figures := openai.get(f"concurrency_{concurrency}"))
    ]
    openai_head = ("concurrency", "sentences/s", "seconds", "max in flight", "vs concurrency 1")
    return [
        _prose(section.get("description")),
        "### Heuristic analyzer: pipeline vs analyzer alone",
        "Ratio: pipeline sentences/s divided by the analyzer's alone (medians).",
        _table(heuristic_head, heuristic_rows),
        "### OpenAI-compatible backend against the fake server",
        f"{_num(openai.get('sentences'))} sentences; the fake server answers after"
        f" {_num(openai.get('latency_ms'))} ms; one run per concurrency.",
        _table(openai_head, openai_rows),
    ]


def _load(load: dict[str, Any] | None, source: str, modified: str | None) -> str:
    title = "## Load test"
    if load is None:
        return f"{title}\n\nnot measured: run make load (it writes `{source}`)."
    machine = load.get("machine", {})
    when = load.get("date") or machine.get("date")
    when = f"run of {when}" if when else f"file modified {modified or MISSING}"
    server = f", {machine['web_server']}" if machine.get("web_server") else ""
    run = (
        f"From `{source}`, written by `python -m loadtest` ({when}): {load.get('clients', MISSING)}"
        f" clients for {_num(load.get('duration_s'))} s on {load.get('database', MISSING)}{server};"
        f" {machine.get('cpu_model', MISSING)}, {machine.get('cpu_cores', MISSING)} cores, load"
        f" average {_load_average(machine.get('load_average_start'))} at its start."
    )
    statuses = load.get("status_counts", {})
    overview_head = (
        "requests",
        "requests/s",
        *(f"HTTP {s}" for s in statuses),
        "412 rate (of writes)",
    )
    overview = (
        _num(load.get("requests")),
        _num(load.get("requests_per_s"), 1),
        *(_num(n) for n in statuses.values()),
        _percent(load.get("rate_412")),
    )
    endpoints = [
        (
            name,
            _num(e.get("requests")),
            _num(e.get("requests_per_s"), 1),
            _num(e.get("p50_ms"), 1),
            _num(e.get("p99_ms"), 1),
        )
        for name, e in load.get("endpoints", {}).items()
    ]
    lag = load.get("projection_lag_ms", {})
    check = load.get("verification", {})
    digests = check.get("digest_live"), check.get("digest_replayed")
    verification = (
        _num(check.get("accepted")),
        _num(check.get("in_history")),
        _num(check.get("lost_updates")),
        MISSING if None in digests else ("equal" if digests[0] == digests[1] else "DIFFERENT"),
        {True: "yes", False: "NO"}.get(check.get("passed"), MISSING),
    )
    parts = [title, run]
    if description := load.get("description") or _loadtest_docstring():
        parts.append(_prose(description))
    parts += [
        _table(overview_head, [overview], left=0),
        f"Errors (any other answer, or none): {_num(load.get('errors'))}.",
        "### Per endpoint",
        _table(("endpoint", "requests", "requests/s", "p50 ms", "p99 ms"), endpoints),
        "### Projection lag under load",
        _table(
            ("samples", "p50 ms", "p99 ms"),
            [(_num(lag.get("samples")), _num(lag.get("p50"), 1), _num(lag.get("p99"), 1))],
            left=0,
        ),
        "### Verification after the run",
        _table(
            (
                "accepted commands",
                "in the history",
                "lost updates",
                "read model live vs replayed",
                "passed",
            ),
            [verification],
            left=0,
        ),
    ]
    return "\n\n".join(parts)


# --- formatting -------------------------------------------------------------------------------


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """A Markdown table: the first `left` columns left-aligned, the figures right-aligned."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    rule = ["---" if i < left else "---:" for i in range(len(head))]
    return "\n".join([line(head), line(rule), *(line(r) for r in rows)])


def _num(value: float | None, digits: int = 0) -> str:
    return MISSING if value is None else f"{value:,.{digits}f}"


def _ratio(numerator: float | None, denominator: float | None, suffix: str = "") -> str:
    if not numerator or not denominator:
        return MISSING
    return f"{numerator / denominator:.2f}{suffix}"


def _percent(share: float | None) -> str:
    return MISSING if share is None else f"{share * 100:.1f} %"


def _percentiles(latency: dict[str, float]) -> str:
    return f"{latency['p50']:.2f} / {latency['p99']:.2f}"


def _load_average(values: Sequence[float] | None) -> str:
    return MISSING if not values else ", ".join(f"{v:.2f}" for v in values)


def _settings(values: dict[str, Any] | None) -> str:
    return f" ({', '.join(f'{k} {v}' for k, v in values.items())})" if values else ""


def _commit(commit: dict[str, Any] | None) -> str:
    if not commit or not commit.get("sha"):
        return MISSING
    changes = " with uncommitted changes" if commit.get("uncommitted_changes") else ""
    return f"`{commit['sha'][:12]}`{changes}"


def _mode(mode: str | None) -> str:
    if mode == "quick":
        return "**quick** (smoke test: small workloads, 1 repetition)"
    return "full"


def _history(sizes: dict[str, Any]) -> str:
    """The replayed history's shape and how the runner took it, from a section's sizes."""
    history = sizes.get("history", {})
    return (
        f"{_num(history.get('interviews'))} interviews x {_num(history.get('sentences'))}"
        f" sentences; {_num(sizes.get('lanes'))} lanes, batches of {_num(sizes.get('batch_size'))}"
    )


def _duration(doc: dict[str, Any]) -> str:
    total = doc.get("total_seconds")
    if total is None:
        return MISSING
    parts = ", ".join(f"{name} {s:,.0f} s" for name, s in doc.get("section_seconds", {}).items())
    return f"{total:,.0f} s" + (f" ({parts})" if parts else "")


def _prose(docstring: str | None) -> str:
    """A module docstring as Markdown: it already is (paragraphs, `- ` bullets, backticks)."""
    return (docstring or "").strip() or MISSING


def _bullets(docstring: str | None) -> tuple[str, list[str]]:
    """A docstring's text before its first `- ` bullet, and its bullets (continuations kept)."""
    intro: list[str] = []
    bullets: list[str] = []
    for line in (docstring or "").strip().splitlines():
        if line.startswith("- "):
            bullets.append(line)
        elif bullets and line.startswith("  "):
            bullets[-1] += "\n" + line
        elif not bullets:
            intro.append(line)
    return "\n".join(intro).strip(), bullets


def _bullet(bullets: list[str], name: str) -> str:
    """The bullet that starts with `name` (e.g. "- latency: ..."); all bullets if none does."""
    for bullet in bullets:
        if bullet[2:].startswith(name):
            return bullet
    return "\n".join(bullets) or MISSING


def _loadtest_docstring() -> str | None:
    """What the load test does, in its own words (load.json carries no description)."""
    try:
        import loadtest
    except ImportError:
        return None
    return loadtest.__doc__


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__)
    parser.add_argument("--latest", type=Path, default=RESULTS, help="the bench's JSON")
    parser.add_argument("--load", type=Path, default=LOAD, help="the load test's JSON")
    parser.add_argument("--output", type=Path, default=DOC, help="the page to write")
    arguments = parser.parse_args(argv)
    path = write(arguments.latest, arguments.load, arguments.output)
    print(f"{_display(path)} written")


if __name__ == "__main__":
    main()
