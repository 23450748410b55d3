"""The playhead pytest plugin: fixtures and readable event-sequence assertions.

Installed with playhead (entry point ``pytest11``), so there is nothing to import or register:

- ``playhead_fake_clock``: a :class:`~playhead.FakeClock` at 2024-01-15T10:30:00Z;
- ``playhead_memory_transport``: a :class:`~playhead.MemoryTransport` collecting the payloads;
- ``playhead_tracker``: a ``Tracker`` on both, ``user_id="test-user"``,
  ``heartbeat_interval=10``;
- ``playhead_session``: a session of that tracker playing one 600 s content item ``content-1``.

Every fixture name starts with ``playhead_``, so none takes a name the project's own suite
(or another plugin) may use, such as a database suite's ``session``.

Change the defaults for one test with a marker,
``@pytest.mark.playhead(tracker={"heartbeat_interval": 5}, session={"livestream": True})``,
or for a directory by overriding the ``playhead_tracker_options`` / ``playhead_session_options``
fixtures in a ``conftest.py`` (or any fixture itself: a conftest fixture of the same name wins).

``assert event_sequence(playhead_memory_transport) == ["Playback Started", ("Paused", 12)]`` and
:func:`assert_event_sequence` print an aligned diff when the events differ. Disable the plugin
with ``-p no:playhead``.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from playhead.clock import FakeClock
from playhead.model import Content
from playhead.session import Session
from playhead.testing.sequence import (
    EventSequence,
    assert_event_sequence,
    event_sequence,
    sequence_diff,
)
from playhead.tracker import Tracker
from playhead.transports.memory import MemoryTransport

__all__ = [
    "DEFAULT_CONTENT",
    "DEFAULT_TRACKER_OPTIONS",
    "EventSequence",
    "assert_event_sequence",
    "event_sequence",
    "playhead_fake_clock",
    "playhead_memory_transport",
    "playhead_session",
    "playhead_session_options",
    "playhead_tracker",
    "playhead_tracker_options",
]

DEFAULT_TRACKER_OPTIONS: dict[str, Any] = {"user_id": "test-user", "heartbeat_interval": 10}
DEFAULT_CONTENT = Content(asset_id="content-1", total_length=600)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "playhead(tracker={...}, session={...}): options for the playhead_tracker and "
        "playhead_session fixtures of this test",
    )


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: object, right: object
) -> list[str] | None:
    """Explain a failed ``event_sequence(...) == [...]`` with the aligned diff."""
    if op != "==":
        return None
    if isinstance(right, EventSequence) and isinstance(left, (list, tuple)):
        left, right = right, left
    if not isinstance(left, EventSequence) or not isinstance(right, (list, tuple)):
        return None
    try:
        diff = sequence_diff(left.payloads, right, ignore=left.ignore)
    except ValueError as error:  # a malformed expectation: say so instead of a bare mismatch
        return ["the expected events cannot be read:", str(error)]
    return diff.splitlines() if diff else None


def _marker_options(request: pytest.FixtureRequest, key: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    # Closest marker last, so a function's marker overrides its class's and module's.
    for marker in reversed(list(request.node.iter_markers("playhead"))):
        value = marker.kwargs.get(key)
        if value is not None:
            options.update(value)
    return options


@pytest.fixture
def playhead_tracker_options() -> dict[str, Any]:
    """Keyword arguments for the ``playhead_tracker`` fixture; override it in a conftest.py."""
    return dict(DEFAULT_TRACKER_OPTIONS)


@pytest.fixture
def playhead_session_options() -> dict[str, Any]:
    """Keyword arguments for the ``playhead_session`` fixture; override it in a conftest.py."""
    return {"content": [DEFAULT_CONTENT]}


@pytest.fixture
def playhead_fake_clock() -> FakeClock:
    """A FakeClock at 2024-01-15T10:30:00Z; ``playhead_fake_clock.advance(seconds)`` moves it."""
    return FakeClock()


@pytest.fixture
def playhead_memory_transport() -> MemoryTransport:
    """A MemoryTransport; ``playhead_memory_transport.payloads`` holds what was sent, in order."""
    return MemoryTransport()


@pytest.fixture
def playhead_tracker(
    request: pytest.FixtureRequest,
    playhead_fake_clock: FakeClock,
    playhead_memory_transport: MemoryTransport,
    playhead_tracker_options: dict[str, Any],
) -> Iterator[Tracker]:
    """A Tracker sending to ``playhead_memory_transport`` on ``playhead_fake_clock``; closed
    after the test."""
    options = {**playhead_tracker_options, **_marker_options(request, "tracker")}
    options.setdefault("transport", playhead_memory_transport)
    options.setdefault("clock", playhead_fake_clock)
    made = Tracker(**options)
    yield made
    made.close()


@pytest.fixture
def playhead_session(
    request: pytest.FixtureRequest,
    playhead_tracker: Tracker,
    playhead_session_options: dict[str, Any],
) -> Session:
    """A session of ``playhead_tracker`` playing one 600 s item, ``content-1``, with no ads."""
    options = {**playhead_session_options, **_marker_options(request, "session")}
    return playhead_tracker.session(**options)
