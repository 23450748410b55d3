"""Shared by the benchmark scripts: interleaved timing, paired ratios, goal lines.

Every comparison runs its cases round by round (each round runs every case once, in an order
that rotates from round to round), so a burst of load from another job hits both sides of a
ratio; a round's ratio is formed from the two figures of that round, and the minimum and median
of those paired ratios are reported, never a best-of figure of each side.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable, Sequence


def per_call_us(fn: Callable[[int], object], calls: int) -> float:
    """Microseconds per call of one run of ``fn(calls)`` (garbage collected before, as the
    collector would run anyway; it stays on during the run, as in production)."""
    gc.collect()
    start = time.perf_counter()
    fn(calls)
    return (time.perf_counter() - start) / calls * 1e6


def interleaved(cases: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run every case once per round, rotating the order; each case returns its figure."""
    names = list(cases)
    figures: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            figures[name].append(cases[name]())
    return figures


def paired(top: Sequence[float], bottom: Sequence[float]) -> list[float]:
    """Round-by-round ratios ``top[i] / bottom[i]``."""
    return [a / b for a, b in zip(top, bottom, strict=True)]


def spread(values: Sequence[float]) -> tuple[float, float]:
    """(min, median)."""
    return min(values), statistics.median(values)


def verdict(met: bool) -> str:
    return "met" if met else "not met"


def goal(name: str, figure: str, target: str, met: bool, baseline: str = "") -> str:
    """One line per goal: ``GOAL <name>: <figure> (target <target>; <baseline>) -> met``."""
    tail = f"; {baseline}" if baseline else ""
    return f"GOAL {name}: {figure} (target {target}{tail}) -> {verdict(met)}"


def ratio_text(values: Sequence[float], what: str) -> str:
    low, mid = spread(values)
    return f"{what} min {low:.2f}x, median {mid:.2f}x over {len(values)} paired rounds"


def arguments(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and few rounds: checks that the script runs (figures are rough)",
    )
    return parser
