"""Shared by the benchmark scripts: the best-of-N timing they all report."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

REPEATS = 7


def best_per_call(fn: Callable[[int], None], calls: int, repeats: int = REPEATS) -> float:
    """Microseconds per call: the best of ``repeats`` runs of ``fn(calls)``."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn(calls)
        times.append(time.perf_counter() - start)
    return min(times) / calls * 1e6
