"""The playheads in the spec's three frames: content, ad, and playback (all of it).

Between reports a running playhead is carried forward from the last one: the content playhead
at the playback rate (``rate_change``), the ad playhead at normal speed (ads play in their own
element, whose rate control ad SDKs disable). It never passes the end of its item or ad.
"""

from __future__ import annotations

from playhead.positions import MAX_SECONDS, check_position

__all__ = ["Playheads"]


class Playheads:
    """The content and ad playheads, and the seconds already behind the current item.

    ``content_running`` / ``ad_running`` say whether frames advance (the session's state);
    ``limit`` is the current item's length, ``ad_length`` the current ad's (None: unknown).
    """

    __slots__ = (
        "ad_at",
        "ad_length",
        "ad_pos",
        "ads_seen",
        "finished",
        "limit",
        "pos",
        "pos_at",
        "rate",
    )

    def __init__(self) -> None:
        self.pos = 0.0  # content playhead at the last report or freeze
        self.pos_at = 0.0  # ... and when that was (monotonic)
        self.rate = 1.0
        self.limit = MAX_SECONDS
        self.ad_pos = 0.0
        self.ad_at = 0.0
        self.ad_length: float | None = None
        self.finished = 0.0  # seconds of items finished (or abandoned) before this one
        self.ads_seen = 0.0  # seconds of ads seen

    # -- reads ---------------------------------------------------------------------------------

    def content(self, now: float, running: bool) -> float:
        """The content playhead at ``now``."""
        if not running:
            return self.pos
        return min(self.pos + (now - self.pos_at) * self.rate, self.limit)

    def ad(self, now: float, running: bool) -> float:
        """The ad playhead at ``now``."""
        if not running:
            return self.ad_pos
        position = self.ad_pos + (now - self.ad_at)
        length = self.ad_length
        return min(position, length) if length is not None else position

    def check(self, value: object) -> tuple[float | None, str | None]:
        """A reported content position (clamped to the item's end), or why it cannot be one."""
        limit = self.limit
        return check_position(value, None if limit == MAX_SECONDS else limit)

    def check_ad(self, value: object) -> tuple[float | None, str | None]:
        """A reported ad position (clamped to the ad's end), or why it cannot be one."""
        return check_position(value, self.ad_length)

    def playback_at(self, content_position: float) -> float:
        """A content position in the playback frame (finished items and ads seen included)."""
        return self.finished + content_position + self.ads_seen

    # -- reports and transitions ---------------------------------------------------------------

    def report(self, position: float, now: float) -> None:
        self.pos = position
        self.pos_at = now

    def report_ad(self, position: float, now: float) -> None:
        self.ad_pos = position
        self.ad_at = now

    def freeze(self, now: float, content_running: bool, ad_running: bool) -> None:
        """Fix the carried-forward playheads at ``now`` (before a transition reads them)."""
        if content_running:
            self.pos = self.content(now, True)
            self.pos_at = now
        elif ad_running:
            self.ad_pos = self.ad(now, True)
            self.ad_at = now

    def new_item(self, limit: float) -> None:
        self.pos = 0.0
        self.limit = limit

    def finish_item(self, length: float | None) -> None:
        """The item ended: its length (or what was watched, when unknown) is behind us."""
        self.finished += length if length is not None else self.pos

    def abandon_item(self, started: bool) -> None:
        """Another item replaces this one: what was watched of it is behind us."""
        if started:
            self.finished += self.pos

    def start_ad(self, length: float | None, now: float) -> None:
        self.ad_length = length
        self.ad_pos = 0.0
        self.ad_at = now

    def end_ad(self) -> None:
        """The ad is over: the seconds seen of it count in the playback frame."""
        self.ads_seen += self.ad_pos
        self.ad_pos = 0.0
        self.ad_length = None
