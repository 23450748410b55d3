"""The data behind a session picture: bands, markers, the content playhead and stats.

Everything here is derived from event payloads alone (what a JSONL transport wrote, or a capture
of what was sent to the collector), never from a session's internal state, so a picture can be
drawn for events produced by any tracker that follows the Video Spec.

Times are seconds since the session's first event. The derivation rules:

- a session is every payload sharing ``properties.session_id``;
- ``loading`` runs from Playback Started (and from the end of an item) until content or an ad
  starts; ``playing`` is content playing, ``ad`` an ad playing;
- ``paused``, ``stalled``, ``seeking`` and ``interrupted`` are opened by Paused, Buffer Started,
  Seek Started and Interrupted and closed by Resumed, Buffer Completed, Seek Completed and
  Resumed; when several are open, the band shows seeking, then stalled, interrupted, paused;
- a new item (Content Started, Ad Started) closes what was left open;
- content is taken to resume at a mid-roll's Ad Completed, or at the next content event after a
  skipped ad (no Ad Completed); the next content event's position then moves that resume to
  when frames really advanced again (the content playhead is frozen during an ad);
- the session ends at Playback Completed or Exited, or else at its last event (``open``);
- an ad that started and never completed was skipped: the next event that is not about it
  shows it, and the derived marker (:data:`SKIPPED_AD`) goes where the ad's band ended.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from playhead.clock import parse_timestamp

__all__ = [
    "BAND_STATES",
    "OUTCOMES",
    "SKIPPED_AD",
    "Band",
    "Marker",
    "SessionStats",
    "SessionTimeline",
    "build_sessions",
    "build_timeline",
]

Payload = Mapping[str, Any]
Lane = Literal["playback", "content", "ad", "quality"]

BAND_STATES: tuple[str, ...] = (
    "loading",
    "playing",
    "ad",
    "paused",
    "stalled",
    "seeking",
    "interrupted",
)

Outcome = Literal["completed", "exited", "idle-ended", "interrupted", "open"]

#: How a session ended, in the order the fleet page lists them.
OUTCOMES: tuple[str, ...] = ("completed", "exited", "idle-ended", "interrupted", "open")

#: The ``event`` of a derived :class:`Marker`: an ad started, then something else happened.
SKIPPED_AD = "Ad skipped"

_OVERLAY_PRIORITY = ("seeking", "stalled", "interrupted", "paused")

_SHORT_LABELS: dict[str, str] = {
    "Video Playback Started": "started",
    "Video Playback Paused": "paused",
    "Video Playback Resumed": "resumed",
    "Video Playback Interrupted": "interrupted",
    "Video Playback Buffer Started": "buffer",
    "Video Playback Buffer Completed": "buffered",
    "Video Playback Seek Started": "seek",
    "Video Playback Seek Completed": "seeked",
    "Video Playback Completed": "completed",
    "Video Playback Exited": "exited",
    "Video Content Started": "content start",
    "Video Content Playing": "heartbeat",
    "Video Content Completed": "content end",
    "Video Ad Started": "ad start",
    "Video Ad Playing": "heartbeat",
    "Video Ad Completed": "ad end",
    "Video Quality Updated": "quality",
}


@attrs.frozen
class Band:
    """One stretch of time in one state (see :data:`BAND_STATES`).

    .. versionadded:: 0.1
    """

    state: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@attrs.frozen
class Marker:
    """One event, placed on its lane (playback, content, ad or quality).

    ``label`` is short text for the drawing (``Q2``, ``paused``, ``2500 kbps``); ``properties``
    are the payload's properties, for tooltips and tables. A ``derived`` marker is no event but
    something the events imply: :data:`SKIPPED_AD`, an ad that started and never completed,
    placed where its band ended (when content resumed).

    .. versionchanged:: 0.2 ``derived`` markers (skipped ads).

    .. versionadded:: 0.1
    """

    at: float
    event: str
    lane: Lane
    label: str
    position: int | None = None
    quartile: int | None = None
    heartbeat: bool = False
    properties: Mapping[str, Any] = attrs.field(factory=dict)
    derived: bool = False


@attrs.frozen
class SessionStats:
    """Session figures derived from the events.

    ``startup_time`` is in milliseconds: the ``startupTime`` a Quality Updated reported when
    there is one (``startup_source == "reported"``), otherwise the time from Playback Started to
    the first Content or Ad Started (``"events"``: an estimate, shown as such). ``rebuffer_ratio``
    is stalled time over stalled plus playing time (content and ads). ``outcome`` is one of
    :data:`OUTCOMES`: ``completed`` (Playback Completed), ``exited`` (Playback Exited),
    ``idle-ended`` (Playback Exited with ``exit_reason: "idle_timeout"``), ``interrupted`` (no
    end, and the last word was Interrupted), ``open`` (no end).

    .. versionchanged:: 0.2 the ``idle-ended`` and ``interrupted`` outcomes.

    .. versionadded:: 0.1
    """

    duration: float
    startup_time: int | None
    startup_source: Literal["reported", "events", "unknown"]
    time_played: float
    time_in_ads: float
    time_paused: float
    time_stalled: float
    time_seeking: float
    time_interrupted: float
    rebuffer_ratio: float
    stall_count: int
    seek_count: int
    pause_count: int
    interruption_count: int
    ads_started: int
    ads_completed: int
    heartbeats: int
    events: int
    outcome: Outcome


@attrs.frozen
class SessionTimeline:
    """Everything the picture of one session shows.

    ``playhead`` is the content playhead as lines of ``(at, position)`` points; a new line
    starts with each content item. ``content_length`` is the longest ``total_length`` seen on
    content events (None for a livestream).

    .. versionadded:: 0.1
    """

    session_id: str
    user: str
    start: float
    timestamp: str
    content_ids: tuple[str, ...]
    livestream: bool
    content_length: float | None
    bands: tuple[Band, ...]
    markers: tuple[Marker, ...]
    playhead: tuple[tuple[tuple[float, float], ...], ...]
    stats: SessionStats

    def state_at(self, at: float) -> str | None:
        """The band state at ``at`` seconds (None outside every band)."""
        for band in self.bands:
            if band.start <= at < band.end:
                return band.state
        return None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _label(event: str, props: Mapping[str, Any]) -> str:
    if event == "Video Ad Playing" and props.get("quartile") in (1, 2, 3):
        return f"Q{props['quartile']}"
    if event == "Video Quality Updated":
        parts = []
        if _number(props.get("bitrate")) is not None:
            parts.append(f"{props['bitrate']} kbps")
        if _number(props.get("framerate")) is not None:
            parts.append(f"{props['framerate']} fps")
        if not parts and _number(props.get("droppedFrames")) is not None:
            parts.append(f"{props['droppedFrames']} dropped")
        return " ".join(parts) or "quality"
    return _SHORT_LABELS.get(event, event)


def _lane(event: str) -> Lane:
    if event.startswith("Video Content"):
        return "content"
    if event.startswith("Video Ad"):
        return "ad"
    if event.startswith("Video Quality"):
        return "quality"
    return "playback"


class _Builder:
    """Walks one session's events in time order and records bands, markers and the playhead."""

    def __init__(self, record: bool = True) -> None:
        self.mode = "idle"  # idle, loading, content, ad, ended
        self.overlays: set[str] = set()
        self.content_active = False
        # A fleet summary keeps only the time per state: its memory must not grow with events.
        self.record = record
        self.bands: list[Band] = []
        self.totals: dict[str, float] = dict.fromkeys(BAND_STATES, 0.0)
        self.current: str | None = None
        self.current_since = 0.0
        # Content playhead: last anchor, and the playback-frame offset (ads seen, items done).
        self.anchor: tuple[float, float] | None = None
        self.offset: float | None = None
        self.lines: list[list[tuple[float, float]]] = []
        self.content_length: float | None = None
        self.last_at = 0.0
        # After an ad break the content is assumed to play at once; the next content event
        # tells when it really did (see correct_resume).
        self.assumed_resume = False

    def shown(self) -> str | None:
        for overlay in _OVERLAY_PRIORITY:
            if overlay in self.overlays:
                return overlay
        return {"loading": "loading", "content": "playing", "ad": "ad"}.get(self.mode)

    def content_now(self, at: float) -> float | None:
        if self.anchor is None:
            return None
        since, position = self.anchor
        moving = self.current == "playing"
        value = position + (at - since if moving else 0.0)
        if self.content_length is not None:
            value = min(value, self.content_length)
        return value

    def close(self, state: str, start: float, end: float) -> None:
        self.totals[state] += end - start
        if self.record:
            self.bands.append(Band(state, start, end))

    def point(self, at: float, position: float) -> None:
        if not self.record:
            return
        line = self.lines[-1]
        if not line or line[-1] != (at, position):
            line.append((at, position))

    def set_content(self, at: float, position: float, new_line: bool = False) -> None:
        here = self.content_now(at)
        if new_line or not self.lines:
            self.lines.append([])
        elif here is not None:
            self.point(at, here)
        self.point(at, position)
        self.anchor = (at, position)

    def switch(self, at: float) -> None:
        """Close the current band when the shown state changes at ``at``."""
        state = self.shown()
        if state == self.current:
            return
        here = self.content_now(at)
        if here is not None and self.lines:
            self.point(at, here)
            self.anchor = (at, here)
        if self.current is not None and at > self.current_since:
            self.close(self.current, self.current_since, at)
        self.current = state
        self.current_since = at

    def heartbeat(self, at: float, position: object) -> bool:
        """A content heartbeat while playing moves nothing but the anchor: the fleet summary's
        most frequent event takes this short way (what :meth:`event` would do, minus the
        drawing). False when it needs the long way."""
        if (
            self.record
            or self.mode != "content"
            or self.current != "playing"
            or self.assumed_resume
            or type(position) is not int
        ):
            return False
        self.anchor = (at, float(position))
        self.last_at = at
        return True

    def event(self, at: float, event: str, props: Mapping[str, Any]) -> None:
        if self.mode == "ended":
            return
        position = _number(props.get("position"))
        if event.startswith("Video Content") and _number(props.get("total_length")) is not None:
            length = float(props["total_length"])
            self.content_length = max(self.content_length or 0.0, length)

        if event.startswith("Video Content"):
            self.content_event(at, event, position)
        elif event == "Video Playback Started":
            self.mode = "loading"
        elif event == "Video Ad Started":
            self.mode = "ad"
            self.overlays.clear()
            self.offset = None
        elif event == "Video Ad Playing":
            if self.mode != "ad":
                self.mode = "ad"
                self.overlays.clear()
        elif event == "Video Ad Completed":
            self.mode = "content" if self.content_active else "loading"
            self.offset = None
            self.switch(at)
            self.assumed_resume = self.content_active
            self.last_at = at
            return
        elif event == "Video Playback Paused":
            self.overlays.add("paused")
        elif event == "Video Playback Resumed":
            self.overlays.discard("paused")
            self.overlays.discard("interrupted")
        elif event == "Video Playback Interrupted":
            self.overlays.add("interrupted")
        elif event == "Video Playback Buffer Started":
            self.overlays.add("stalled")
        elif event == "Video Playback Buffer Completed":
            self.overlays.discard("stalled")
        elif event == "Video Playback Seek Started":
            self.overlays.add("seeking")
        elif event == "Video Playback Seek Completed":
            self.overlays.discard("seeking")
        elif event in ("Video Playback Completed", "Video Playback Exited"):
            self.mode = "ended"
            self.overlays.clear()

        if event.startswith("Video Playback") and self.mode == "content" and position is not None:
            self.playback_position(at, event, position)
        if not event.startswith(("Video Content", "Video Quality")):
            self.assumed_resume = False
        self.switch(at)
        self.last_at = at

    def content_event(self, at: float, event: str, position: float | None) -> None:
        if event == "Video Content Started":
            self.mode = "content"
            self.content_active = True
            self.overlays.clear()
            self.offset = None
            self.switch(at)
            self.set_content(at, position or 0.0, new_line=True)
            return
        if self.mode != "content" and self.content_active:
            self.resume_content(at, position)
        elif self.assumed_resume and position is not None:
            self.correct_resume(at, position)
        self.assumed_resume = False
        if position is not None:
            self.switch(at)
            self.set_content(at, position)
        if event == "Video Content Completed":
            self.content_active = False
            self.mode = "loading"
            self.anchor = None

    def correct_resume(self, at: float, position: float) -> None:
        """Content was assumed to resume at the end of an ad; move that to when it did."""
        if self.anchor is None or self.current != "playing":
            return
        since, frozen = self.anchor
        resumed = at - (position - frozen)
        if since + 0.001 < resumed <= at:
            self.close("loading", self.current_since, resumed)
            self.current_since = resumed
            self.anchor = (resumed, frozen)
            self.point(resumed, frozen)

    def resume_content(self, at: float, position: float | None) -> None:
        """Content shows up again without a signal (after a skipped ad): when did it resume?

        Its playhead was frozen during the ad, so a position ``p`` reached at ``at`` means frames
        have advanced since ``at - (p - frozen)`` (never before the previous event).
        """
        since = at
        frozen = self.content_now(at)
        if position is not None and frozen is not None and position >= frozen:
            since = min(at, max(self.last_at, at - (position - frozen)))
        self.mode = "content"
        self.overlays.clear()
        self.switch(since)

    def playback_position(self, at: float, event: str, position: float) -> None:
        """Use a playback-frame position (ads and earlier items included) for the playhead."""
        here = self.content_now(at)
        if here is None:
            return
        if event == "Video Playback Seek Completed" and self.offset is not None:
            self.set_content(at, max(0.0, position - self.offset))
        elif event == "Video Playback Seek Started" or self.offset is None:
            self.offset = position - here

    def finish(self, at: float) -> None:
        self.mode = "ended"
        self.overlays.clear()
        self.switch(at)


_COUNTED = {
    "Video Playback Buffer Started": "stall_count",
    "Video Playback Seek Started": "seek_count",
    "Video Playback Paused": "pause_count",
    "Video Playback Interrupted": "interruption_count",
    "Video Ad Started": "ads_started",
    "Video Ad Completed": "ads_completed",
}


class _Tally:
    """The stats of one session, kept while its events go by (constant memory per session)."""

    def __init__(self) -> None:
        self.first_at: float | None = None
        self.last_at = 0.0
        self.events = 0
        self.heartbeats = 0
        self.counts = dict.fromkeys(_COUNTED.values(), 0)
        self.reported_startup: int | None = None
        self.started_at: float | None = None
        self.first_item_at: float | None = None
        self.ending: str | None = None  # the event that ended the session
        self.exit_reason: str | None = None

    def heartbeat(self, at: float) -> None:
        """What :meth:`add` does for a content heartbeat of a session that has not ended."""
        self.last_at = at
        self.events += 1
        self.heartbeats += 1

    def add(self, at: float, event: str, props: Mapping[str, Any]) -> None:
        if self.first_at is None:
            self.first_at = at
        self.last_at = at
        self.events += 1
        if self.ending is not None:
            return
        counted = _COUNTED.get(event)
        if counted is not None:
            self.counts[counted] += 1
        if event in ("Video Content Playing", "Video Ad Playing") and "quartile" not in props:
            self.heartbeats += 1
        elif event == "Video Playback Started" and self.started_at is None:
            self.started_at = at
        elif event in ("Video Content Started", "Video Ad Started") and self.first_item_at is None:
            self.first_item_at = at
        elif event == "Video Quality Updated" and self.reported_startup is None:
            value = _number(props.get("startupTime"))
            if value is not None:
                self.reported_startup = int(value)
        elif event in ("Video Playback Completed", "Video Playback Exited"):
            self.ending = event
            reason = props.get("exit_reason")
            self.exit_reason = reason if isinstance(reason, str) else None

    def startup(self) -> tuple[int | None, Literal["reported", "events", "unknown"]]:
        if self.reported_startup is not None:
            return self.reported_startup, "reported"
        if self.started_at is not None and self.first_item_at is not None:
            return round((self.first_item_at - self.started_at) * 1000), "events"
        return None, "unknown"

    def outcome(self, interrupted: bool) -> Outcome:
        if self.ending == "Video Playback Completed":
            return "completed"
        if self.ending == "Video Playback Exited":
            return "idle-ended" if self.exit_reason == "idle_timeout" else "exited"
        return "interrupted" if interrupted else "open"

    def stats(self, totals: Mapping[str, float], interrupted: bool) -> SessionStats:
        played, in_ads, stalled = totals["playing"], totals["ad"], totals["stalled"]
        watched = played + in_ads + stalled
        startup, source = self.startup()
        return SessionStats(
            duration=self.last_at - (self.first_at or 0.0),
            startup_time=startup,
            startup_source=source,
            time_played=played,
            time_in_ads=in_ads,
            time_paused=totals["paused"],
            time_stalled=stalled,
            time_seeking=totals["seeking"],
            time_interrupted=totals["interrupted"],
            rebuffer_ratio=stalled / watched if watched > 0 else 0.0,
            heartbeats=self.heartbeats,
            events=self.events,
            outcome=self.outcome(interrupted),
            **self.counts,
        )


def build_timeline(payloads: Iterable[Payload]) -> SessionTimeline:
    """The picture data of ONE session's payloads (any order; sorted by timestamp here).

    Raises ValueError when there are no events or they belong to several sessions.

    .. versionadded:: 0.1
    """
    timed: list[tuple[float, int, Payload]] = []
    for index, payload in enumerate(payloads):
        timed.append((parse_timestamp(payload["timestamp"]), index, payload))
    if not timed:
        raise ValueError("no events to draw")
    timed.sort(key=lambda item: (item[0], item[1]))
    session_ids = {str(p.get("properties", {}).get("session_id")) for _, _, p in timed}
    if len(session_ids) != 1:
        raise ValueError(f"events of {len(session_ids)} sessions given to build_timeline")

    start = timed[0][0]
    first = timed[0][2]
    builder = _Builder()
    tally = _Tally()
    markers: list[Marker] = []
    content_ids: list[str] = []
    livestream = False
    open_ad: Mapping[str, Any] | None = None  # an ad started and not completed (yet)
    open_ad_at = 0.0
    at = 0.0
    for epoch, _, payload in timed:
        at = round(epoch - start, 3)
        name = str(payload.get("event", ""))
        props: Mapping[str, Any] = payload.get("properties") or {}
        skipped = None
        if open_ad is not None and not _same_ad(name, props, open_ad):
            skipped, open_ad = open_ad, None
        if name == "Video Ad Started":
            open_ad, open_ad_at = props, at
        elif name == "Video Ad Completed":
            open_ad = None
        elif open_ad is not None and name == "Video Ad Playing":
            open_ad, open_ad_at = props, at
        tally.add(at, name, props)
        builder.event(at, name, props)
        if skipped is not None:
            # The skip shows where the ad's band ended (content resumed), else at this event.
            ended = next((b.end for b in reversed(builder.bands) if b.state == "ad"), at)
            markers.append(_skipped_ad(ended if open_ad_at <= ended <= at else at, skipped))
        if props.get("livestream") is True:
            livestream = True
        if name == "Video Playback Started":
            content_ids.extend(str(i) for i in props.get("content_asset_ids") or ())
        elif name == "Video Content Started" and props.get("asset_id") not in content_ids:
            content_ids.append(str(props.get("asset_id")))
        position = props.get("position")
        quartile = props.get("quartile")
        markers.append(
            Marker(
                at=at,
                event=name,
                lane=_lane(name),
                label=_label(name, props),
                position=position if isinstance(position, int) else None,
                quartile=quartile if isinstance(quartile, int) else None,
                heartbeat=name in ("Video Content Playing", "Video Ad Playing")
                and quartile is None,
                properties=dict(props),
            )
        )
    interrupted = builder.mode != "ended" and "interrupted" in builder.overlays
    builder.finish(at)
    markers.sort(key=lambda m: m.at)  # a skipped ad's mark may go before the event showing it
    return SessionTimeline(
        session_id=next(iter(session_ids)),
        user=str(first.get("userId") or first.get("anonymousId") or ""),
        start=start,
        timestamp=str(first.get("timestamp", "")),
        content_ids=tuple(content_ids),
        livestream=livestream,
        content_length=builder.content_length,
        bands=tuple(builder.bands),
        markers=tuple(markers),
        playhead=tuple(tuple(line) for line in builder.lines if line),
        stats=tally.stats(builder.totals, interrupted),
    )


def _same_ad(event: str, props: Mapping[str, Any], ad: Mapping[str, Any]) -> bool:
    """Is this event still about the open ad (or not about playback at all)?"""
    if event == "Video Quality Updated":
        return True
    if event in ("Video Ad Playing", "Video Ad Completed"):
        return props.get("asset_id") == ad.get("asset_id")
    return False


def _skipped_ad(at: float, ad: Mapping[str, Any]) -> Marker:
    """An ad that started and never completed: it was skipped (or cut off) by ``at``."""
    return Marker(
        at=at,
        event=SKIPPED_AD,
        lane="ad",
        label="ad skipped",
        position=ad.get("position") if isinstance(ad.get("position"), int) else None,
        derived=True,
        properties={
            k: ad[k] for k in ("asset_id", "pod_id", "position", "total_length") if k in ad
        },
    )


def build_sessions(payloads: Iterable[Payload]) -> list[SessionTimeline]:
    """One :class:`SessionTimeline` per ``session_id``, earliest session first.

    Payloads without a ``properties.session_id`` or a ``timestamp`` are not video session
    events and are left out.

    .. versionadded:: 0.1
    """
    groups: dict[str, list[Payload]] = {}
    for payload in payloads:
        props = payload.get("properties")
        if not isinstance(props, Mapping) or "session_id" not in props:
            continue
        if "timestamp" not in payload:
            continue
        groups.setdefault(str(props["session_id"]), []).append(payload)
    sessions = [build_timeline(group) for group in groups.values()]
    sessions.sort(key=lambda s: s.start)
    return sessions
