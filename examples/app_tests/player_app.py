"""A tiny video app: the code a playhead user writes, and tests with the playhead plugin.

``PlayerController`` is the glue between a player that speaks HTML5-video-like events
(``play``, ``playing``, ``pause``, ``timeupdate``, ``waiting``, ``seeking``, ``seeked``,
``ended``) and a playhead session, with the app's own logic on top: resuming an episode from
the viewer's bookmark, autoplaying the next episode, and closing the player.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import playhead


@dataclass(frozen=True)
class Episode:
    asset_id: str
    title: str
    seconds: float


class PlayerController:
    """Drives one playhead session per opened playlist from the player's events."""

    def __init__(self, tracker: playhead.Tracker, bookmarks: dict[str, float] | None = None):
        self.tracker = tracker
        self.bookmarks = dict(bookmarks or {})
        self.session: playhead.Session | None = None
        self.playlist: list[Episode] = []
        self.current = 0
        self.current_time = 0.0

    def open(self, playlist: list[Episode], autoplay: bool = True) -> None:
        """Load a playlist; with autoplay, request playback at once (from the bookmark)."""
        self.playlist = list(playlist)
        self.current = 0
        self.session = self.tracker.session(
            content=[
                playhead.Content(asset_id=e.asset_id, title=e.title, total_length=e.seconds)
                for e in self.playlist
            ]
        )
        if autoplay:
            self.handle("play")

    def handle(self, event: str, **data: Any) -> None:
        """One event from the player. Unknown events are ignored (players send many)."""
        session = self.session
        if session is None:
            return
        time = data.get("currentTime")
        if time is not None:
            self.current_time = time
        if event == "play":
            session.play()
            bookmark = self.bookmarks.get(self.playlist[self.current].asset_id)
            if bookmark:
                # Before the first frame a seek is a starting position, not a seek.
                session.seeking(to=bookmark)
                session.seeked()
        elif event == "playing":
            session.playing(time)
        elif event == "pause":
            session.pause(time)
        elif event == "timeupdate":
            session.time_update(self.current_time)
        elif event == "waiting":
            session.waiting(time)
        elif event == "seeking":
            session.seeking(to=self.current_time)
        elif event == "seeked":
            session.seeked(time)
        elif event == "ended":
            session.ended()
            self.bookmarks.pop(self.playlist[self.current].asset_id, None)
            if self.current + 1 < len(self.playlist):
                self.current += 1
                session.content_start(self.playlist[self.current].asset_id)
        elif event == "close":
            episode = self.playlist[self.current]
            if self.current_time < episode.seconds:
                self.bookmarks[episode.asset_id] = self.current_time
            session.exit(self.current_time)
            self.session = None
