"""Shared test helpers: the spec validator and a session factory on a fake clock."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import playhead
from tests.spec import SPEC_PATH, assert_all_valid, assert_valid, validator

__all__ = ["SPEC_PATH", "Harness", "assert_all_valid", "assert_valid", "validator"]


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """The CLI adds a stderr handler to the ``playhead`` logger; keep it out of other tests."""
    root = logging.getLogger("playhead")
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def clock() -> playhead.FakeClock:
    return playhead.FakeClock("2024-01-15T10:30:00Z")


@pytest.fixture
def memory() -> playhead.MemoryTransport:
    return playhead.MemoryTransport()


class Harness:
    """A tracker on a fake clock and a memory transport; checks every payload it saw."""

    def __init__(self, clock: playhead.FakeClock, memory: playhead.MemoryTransport) -> None:
        self.clock = clock
        self.memory = memory
        self._checked = 0

    def tracker(self, **options: Any) -> playhead.Tracker:
        options.setdefault("user_id", "u1")
        return playhead.Tracker(self.memory, clock=self.clock, **options)

    def session(self, *, tracker: dict[str, Any] | None = None, **options: Any) -> playhead.Session:
        return self.tracker(**(tracker or {})).session(**options)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @property
    def payloads(self) -> list[dict[str, Any]]:
        """Everything emitted so far, each payload checked against the spec once."""
        payloads = self.memory.payloads
        assert_all_valid(payloads[self._checked :])
        self._checked = len(payloads)
        return payloads

    def names(self, *, heartbeats: bool = True) -> list[str]:
        return playhead.testing.event_names(self.payloads, heartbeats=heartbeats)

    def of(self, event: str) -> list[dict[str, Any]]:
        return [p for p in self.payloads if p["event"] == event]

    def props(self, event: str, index: int = 0) -> dict[str, Any]:
        found = self.of(event)
        assert len(found) > index, f"{event!r} #{index} not emitted; got {self.names()}"
        props: dict[str, Any] = found[index]["properties"]
        return props


@pytest.fixture
def harness(clock: playhead.FakeClock, memory: playhead.MemoryTransport) -> Harness:
    return Harness(clock, memory)


@pytest.fixture
def strict_session(harness: Harness) -> Callable[..., playhead.Session]:
    def make(**options: Any) -> playhead.Session:
        return harness.session(tracker={"strict": True}, **options)

    return make
