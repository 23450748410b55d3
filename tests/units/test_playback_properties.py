"""Playback properties: what a user may add, and what every playback event carries."""

from __future__ import annotations

import pytest

from playhead import ConfigurationError
from playhead.ads import NO_ADS, AdCursor
from playhead.playlist import Playlist
from playhead.properties import (
    OWNED,
    PlaybackProperties,
    check_properties,
    content_properties,
    playlist_properties,
)
from playhead.quality import NO_QUALITY


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


def _playlist() -> Playlist:
    return Playlist(
        [{"asset_id": "c1", "total_length": 60, "pod_id": "p"}, {"asset_id": "c2"}],
        [{"pod_id": "mid", "type": "mid-roll", "ads": [{"asset_id": "a1", "total_length": 15}]}],
        live=False,
    )


def test_playback_properties_name_what_plays() -> None:
    playlist = _playlist()
    props = PlaybackProperties({}, live=False)
    built = props.playback("s", 12.9, playlist, NO_ADS, NO_QUALITY)
    assert built["position"] == 12
    assert (built["content_asset_id"], built["content_pod_id"]) == ("c1", "p")
    assert "ad_asset_id" not in built
    ads = AdCursor()
    ads.open(playlist.breaks[0])
    ads.start("a1", {})
    during = props.playback("s", 20, playlist, ads, NO_QUALITY)
    assert (during["ad_asset_id"], during["ad_pod_id"], during["ad_type"]) == (
        "a1", "mid", "mid-roll"
    )  # fmt: skip
    bare = props.playback("s", 0, playlist, ads, NO_QUALITY, with_ids=False)
    assert "content_asset_id" not in bare
    assert "ad_asset_id" not in bare


def test_playback_started_lists_every_declared_id() -> None:
    props = playlist_properties({"session_id": "s"}, _playlist())
    assert props["content_asset_ids"] == ["c1", "c2"]
    assert props["content_pod_ids"] == ["p"]
    assert props["ad_asset_id"] == ["a1"]
    assert props["ad_pod_id"] == ["mid"]


def test_content_properties_drop_the_length_of_a_livestream() -> None:
    playlist = _playlist()
    props = content_properties("s", playlist, 7.5)
    assert (props["asset_id"], props["position"], props["livestream"]) == ("c1", 7, False)
    live = Playlist([{"asset_id": "tv", "total_length": 60}], (), live=True)
    live_props = content_properties("s", live, 3)
    assert "total_length" not in live_props
    assert live_props["livestream"] is True
