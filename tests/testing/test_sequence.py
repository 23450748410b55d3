"""assert_event_sequence / event_sequence: what they accept and how a mismatch reads."""

from __future__ import annotations

from typing import Any

import pytest

from playhead import MemoryTransport
from playhead.testing.sequence import (
    EVENT_NAMES,
    ExpectedEvent,
    assert_event_sequence,
    event_name,
    event_sequence,
    sequence_diff,
)


def sent(*events: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"event": name, "userId": "u1", "properties": props} for name, props in events]


PAYLOADS = sent(
    ("Video Playback Started", {"position": 0}),
    ("Video Content Started", {"position": 0}),
    ("Video Content Playing", {"position": 10}),
    ("Video Playback Paused", {"position": 12}),
    ("Video Ad Playing", {"position": 3, "quartile": 1}),
)


def test_short_names_resolve_and_ambiguous_or_unknown_ones_are_refused() -> None:
    assert event_name("Paused") == "Video Playback Paused"
    assert event_name("ad playing") == "Video Ad Playing"
    assert event_name("Playback Completed") == "Video Playback Completed"
    assert all(event_name(name) == name for name in EVENT_NAMES)
    with pytest.raises(ValueError, match="ambiguous"):
        event_name("Completed")
    with pytest.raises(ValueError, match="not a video event"):
        event_name("Video Paused Forever")


def test_matching_sequences_pass_in_every_notation() -> None:
    assert_event_sequence(
        PAYLOADS,
        [
            "Playback Started",
            ("Content Started", 0),
            {"event": "Content Playing", "position": 10},
            ("Paused", {"position": 12}),
            {"event": "Ad Playing", "quartile": 1, "userId": "u1"},
        ],
    )
    assert_event_sequence(
        PAYLOADS,
        ["Playback Started", "Content Started", "Paused", "Ad Playing"],
        ignore=["Content Playing"],
    )


def test_a_memory_transport_can_be_given_directly() -> None:
    transport = MemoryTransport()
    for payload in PAYLOADS[:2]:
        transport.send(payload)
    assert_event_sequence(transport, ["Playback Started", "Content Started"])
    assert event_sequence(transport) == ["Playback Started", "Content Started"]


def test_a_wrong_property_is_marked_and_explained() -> None:
    with pytest.raises(AssertionError) as failure:
        assert_event_sequence(
            PAYLOADS, ["Playback Started", ("Content Started", 5), "Content Playing", "Paused",
                       {"event": "Ad Playing", "quartile": 2}]
        )  # fmt: skip
    message = str(failure.value)
    assert "expected 5 events, got 5; 2 differences" in message
    lines = message.splitlines()
    flagged = [line for line in lines if line.startswith("  !")]
    assert len(flagged) == 2
    assert "Video Content Started  position=5" in flagged[0]
    assert "position=0" in flagged[0]
    assert "^ position: expected 5, got 0" in message
    assert "^ quartile: expected 2, got 1" in message


def test_missing_and_unexpected_events_are_aligned() -> None:
    expected = ["Playback Started", "Content Started", "Seek Started", "Paused"]
    diff = sequence_diff(PAYLOADS, expected, ignore=["Content Playing"])
    assert diff is not None
    rows = diff.splitlines()[3:]
    assert [row[:3] for row in rows] == ["   ", "   ", "  -", "   ", "  +"]
    assert "Video Playback Seek Started" in rows[2]
    assert "Video Ad Playing  position=3  quartile=1" in rows[4]
    assert "(ignoring Content Playing)" in diff
    # The columns line up: every "actual" column starts at the same offset.
    actual = [row.index("Video", 10) for row in rows if row.startswith("   ")]
    assert len(set(actual)) == 1


def test_a_right_event_stays_beside_its_expectation_next_to_an_extra_one() -> None:
    payloads = sent(
        ("Video Ad Playing", {"quartile": 1}),
        ("Video Ad Playing", {"position": 10}),
        ("Video Ad Playing", {"quartile": 2}),
    )
    diff = sequence_diff(
        payloads, [("Ad Playing", {"quartile": 1}), ("Ad Playing", {"quartile": 2})]
    )
    assert diff is not None
    assert [row[:3] for row in diff.splitlines()[3:]] == ["   ", "  +", "   "]


def test_property_missing_from_payload_is_reported() -> None:
    diff = sequence_diff(PAYLOADS[:1], [("Playback Started", {"seek_position": 3})])
    assert diff is not None
    assert "seek_position: expected 3, missing" in diff


def test_bad_expectations_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="'event' key"):
        ExpectedEvent.parse({"position": 1})
    with pytest.raises(ValueError, match="cannot read expected event"):
        ExpectedEvent.parse(("Paused", 1, 2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected event payloads"):
        sequence_diff(["Video Playback Started"], ["Playback Started"])


def test_event_sequence_compares_with_lists_and_other_sequences() -> None:
    sequence = event_sequence(PAYLOADS, ignore=["Ad Playing"])
    assert len(sequence) == 4
    assert sequence == ["Playback Started", "Content Started", "Content Playing", "Paused"]
    assert sequence != ["Playback Started"]
    assert sequence == event_sequence(PAYLOADS[:4])
    assert "Video Playback Paused" in repr(sequence)
