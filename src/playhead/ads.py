"""The ad cursor: the open break, the ad in it, its pod position and its quartiles.

It answers what the ad events carry and which quartiles are due; the session emits them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from playhead.errors import ConfigurationError
from playhead.model import AD_TYPES, Ad, AdBreak
from playhead.quartiles import Quartiles

if TYPE_CHECKING:
    from playhead.playlist import Playlist

__all__ = ["NO_ADS", "AdCursor", "ad_metadata_problem"]

#: ``ad_start()`` keywords that describe the break or the pod, not the ad itself.
_BREAK_KEYS = ("pod_id", "type", "pod_position", "pod_length")

#: Before any ad: no length, so nothing is ever crossed (shared: it is never changed).
_NO_QUARTILES = Quartiles(None)

#: An ad cut off this close to its end counts as completed (players stop a frame or two short).
END_SLACK = 0.5

#: A heartbeat or a clock-driven quartile at a quartile's exact instant crosses it (float error).
_AT = 1e-9


def ad_metadata_problem(asset_id: str, metadata: Mapping[str, Any]) -> str | None:
    """What is wrong with ``ad_start()`` metadata (a field of the wrong type), or None."""
    kind = metadata.get("type")
    if kind is not None and kind not in AD_TYPES:
        return f"type must be one of {AD_TYPES}, got {kind!r}"
    pod_id = metadata.get("pod_id")
    if pod_id is not None and (not isinstance(pod_id, str) or not pod_id):
        return f"pod_id must be a non-empty string, got {pod_id!r}"
    for name in ("pod_position", "pod_length"):
        value = metadata.get(name)
        if value is not None and (type(value) is not int or value < 1):
            return f"{name} must be an integer >= 1, got {value!r}"
    fields = {k: v for k, v in metadata.items() if k not in _BREAK_KEYS}
    try:
        Ad.from_dict({"asset_id": asset_id, **fields})
    except (ConfigurationError, TypeError, ValueError) as exc:
        return str(exc)
    return None


class AdCursor:
    """Where the session is among ads: break, ad, pod position and length, quartiles."""

    __slots__ = (
        "ad",
        "brk",
        "count",
        "playing_at",
        "pod_length",
        "pod_position",
        "props",
        "quartiles",
        "reported",
    )

    def __init__(self) -> None:
        self.brk: AdBreak | None = None
        self.count = 0  # ads started in the open break
        self.ad: Ad | None = None
        self.props: dict[str, Any] = {}
        self.pod_position = 0
        self.pod_length: int | None = None
        self.reported = False  # the player reports ad time: quartiles follow it
        self.quartiles = _NO_QUARTILES
        self.playing_at = -1.0  # the instant of the last Video Ad Playing (one per instant)

    def open(self, brk: AdBreak) -> None:
        self.brk = brk
        self.count = 0

    def enter(
        self,
        brk: AdBreak | None,
        metadata: Mapping[str, Any],
        playlist: Playlist,
        nothing_finished: bool,
    ) -> None:
        """Open ``brk`` (an ``ad_break_start()``), or for an ``ad_start()`` (``brk`` None,
        the ad's ``metadata``) stay in the open break or open the one it implies."""
        if brk is None:
            if self.brk is not None:  # an ad_start() within an open break
                return
            brk = playlist.implied_break(metadata, nothing_finished)
        elif self.brk is not None:  # a new break while one is open
            self.close()
        self.open(brk)
        playlist.break_played(brk.pod_id)

    def close(self) -> None:
        self.brk = None
        self.count = 0

    def start(self, asset_id: str, metadata: Mapping[str, Any]) -> tuple[Ad, bool]:
        """Start an ad of the open break; return it, and whether it was not declared."""
        brk = self.brk
        assert brk is not None, "a break is opened before an ad starts"
        self.count += 1
        position = self.count
        length: int | None = len(brk.ads) or None
        declared = True
        for index, known in enumerate(brk.ads):
            if known.asset_id == asset_id:
                ad = known.with_metadata(**metadata)
                position = index + 1
                break
        else:
            meta = {k: v for k, v in metadata.items() if k not in ("pod_id", "type")}
            length = meta.pop("pod_length", length)
            position = meta.pop("pod_position", position)
            ad = Ad.from_dict({"asset_id": asset_id, **meta})
            declared = False
        self.ad = ad
        self.props = ad.to_properties()
        self.props.update(brk.extra)
        self.pod_position = position
        self.pod_length = length if length is None else max(length, position)
        self.reported = False
        self.quartiles = Quartiles(ad.total_length)
        return ad, not declared

    def drop(self) -> None:
        """The ad is over (completed, skipped or cut off)."""
        self.ad = None
        self.props = {}

    @property
    def length(self) -> float | None:
        return self.ad.total_length if self.ad is not None else None

    def reached_end(self, position: float) -> bool:
        length = self.length
        return length is not None and position >= length - END_SLACK

    # -- what Video Ad Playing events are due: a quartile number, or None for a plain one --

    def crossed(self, position: float, now: float) -> list[int]:
        """Quartiles the player's ad time crossed at ``position``."""
        found = self.quartiles.crossed(position)
        if found:
            self.playing_at = now
        return found

    def heartbeat(self, position: float, now: float) -> list[int | None]:
        """One Video Ad Playing per instant: a quartile due now rides on the heartbeat."""
        due: list[int | None] = list(self.quartiles.crossed(position + _AT))
        if not due and self.playing_at != now:
            due.append(None)
        if due:
            self.playing_at = now
        return due

    def by_clock(self, position: float, now: float) -> list[int]:
        """Quartiles fallen due by the clock, unless a heartbeat at this instant carried them."""
        if self.playing_at == now:
            return []
        return self.crossed(position + _AT, now)

    def quartile_due(self, now: float, position: float) -> float | None:
        """When the next quartile falls due by the clock from ``position`` at ``now``, or None
        (none left, or the player reports the ad's time)."""
        threshold = None if self.reported else self.quartiles.next_threshold()
        return None if threshold is None else now + max(0.0, threshold - position)

    def completed(self, now: float) -> list[int]:
        """Quartiles the ad never reported before its end: all are crossed when it completes."""
        rest = self.quartiles.remaining()
        if rest:
            self.playing_at = now
        return rest

    def event_props(self, session_id: str, position: int) -> dict[str, Any]:
        """The properties of a Video Ad event at ``position`` (ad seconds)."""
        props: dict[str, Any] = {"session_id": session_id}
        props.update(self.props)
        brk = self.brk
        if brk is not None:
            props["pod_id"] = brk.pod_id
            props["type"] = brk.type
        props["pod_position"] = self.pod_position
        if self.pod_length is not None:
            props["pod_length"] = self.pod_length
        props["position"] = position
        return props

    def playing_props(
        self, session_id: str, position: int, due: list[int] | list[int | None]
    ) -> list[dict[str, Any]]:
        """The properties of each Video Ad Playing that is ``due`` (a quartile, or None)."""
        events = []
        for quartile in due:
            props = self.event_props(session_id, position)
            if quartile is not None:
                props["quartile"] = quartile
            events.append(props)
        return events

    def add_playback_ids(self, props: dict[str, Any]) -> None:
        """Playback events during an ad name it: ``ad_asset_id``, ``ad_pod_id``, ``ad_type``."""
        ad, brk = self.ad, self.brk
        if ad is not None and brk is not None:
            props["ad_asset_id"] = ad.asset_id
            props["ad_pod_id"] = brk.pod_id
            props["ad_type"] = brk.type


#: The cursor of a session that has seen no ad yet: shared, never changed (a session makes its
#: own when its first break opens; most sessions never do).
NO_ADS = AdCursor()
