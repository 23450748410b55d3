"""Compare emitted events with an expected sequence, and say readably where they differ.

Expected items are event names (the full name, or a unique short form such as ``"Paused"``,
``"Ad Playing"``, ``"Content Started"``), dicts (``{"event": "Ad Playing", "quartile": 1}``;
the other keys are compared with the payload's properties, or its top-level keys), or tuples
(``("Seek Started", 30)`` for a position, ``("Ad Playing", {"quartile": 2})`` for properties).
Only what an item names is compared, so an expectation says exactly as much as a test cares
about.

On a mismatch the message aligns both sequences row by row (``!`` a row that differs, ``-`` an
expected event that is missing, ``+`` an event that was not expected), with positions and
quartiles, so the first wrong event is obvious.

.. versionadded:: 0.1
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union

import attrs

from playhead.payload import EVENTS

__all__ = [
    "EVENT_NAMES",
    "EventSequence",
    "ExpectedEvent",
    "assert_event_sequence",
    "event_name",
    "event_sequence",
    "sequence_diff",
]

EVENT_NAMES: tuple[str, ...] = EVENTS

Payload = Mapping[str, Any]
Expected = Union[str, Mapping[str, Any], tuple[Any, ...], "ExpectedEvent"]
_SHOWN = ("position", "quartile", "seek_position")


def event_name(name: str) -> str:
    """The full event name for ``name``: exact, or a unique short form.

    ``"Paused"`` and ``"Playback Paused"`` give ``"Video Playback Paused"``; ``"Completed"``
    is ambiguous (playback, content or ad) and raises ValueError listing the candidates.

    .. versionadded:: 0.1
    """
    if name in EVENT_NAMES:
        return name
    folded = " ".join(name.split()).lower()
    matches = [full for full in EVENT_NAMES if full.lower().endswith(" " + folded)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(f"{name!r} is ambiguous: say one of {', '.join(matches)}")
    raise ValueError(f"{name!r} is not a video event; the events are: {', '.join(EVENT_NAMES)}")


@attrs.frozen
class ExpectedEvent:
    """One expected event: its full name and the properties that must match.

    .. versionadded:: 0.1
    """

    event: str
    properties: Mapping[str, Any] = attrs.field(factory=dict)

    @classmethod
    def parse(cls, item: Expected) -> ExpectedEvent:
        """Read a name, a dict with ``event``, or a ``(name, position | properties)`` tuple."""
        if isinstance(item, ExpectedEvent):
            return item
        if isinstance(item, str):
            return cls(event_name(item))
        if isinstance(item, Mapping):
            if "event" not in item:
                raise ValueError(f"an expected event dict needs an 'event' key: {item!r}")
            rest = {k: v for k, v in item.items() if k != "event"}
            return cls(event_name(str(item["event"])), rest)
        if isinstance(item, tuple) and item and isinstance(item[0], str):
            if len(item) == 1:
                return cls(event_name(item[0]))
            if len(item) == 2 and isinstance(item[1], Mapping):
                return cls(event_name(item[0]), dict(item[1]))
            if len(item) == 2:
                return cls(event_name(item[0]), {"position": item[1]})
        raise ValueError(
            f"cannot read expected event {item!r}: give a name, a dict with 'event', "
            "or a (name, position) / (name, {properties}) tuple"
        )

    def mismatches(self, payload: Payload) -> list[str]:
        """What differs between this expectation and ``payload`` (empty when it matches)."""
        if payload.get("event") != self.event:
            return [f"event: expected {self.event!r}, got {payload.get('event')!r}"]
        props: Mapping[str, Any] = payload.get("properties") or {}
        problems = []
        for key, want in self.properties.items():
            missing = object()
            got = props.get(key, payload.get(key, missing))
            if got is missing:
                problems.append(f"{key}: expected {want!r}, missing")
            elif got != want:
                problems.append(f"{key}: expected {want!r}, got {got!r}")
        return problems

    def describe(self) -> str:
        extra = "  ".join(f"{k}={v!r}" for k, v in self.properties.items())
        return f"{self.event}  {extra}".rstrip()


def _payload_list(payloads: Any) -> list[Payload]:
    items = getattr(payloads, "payloads", payloads)
    if isinstance(items, EventSequence):
        return list(items.payloads)
    result = list(items)
    for item in result:
        if not isinstance(item, Mapping):
            raise TypeError(f"expected event payloads (dicts), got {item!r:.80}")
    return result


def _describe_actual(payload: Payload, keys: Iterable[str]) -> str:
    props: Mapping[str, Any] = payload.get("properties") or {}
    parts = [str(payload.get("event", "?"))]
    for key in dict.fromkeys([*_SHOWN, *keys]):
        value = props.get(key, payload.get(key) if key not in _SHOWN else None)
        if value is not None:
            parts.append(f"{key}={value!r}")
    return "  ".join(parts)


def _filtered(payloads: Sequence[Payload], ignore: Iterable[str]) -> list[tuple[int, Payload]]:
    skipped = {event_name(name) for name in ignore}
    return [(i, p) for i, p in enumerate(payloads) if p.get("event") not in skipped]


def _exact_matches(wanted: list[ExpectedEvent], actual: list[Payload]) -> list[tuple[int, int]]:
    """The longest run of (expected, actual) index pairs that match exactly, in order.

    Aligning on full matches (name and properties) rather than on names alone keeps a right
    event beside its expectation when a same-named event is missing or extra next to it.
    """
    n, m = len(wanted), len(actual)
    if n * m > 250_000:  # very long sequences: align on names only
        names = difflib.SequenceMatcher(
            a=[w.event for w in wanted], b=[str(p.get("event")) for p in actual], autojunk=False
        )
        return [
            (block.a + k, block.b + k)
            for block in names.get_matching_blocks()
            for k in range(block.size)
            if not wanted[block.a + k].mismatches(actual[block.b + k])
        ]
    match = [[not w.mismatches(p) for p in actual] for w in wanted]
    lengths = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = lengths[i], lengths[i + 1]
        for j in range(m - 1, -1, -1):
            row[j] = below[j + 1] + 1 if match[i][j] else max(below[j], row[j + 1])
    pairs = []
    i = j = 0
    while i < n and j < m:
        if match[i][j] and lengths[i][j] == lengths[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def sequence_diff(
    payloads: Any, expected: Iterable[Expected], *, ignore: Iterable[str] = ()
) -> str | None:
    """None when ``payloads`` match ``expected``, else the aligned, readable difference.

    ``payloads`` is a list of payloads, or anything with a ``payloads`` list (a
    MemoryTransport). Events named in ``ignore`` (e.g. ``"Content Playing"`` heartbeats) are
    left out of the comparison.

    .. versionadded:: 0.1
    """
    ignore = tuple(ignore)
    wanted = [ExpectedEvent.parse(item) for item in expected]
    actual = _filtered(_payload_list(payloads), ignore)
    rows: list[tuple[str, str, str, str, str, list[str]]] = []
    differences = 0

    def pair(i: int, j: int) -> None:
        nonlocal differences
        want, (index, payload) = wanted[i], actual[j]
        problems = want.mismatches(payload)
        differences += bool(problems)
        got = _describe_actual(payload, want.properties)
        rows.append(("!" if problems else " ", str(i), want.describe(), str(index), got, problems))

    def missing(i: int) -> None:
        nonlocal differences
        differences += 1
        rows.append(("-", str(i), wanted[i].describe(), "", "", []))

    def unexpected(j: int) -> None:
        nonlocal differences
        differences += 1
        index, payload = actual[j]
        rows.append(("+", "", "", str(index), _describe_actual(payload, ()), []))

    def gap(a0: int, a1: int, b0: int, b1: int) -> None:
        """Between two exact matches, same-named events pair up as differing rows."""
        matcher = difflib.SequenceMatcher(
            a=[w.event for w in wanted[a0:a1]],
            b=[str(p.get("event")) for _, p in actual[b0:b1]],
            autojunk=False,
        )
        for op, i0, i1, j0, j1 in matcher.get_opcodes():
            if op == "equal":
                for k in range(i1 - i0):
                    pair(a0 + i0 + k, b0 + j0 + k)
                continue
            for i in range(a0 + i0, a0 + i1):
                missing(i)
            for j in range(b0 + j0, b0 + j1):
                unexpected(j)

    a_next = b_next = 0
    for i, j in _exact_matches(wanted, [p for _, p in actual]):
        gap(a_next, i, b_next, j)
        pair(i, j)
        a_next, b_next = i + 1, j + 1
    gap(a_next, len(wanted), b_next, len(actual))
    if differences == 0:
        return None

    width = max([len("expected"), *(len(r[2]) for r in rows)])
    lines = [
        f"event sequence differs: expected {len(wanted)} events, got {len(actual)}"
        + (f" (ignoring {', '.join(ignore)})" if ignore else "")
        + f"; {differences} difference{'s' if differences != 1 else ''}",
        "  (! differs, - missing, + unexpected)",
        f"     {'#':>3}  {'expected':<{width}}  {'#':>3}  actual",
    ]
    for mark, left, want_text, right, got_text, problems in rows:
        lines.append(f"  {mark}  {left:>3}  {want_text:<{width}}  {right:>3}  {got_text}".rstrip())
        for problem in problems:
            lines.append(f"{'':>{width + 12}}     ^ {problem}")
    return "\n".join(lines)


def assert_event_sequence(
    payloads: Any, expected: Iterable[Expected], *, ignore: Iterable[str] = ()
) -> None:
    """Raise AssertionError with an aligned diff unless ``payloads`` match ``expected``.

    Examples:
        >>> from playhead.testing.sequence import assert_event_sequence
        >>> sent = [{"event": "Video Playback Started", "properties": {"position": 0}}]
        >>> assert_event_sequence(sent, ["Playback Started"])
        >>> assert_event_sequence(sent, [("Playback Started", 5)])
        Traceback (most recent call last):
        ...
        AssertionError: event sequence differs: expected 1 events, got 1; 1 difference
        ...

    .. versionadded:: 0.1
    """
    __tracebackhide__ = True
    ignore = tuple(ignore)
    diff = sequence_diff(payloads, expected, ignore=ignore)
    if diff is not None:
        raise AssertionError(diff)


class EventSequence:
    """Payloads that compare equal to a list of expected events (for plain ``assert``).

    ``assert event_sequence(transport) == ["Playback Started", ("Paused", 12)]``; with the
    playhead pytest plugin a failing comparison prints the aligned diff.

    .. versionadded:: 0.1
    """

    __slots__ = ("ignore", "payloads")

    def __init__(self, payloads: Any, ignore: Iterable[str] = ()) -> None:
        self.payloads = _payload_list(payloads)
        self.ignore = tuple(ignore)

    @property
    def names(self) -> list[str]:
        """The event names, with ignored events left out."""
        return [str(p.get("event")) for _, p in _filtered(self.payloads, self.ignore)]

    def diff(self, expected: Iterable[Expected]) -> str | None:
        return sequence_diff(self.payloads, expected, ignore=self.ignore)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EventSequence):
            return self.names == other.names
        if isinstance(other, (list, tuple)):
            return self.diff(other) is None
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"EventSequence({self.names!r})"


def event_sequence(payloads: Any, *, ignore: Iterable[str] = ()) -> EventSequence:
    """Wrap payloads (or a MemoryTransport) for ``assert event_sequence(...) == [...]``.

    .. versionadded:: 0.1
    """
    return EventSequence(payloads, ignore)
