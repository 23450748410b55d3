"""What ``import playhead`` costs an application, against Customer.io's own Python library.

Run: ``python benchmarks/bench_import.py [ROUNDS]``. Each round starts fresh interpreters that
time one import from inside (interpreter start-up excluded) and report their peak RSS over a
bare interpreter's: ``import playhead`` (light: no httpx, ssl, asyncio or adapters), playhead
with its HTTP transport touched, and ``import customerio.analytics`` (``pip install -e
'.[bench]'``) as the same-run baseline. The order within a round alternates; the figures are
medians, the comparison the median of the per-round ratios.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys

PROBE = """
import json, resource, sys, time
start = time.perf_counter()
{code}
seconds = time.perf_counter() - start
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))
"""

CASES = {
    "bare interpreter": "pass",
    "import playhead": "import playhead",
    "playhead + HttpTransport": "import playhead; playhead.HttpTransport",
    "import customerio.analytics": "import customerio.analytics",
}


def measure(code: str) -> tuple[float, float]:
    """Milliseconds of the import, KB of peak RSS, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    seconds, rss_kb = json.loads(done.stdout)
    return seconds * 1000, rss_kb


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    cases = dict(CASES)
    if importlib.util.find_spec("customerio") is None:
        print("customerio-cdp-analytics not installed: no baseline (pip install -e '.[bench]')")
        del cases["import customerio.analytics"]
    names = list(cases)
    times: dict[str, list[float]] = {name: [] for name in names}
    rss: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            ms, kb = measure(cases[name])
            times[name].append(ms)
            rss[name].append(kb)
    bare_rss = statistics.median(rss["bare interpreter"])
    print(f"{rounds} rounds, {sys.implementation.name} {sys.version.split()[0]}")
    print(f"{'':32} {'import ms':>10} {'RSS over bare':>14}")
    for name in names[1:]:
        extra_mb = (statistics.median(rss[name]) - bare_rss) / 1024
        print(f"{name:32} {statistics.median(times[name]):10.1f} {extra_mb:11.1f} MB")
    baseline = "import customerio.analytics"
    pairs = [("import playhead", "playhead + HttpTransport")]
    if baseline in cases:
        pairs += [("import playhead", baseline), ("playhead + HttpTransport", baseline)]
    for name, other in pairs:
        ratio = statistics.median(a / b for a, b in zip(times[name], times[other], strict=True))
        print(f"{name} / {other}: {ratio:.2f}x (median of paired ratios)")


if __name__ == "__main__":
    main()
