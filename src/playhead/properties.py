"""Playback properties a user adds (``Tracker(properties=...)``, ``tracker.session(properties=)``).

They ride on every playback event, so they must not break a payload: a key the session owns is
refused, and so is a spec field of the wrong type. Both are :class:`~playhead.ConfigurationError`
at configuration time, naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from playhead.errors import ConfigurationError
from playhead.positions import seconds

if TYPE_CHECKING:
    from playhead.ads import AdCursor
    from playhead.playlist import Playlist
    from playhead.quality import QualityState

__all__ = [
    "OWNED",
    "PlaybackProperties",
    "check_properties",
    "content_properties",
    "playlist_properties",
]

#: Keys the session sets itself on playback events: a user value would contradict it.
OWNED = frozenset(
    {
        "session_id",
        "position",
        "total_length",
        "livestream",
        "seek_position",
        "content_asset_id",
        "content_pod_id",
        "content_asset_ids",
        "content_pod_ids",
        "ad_asset_id",
        "ad_pod_id",
        "ad_type",
        "method",
        "exit_reason",
    }
)


def _integer(low: int | None = None, high: int | None = None) -> Any:
    def check(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "an integer"
        if (low is not None and value < low) or (high is not None and value > high):
            return (
                f"an integer from {low} to {high}" if high is not None else f"an integer >= {low}"
            )
        return None

    return check


def _kind(kind: type, label: str) -> Any:
    def check(value: object) -> str | None:
        return None if isinstance(value, kind) else label

    return check


# The spec's playback_properties a user may set, with the type its schema gives them.
_SPEC_FIELDS = {
    "bitrate": _integer(0),
    "framerate": _integer(0),
    "sound": _integer(0, 100),
    "full_screen": _kind(bool, "a boolean"),
    "ad_enabled": _kind(bool, "a boolean"),
    "video_player": _kind(str, "a string"),
    "quality": _kind(str, "a string"),
}


def check_properties(name: str, properties: Mapping[str, Any] | None) -> dict[str, Any]:
    """A copy of ``properties``, or ConfigurationError naming the first key that would break."""
    if properties is None:
        return {}
    if not isinstance(properties, Mapping):
        raise ConfigurationError(f"{name} must be a mapping, got {properties!r}")
    for key, value in properties.items():
        if not isinstance(key, str):
            raise ConfigurationError(f"{name}: keys must be strings, got {key!r}")
        if key in OWNED:
            raise ConfigurationError(
                f"{name}[{key!r}]: {key!r} is set by the session on every event; it cannot be "
                "given as a property"
            )
        check = _SPEC_FIELDS.get(key)
        if check is not None:
            expected = check(value)
            if expected is not None:
                raise ConfigurationError(
                    f"{name}[{key!r}] must be {expected} (the spec's schema), got {value!r}"
                )
    return dict(properties)


class PlaybackProperties:
    """What every playback event carries besides positions: the user's, volume, fullscreen.

    ``user`` holds the tracker's and the session's properties (the tracker's own mapping,
    shared, when the session adds none: no dict per session); :meth:`build` adds
    ``session_id``, ``livestream``, the position and the player's last volume / fullscreen /
    quality. A session that adds no properties starts with one of its tracker's ``shared``
    instances (one object fewer per session for the garbage collector to walk) and takes its
    own (:meth:`own`) when the player first reports a volume or fullscreen.
    """

    __slots__ = ("full_screen", "live", "shared", "sound", "user")

    def __init__(self, user: Mapping[str, Any], live: bool, *, shared: bool = False) -> None:
        self.user = user
        self.live = live
        self.shared = shared
        self.sound: int | None = None
        self.full_screen: bool | None = None

    def own(self) -> PlaybackProperties:
        """These properties, to change: a copy of its own when they are shared."""
        return PlaybackProperties(self.user, self.live) if self.shared else self

    def build(
        self,
        session_id: str,
        position: int,
        total: float | None,
        bitrate: int | None,
        framerate: int | None,
    ) -> dict[str, Any]:
        props: dict[str, Any] = {"session_id": session_id}
        props.update(self.user)
        props["livestream"] = self.live
        props["position"] = position
        if total is not None:
            props["total_length"] = int(total)
        if bitrate is not None:
            props["bitrate"] = bitrate
        if framerate is not None:
            props["framerate"] = framerate
        if self.sound is not None:
            props["sound"] = self.sound
        if self.full_screen is not None:
            props["full_screen"] = self.full_screen
        return props

    def playback(
        self,
        session_id: str,
        position: float,
        playlist: Playlist,
        ads: AdCursor,
        quality: QualityState,
        with_ids: bool = True,
    ) -> dict[str, Any]:
        """A playback event's properties at ``position`` (playback-frame seconds): what plays
        (the content item's ids, the ad's during an ad) unless ``with_ids`` is False."""
        props = self.build(
            session_id, seconds(position), playlist.total, quality.bitrate, quality.framerate
        )
        if with_ids:
            item = playlist.item
            if item is not None:
                props["content_asset_id"] = item.asset_id
                if item.pod_id:
                    props["content_pod_id"] = item.pod_id
            if ads.ad is not None:
                ads.add_playback_ids(props)
        return props


def playlist_properties(props: dict[str, Any], playlist: Playlist) -> dict[str, Any]:
    """Video Playback Started's lists: every declared item's and ad's ids, added to ``props``."""
    props["content_asset_ids"] = [item.asset_id for item in playlist.content]
    props["content_pod_ids"] = [item.pod_id for item in playlist.content if item.pod_id]
    if playlist.breaks:
        props["ad_asset_id"] = [ad.asset_id for brk in playlist.breaks for ad in brk.ads]
        props["ad_pod_id"] = [brk.pod_id for brk in playlist.breaks]
    return props


def content_properties(session_id: str, playlist: Playlist, position: float) -> dict[str, Any]:
    """A Video Content event's properties: the current item's, at ``position`` (its seconds)."""
    props = playlist.item_props.copy()  # a heartbeat is this: a copy and two stores
    props["session_id"] = session_id
    props["position"] = seconds(position)
    return props
