"""The pipeline benchmark, small: it keeps working, and what it counts adds up.

Its figures are printed, not asserted (the machine is shared, so a timing would be noise);
what is asserted is correctness: every crossing taken, none before the worker was ready,
every planted listed person alerted (also those listed last), every forwarded record out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pipeline import Options, PipelineBench, render

pytestmark = pytest.mark.e2e


def test_pipeline_benchmark_small(bootstrap: str, tmp_path: Path) -> None:
    options = Options(
        entries=500,
        crossings=10_000,  # enough to outlast a few polls of the workers' counts: timed
        share=0.01,
        batch_size=100,
        latency_share=0.2,
        workers=(1, 2),
        rates=(40,),
        rate_seconds=3.0,
        duration_s=60.0,
        ready_timeout_s=60.0,
        partitions=2,
        latency_ceiling=False,
        workdir=tmp_path,
    )
    bench = PipelineBench(options, bootstrap)
    report = bench.run()
    print(render(report))
    # Each Faust process made its data directory beside its log, none where the test runs
    assert len(list(tmp_path.glob(f"{bench.tag}-*-data"))) >= 4
    assert not list(Path.cwd().glob(f"{bench.tag}-*-data"))

    runs = {(r.kind, r.workers): r for r in report.full_speed}
    assert set(runs) == {(k, w) for k in ("passthrough", "borderwatch") for w in (1, 2)}
    for run in runs.values():
        assert run.taken == options.crossings and not run.capped
        assert run.took_before_ready == 0
        assert run.rate > 0 and run.cpu_s_per_1000 > 0, "too short to time"
        assert all(m > 0 for m in run.peak_rss_mb)
        if run.kind == "passthrough":
            assert run.outputs == options.crossings
        else:
            assert run.planted > 0 and run.planted_found == run.planted
            assert run.planted_last > 0 and run.planted_last_found == run.planted_last
    assert sum(runs["borderwatch", 2].taken_per_worker) == options.crossings

    [latency] = report.latency
    assert latency.kind == "borderwatch" and latency.sent > 0 and latency.samples > 0
