"""Playback properties: what a user may add, and what every playback event carries."""

from __future__ import annotations

import pytest

from playhead import ConfigurationError
from playhead.properties import OWNED, PlaybackProperties, check_properties


def test_custom_and_well_typed_spec_properties_pass() -> None:
    given = {"video_player": "html5", "sound": 80, "full_screen": False, "plan": [1, 2]}
    assert check_properties("properties", given) == given
    assert check_properties("properties", None) == {}


@pytest.mark.parametrize("key", sorted(OWNED))
def test_every_owned_key_is_refused_by_name(key: str) -> None:
    with pytest.raises(ConfigurationError, match=key):
        check_properties("properties", {key: 1})


@pytest.mark.parametrize(
    ("key", "value"),
    [("bitrate", "high"), ("bitrate", True), ("framerate", -1), ("sound", 500), ("quality", 1)],
)
def test_spec_fields_of_the_wrong_type_are_refused(key: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=key):
        check_properties("properties", {key: value})


def test_not_a_mapping_or_a_key_that_is_not_a_string() -> None:
    with pytest.raises(ConfigurationError, match="mapping"):
        check_properties("properties", [("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="strings"):
        check_properties("properties", {1: "a"})  # type: ignore[dict-item]


def test_build_adds_positions_and_what_the_player_last_said() -> None:
    user = {"video_player": "mpv"}
    props = PlaybackProperties(user, live=False)
    assert props.build("s", 3, None, None, None) == {
        "session_id": "s",
        "video_player": "mpv",
        "livestream": False,
        "position": 3,
    }
    assert user == {"video_player": "mpv"}  # shared with the tracker: never changed
    props.sound, props.full_screen = 40, True
    built = props.build("s", 3, 99.9, 2500, 30)
    assert built["total_length"] == 99
    assert (built["bitrate"], built["framerate"], built["sound"], built["full_screen"]) == (
        2500, 30, 40, True
    )  # fmt: skip
