"""Crash safety of the worker: crossings flow while workers are killed, the broker is frozen
or workers come and go; then every crossing is accounted for.

    python -m bench.chaos --events 20000 --kills 3          # SIGKILL the worker 3 times
    python -m bench.chaos --events 20000 --outage 30        # freeze the broker for 30 s
    python -m bench.chaos --events 20000 --scale-out        # one worker, then two, then one
    python -m bench.chaos --events 200000 --burst           # all before the worker starts

The workers' RSS is sampled all along (LOGS/memory.tsv: time, pid, VmRSS, VmHWM, crossings
committed); the report gives the highest RSS per tenth of the stream committed, which for a
burst shows whether memory follows the backlog. Without --bootstrap an embedded broker of
the run's own is started (needed for --outage).
A planted crossing is a listed person (same name, birth date and document number as the
entry) and must raise its alert; an invalid one must reach the DLQ verbatim; every crossing
is covered by the worker group's committed offsets reaching the end of each partition
(offsets advance only after a batch's output is delivered). Duplicates after a kill are
allowed only with the same alert_id. Exit status 0 when nothing was lost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.reliability import Plan, run


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=20_000, help="crossings to publish")
    ap.add_argument("--kills", type=int, default=0, help="SIGKILLs of the worker, at random")
    ap.add_argument("--outage", type=float, default=0.0, metavar="S",
                    help="freeze the broker (SIGSTOP) for S seconds mid-stream")
    ap.add_argument("--scale-out", action="store_true",
                    help="add a second worker at 20%% progress, stop it at 60%%")
    ap.add_argument("--burst", action="store_true",
                    help="publish everything before the worker starts (RSS against the backlog)")
    ap.add_argument("--entries", type=int, default=300, help="watchlist entries")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--planted-every", type=int, default=10)
    ap.add_argument("--invalid-every", type=int, default=200)
    ap.add_argument("--clean-pool", type=int, default=0,
                    help="draw clean travellers' names from this many (0: all different)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bootstrap", default=None, help="a Kafka to use instead of an embedded one")
    ap.add_argument("--logs", type=Path, default=None, help="where worker logs go")
    ap.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING"],
                    help="the workers' log level")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    plan = Plan(
        events=args.events, kills=args.kills, outage_s=args.outage, scale_out=args.scale_out,
        burst=args.burst, entries=args.entries, partitions=args.partitions,
        planted_every=args.planted_every, invalid_every=args.invalid_every, seed=args.seed,
        clean_pool=args.clean_pool,
    )
    log_dir = args.logs or Path(tempfile.mkdtemp(prefix="bw-chaos-"))
    print(f"logs in {log_dir}", flush=True)
    report = run(plan, log_dir, args.bootstrap, say=lambda s: print(s, flush=True),
                 log_level=args.log_level)
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
