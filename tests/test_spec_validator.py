"""The validator the other tests rely on must reject what the spec rejects."""

from __future__ import annotations

import pytest

from tests.spec import assert_valid, spec

SCHEMAS = spec()["components"]["schemas"]

BASE = {
    "type": "track",
    "event": "Video Playback Paused",
    "userId": "u1",
    "properties": {"session_id": "s", "position": 10, "total_length": 100},
}


def test_accepts_a_plain_paused_event() -> None:
    assert_valid(dict(BASE))


@pytest.mark.parametrize(
    "change",
    [
        {"anonymousId": "a1"},  # both ids: matches both oneOf variants
        {"event": "Video Playback Rewound"},  # not one of the 17
        {"properties": {"position": 10.5}},  # positions are integers
        {"properties": {"total_length": None}},
        {"type": "page"},
    ],
)
def test_rejects_what_the_spec_rejects(change: dict[str, object]) -> None:
    payload = {**BASE, **change}
    with pytest.raises(AssertionError):
        assert_valid(payload)


def test_rejects_a_payload_without_identity() -> None:
    payload = dict(BASE)
    del payload["userId"]
    with pytest.raises(AssertionError):
        assert_valid(payload)


def test_the_fast_per_event_check_agrees_with_the_whole_schema() -> None:
    import playhead
    from tests.spec import validator

    assert {validator(name).schema["$ref"] for name in playhead.EVENTS} == {
        f"#/components/schemas/{name}" for name in SCHEMAS if name.endswith("_event")
    }
    samples = [
        dict(BASE),
        {**BASE, "anonymousId": "a"},
        {**BASE, "properties": {"position": 1.5}},
        {**BASE, "event": "Video Ad Playing", "properties": {"quartile": 2}},
        {**BASE, "event": "Video Ad Playing", "properties": {"quartile": "2"}},
    ]
    for payload in samples:
        fast = validator(payload["event"]).is_valid(payload)
        assert fast == validator().is_valid(payload)


def test_playhead_knows_exactly_the_spec_events() -> None:
    import playhead

    names = {
        schema["oneOf"][0]["properties"]["event"]["enum"][0]
        for key, schema in SCHEMAS.items()
        if key.endswith("_event")
    }
    assert sorted(playhead.EVENTS) == sorted(names)
    assert playhead.Event.SEEK_STARTED == "Video Playback Seek Started"
