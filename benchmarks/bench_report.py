"""The fleet summary at scale: 1,000,000 events from 10,000 sessions, read once.

Run: ``python benchmarks/bench_report.py [--sessions 10000] [--rounds 3]``. Writes a generated
fleet (``playhead.report.samples``, about 105 events a session) to a temporary file, then, in
fresh child processes, alternates

- the summary (``playhead.report.summarize``: parse, derive, aggregate) and
- the baseline: ``json.loads`` of every line and nothing else (the floor of any JSONL reader),

and prints per round the time, events/s and peak memory (max RSS) of each, and the median of
the paired time ratios (summary / baseline), which cancels out how busy the machine is. The
memory of a child that only imports playhead is printed too: the summary's own memory is the
difference. The target (issue 12): well under a minute on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = """
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
import playhead.report
start = time.perf_counter()
if mode == "summary":
    summary = playhead.report.summarize(path)
    events, sessions = summary.events, summary.overall.sessions
elif mode == "baseline":
    events, sessions = 0, 0
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            json.loads(line)
            events += 1
else:
    events, sessions = 0, 0
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "events": events, "sessions": sessions, "kib": peak_kib}))
"""


def child(mode: str, path: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, path],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from playhead.report.samples import write_fleet

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "fleet.jsonl")
        start = time.perf_counter()
        events = write_fleet(path, args.sessions)
        size = os.path.getsize(path)
        print(
            f"generated {events:,} events from {args.sessions:,} sessions "
            f"({size / 2**20:.0f} MiB) in {time.perf_counter() - start:.1f} s"
        )
        idle = child("import", path)
        print(f"a child that only imports playhead: {idle['kib'] / 1024:.0f} MiB peak RSS")
        ratios = []
        summaries = []
        for round_ in range(1, args.rounds + 1):
            summary = child("summary", path)
            baseline = child("baseline", path)
            assert summary["events"] == events
            assert summary["sessions"] == args.sessions
            ratios.append(summary["seconds"] / baseline["seconds"])
            summaries.append(summary["seconds"])
            print(
                f"round {round_}: summary {summary['seconds']:.1f} s "
                f"({events / summary['seconds']:,.0f} events/s, "
                f"{summary['kib'] / 1024:.0f} MiB peak RSS); "
                f"baseline json.loads {baseline['seconds']:.1f} s "
                f"({baseline['kib'] / 1024:.0f} MiB); ratio {ratios[-1]:.2f}"
            )
    best = min(summaries)
    print(
        f"summary of {events:,} events / {args.sessions:,} sessions: best {best:.1f} s "
        f"({events / best:,.0f} events/s), median {statistics.median(summaries):.1f} s; "
        f"median ratio to json.loads alone {statistics.median(ratios):.2f} "
        f"(target: well under 60 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
