"""The workload sizes of a bench run: the full run `make bench` records, and a quick one.

The quick mode (`python -m bench --quick`, or BENCH_QUICK=1) runs every scenario on workloads
small enough for a smoke test of a few minutes: it shows the bench still works end to end, not
how fast anything is. Its figures are labelled as such in the output, the JSON and
docs/benchmarks.md, and are never comparable with a full run's.
"""

from dataclasses import dataclass

from bench.append import Params
from bench.events_workload import HistorySize
from bench.graph import GraphParams
from bench.pipeline import PipelineParams
from bench.projections import ProjectionParams


@dataclass(frozen=True)
class Mode:
    name: str  # "full" or "quick"
    append: Params
    pipeline: PipelineParams
    projections: ProjectionParams
    graph: GraphParams

    @property
    def quick(self) -> bool:
        return self.name == "quick"


FULL = Mode("full", Params(), PipelineParams(), ProjectionParams(), GraphParams())

QUICK = Mode(
    "quick",
    Params(
        single_appends=200,
        single_streams=20,
        batches=10,
        writers=4,
        writer_appends=50,
        writer_streams=5,
        warmup_appends=5,
        warmup_batches=1,
        repeats=1,
    ),
    PipelineParams(repeats=1, openai_sentences=10),
    ProjectionParams(history=HistorySize(interviews=10), replays=1, commands=20, warmup_commands=5),
    GraphParams(history=HistorySize(interviews=5), per_event_budget_s=20.0, min_events=0),
)

QUICK_NOTE = (
    "QUICK MODE: a smoke test on small workloads (1 repetition); these figures show that the"
    " bench runs, not how fast anything is, and are not comparable with a full `make bench`"
)
