"""What must hold for the events of any session, whatever the player did.

:func:`session_problems` lists the broken rules; :func:`assert_session_invariants` fails with
them. Together with :mod:`playhead.testing.strategies` they make a property test of a player
integration three lines long. The rules (one session's payloads, in emission order):

- exactly one Video Playback Started, and it comes first;
- nothing after Video Playback Completed or Exited (and only one of them, once);
- Buffer Started and Buffer Completed alternate, starting with Started;
- Paused and Resumed alternate; a Resumed follows a Paused or an Interrupted;
- per ad, quartiles 1, 2, 3 come at most once each and in order;
- ``position``, ``seek_position``, ``total_length`` and ``quartile`` are integers >= 0;
- one ``session_id`` on every payload;
- exactly one of ``userId`` / ``anonymousId`` on every payload.

A session that ended by the idle timeout (Exited with ``exit_reason: "idle_timeout"``) and then
played on is two sessions: the rules hold for each, and the second has a new ``session_id``.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["assert_session_invariants", "session_problems"]

_INTEGER_KEYS = ("position", "seek_position", "total_length", "quartile", "pod_position")


def _at(index: int, payload: Mapping[str, Any]) -> str:
    return f"#{index} {payload.get('event')!r}"


def session_problems(payloads: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every broken invariant, one line each (empty when all hold).

    .. versionadded:: 0.1
    """
    problems: list[str] = []
    segment: list[Mapping[str, Any]] = []
    seen_ids: set[Any] = set()
    for payload in payloads:
        segment.append(payload)
        props = payload.get("properties") or {}
        if payload.get("event") == "Video Playback Exited" and props.get("exit_reason") == (
            "idle_timeout"
        ):
            problems.extend(_one_session_problems(segment, seen_ids))
            segment = []
    problems.extend(_one_session_problems(segment, seen_ids))
    return problems


def _one_session_problems(events: list[Mapping[str, Any]], seen_ids: set[Any]) -> list[str]:
    problems: list[str] = []
    if not events:
        return problems
    names = [p.get("event") for p in events]
    if names.count("Video Playback Started") != 1:
        problems.append(f"{names.count('Video Playback Started')} Video Playback Started events")
    if names[0] != "Video Playback Started":
        problems.append(f"the first event is {names[0]!r}, not Video Playback Started")
    ends = [
        i for i, n in enumerate(names) if n in ("Video Playback Completed", "Video Playback Exited")
    ]
    if len(ends) > 1:
        problems.append(f"{len(ends)} Completed/Exited events, at {ends}")
    if ends and ends[0] != len(events) - 1:
        after = names[ends[0] + 1 :]
        problems.append(f"{len(after)} events after {names[ends[0]]!r}: {after[:5]}")

    stalled = paused = interrupted = False
    quartiles: list[int] = []
    session_ids = set()
    for index, payload in enumerate(events):
        name = payload.get("event")
        props: Mapping[str, Any] = payload.get("properties") or {}
        session_ids.add(props.get("session_id"))
        if ("userId" in payload) == ("anonymousId" in payload):
            problems.append(f"{_at(index, payload)}: needs exactly one of userId / anonymousId")
        for key in _INTEGER_KEYS:
            value = props.get(key)
            if key in props and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                problems.append(f"{_at(index, payload)}: {key}={value!r} is not an integer >= 0")
        if name == "Video Playback Buffer Started":
            if stalled:
                problems.append(f"{_at(index, payload)}: a second Buffer Started")
            stalled = True
        elif name == "Video Playback Buffer Completed":
            if not stalled:
                problems.append(f"{_at(index, payload)}: Buffer Completed without Buffer Started")
            stalled = False
        elif name == "Video Playback Paused":
            if paused:
                problems.append(f"{_at(index, payload)}: a second Paused without Resumed")
            paused = True
        elif name == "Video Playback Interrupted":
            interrupted = True
        elif name == "Video Playback Resumed":
            if not (paused or interrupted):
                problems.append(f"{_at(index, payload)}: Resumed without Paused or Interrupted")
            paused = interrupted = False
        elif name == "Video Ad Started":
            quartiles = []
        elif name == "Video Ad Playing" and "quartile" in props:
            quartiles.append(props["quartile"])
            if quartiles != [1, 2, 3][: len(quartiles)]:
                problems.append(f"{_at(index, payload)}: quartiles of this ad so far {quartiles}")
    if len(session_ids) != 1:
        problems.append(f"{len(session_ids)} session ids: {sorted(map(str, session_ids))}")
    if session_ids & seen_ids:
        problems.append("a session after an idle end reuses an earlier session_id")
    seen_ids.update(session_ids)
    return problems


def assert_session_invariants(payloads: Iterable[Mapping[str, Any]]) -> None:
    """Fail with every broken invariant of one session's payloads (see the module doc).

    .. versionadded:: 0.1
    """
    __tracebackhide__ = True
    events = list(payloads)
    problems = session_problems(events)
    if problems:
        from playhead.transports.console import describe

        listing = "\n".join(f"  {i:>3}  {describe(dict(p))}" for i, p in enumerate(events))
        raise AssertionError(
            "session invariants broken:\n  - " + "\n  - ".join(problems) + "\nevents:\n" + listing
        )
