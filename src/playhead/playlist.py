"""The playlist of one session: its items, its ad breaks, where it is, and the total length.

The unit behind the session's content: which item plays, whether it started, what comes after
it, and the declared and discovered lengths (the playback frame's ``total_length``). It answers
questions and returns what it resolved; the session decides what to emit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from playhead.errors import ConfigurationError
from playhead.model import AdBreak, AdType, Content
from playhead.positions import MAX_SECONDS

__all__ = ["Playlist"]


def _as_items(values: Iterable[Any], kind: type[Any]) -> tuple[Any, ...]:
    items = []
    for value in values:
        if isinstance(value, Mapping):
            value = kind.from_dict(value)
        if not isinstance(value, kind):
            raise ConfigurationError(f"expected {kind.__name__} objects, got {value!r}")
        items.append(value)
    return tuple(items)


class Playlist:
    """Declared items and breaks, the current item, and the total length of the session.

    ``total`` is None when any length is unknown (or for a livestream). ``limit`` is the
    current item's length, or :data:`~playhead.positions.MAX_SECONDS` when it has none.
    ``item_props`` is the current item's Video Content properties, ``session_id`` and
    ``position`` left to fill in on a copy (:func:`~playhead.properties.content_properties`).
    """

    __slots__ = (
        "breaks",
        "content",
        "done",
        "index",
        "item",
        "item_props",
        "limit",
        "live",
        "played_breaks",
        "started",
        "total",
    )

    def __init__(
        self,
        content: Iterable[Content | Mapping[str, Any]],
        breaks: Iterable[AdBreak | Mapping[str, Any]],
        live: bool,
    ) -> None:
        self.content: tuple[Content, ...] = _as_items(content, Content)
        self.breaks: tuple[AdBreak, ...] = _as_items(breaks, AdBreak)
        self.live = live
        self.played_breaks: tuple[str, ...] = ()  # a tuple: a set costs 200 bytes per session
        self.total = self._declared_total()
        self.started = False  # the current item's first frame was seen
        self.done = False  # the last item completed
        if self.content:
            self.select(self.content[0], 0)  # the item, its properties and its length
        else:
            self.index = 0
            self.item: Content | None = None
            self.item_props = self._content_template(None)
            self.limit = MAX_SECONDS

    def _declared_total(self) -> float | None:
        if self.live:
            return None
        total = 0.0
        for item in self.content:
            if item.total_length is None:
                return None
            total += item.total_length
        for brk in self.breaks:
            for ad in brk.ads:
                total += ad.total_length or 0.0
        return total

    def _content_template(self, item: Content | None) -> dict[str, Any]:
        """The current item's Video Content properties, ``session_id`` and ``position`` left
        for :func:`~playhead.properties.content_properties` to fill in on a copy.

        Copying a finished dict costs less than half of building one (a heartbeat, every 10 s
        of every playing session, is this event); with the two placeholders, the copy never
        grows. Key order: the session, the item's fields, the position, ``livestream``.
        """
        props: dict[str, Any] = {"session_id": ""}
        if item is not None:
            props.update(item.to_properties())
        if self.live:
            props.pop("total_length", None)
        props["position"] = 0
        props["livestream"] = self.live
        return props

    def select(self, item: Content, index: int) -> None:
        """Make ``item`` (at ``index`` of the declared list, or -1) the current item."""
        self.item = item
        self.index = index
        self.item_props = self._content_template(item)
        self.limit = (
            float(item.total_length)
            if item.total_length is not None and not self.live
            else MAX_SECONDS
        )
        self.started = False
        self.done = False

    def learn_length(self, length: float) -> bool:
        """The player knows the current item's length: fill it in where none was declared.

        A declared length wins and a livestream has none; True when the length was taken.
        """
        item = self.item
        if self.live or item is None or item.total_length is not None:
            return False
        item = attrs.evolve(item, total_length=float(length))
        if 0 <= self.index < len(self.content):
            content = list(self.content)
            content[self.index] = item
            self.content = tuple(content)
            self.total = self._declared_total()
        self.item = item
        self.item_props = self._content_template(item)
        self.limit = float(length)
        return True

    def finish_item(self) -> float | None:
        """The current item ended: move to the next declared one; return the ended one's length."""
        item = self.item
        length = item.total_length if item is not None else None
        if self.has_next_item():
            self.select(self.content[self.index + 1], self.index + 1)
        else:
            self.item = None
            self.item_props = self._content_template(None)
            self.limit = MAX_SECONDS
            self.started = False
            self.done = True
        return float(length) if length is not None else None

    def resolve_content(self, asset_id: str, metadata: Mapping[str, Any]) -> tuple[Content, int]:
        """The item ``content_start(asset_id, **metadata)`` means; an undeclared one is added.

        Raises ConfigurationError (naming the field) for metadata of the wrong type.
        """
        # The next declared item with that id first; the current one only if it is not yet
        # playing; then earlier ones (going back in the playlist, or playing one again).
        current = self.index if not self.started else self.index + 1
        count = len(self.content)
        for index in (*range(current, count), *range(min(current, count))):
            item = self.content[index]
            if item.asset_id == asset_id:
                return item.with_metadata(**metadata), index
        item = Content.from_dict({"asset_id": asset_id, **metadata})
        self.add_length(item.total_length, unknown_makes_none=True)
        return item, -1

    def resolve_break(
        self, pod_id: str, metadata: Mapping[str, Any], nothing_finished: bool
    ) -> AdBreak:
        """The break ``ad_break_start(pod_id, **metadata)`` means (declared, or a new one)."""
        for brk in self.breaks:
            if brk.pod_id == pod_id:
                if metadata:
                    extra = dict(brk.extra)
                    extra.update({k: v for k, v in metadata.items() if k != "type"})
                    return AdBreak(
                        pod_id=pod_id, type=metadata.get("type", brk.type), ads=brk.ads, extra=extra
                    )
                return brk
        rest = dict(metadata)
        ads = rest.pop("ads", ())
        kind: AdType = rest.pop("type", None) or self.inferred_break_type(nothing_finished)
        return AdBreak(pod_id=pod_id, type=kind, ads=ads, extra=rest)

    def implied_break(self, metadata: Mapping[str, Any], nothing_finished: bool) -> AdBreak:
        """The break an ``ad_start()`` without ``ad_break_start()`` implies."""
        pod_id = metadata.get("pod_id")
        if not isinstance(pod_id, str) or not pod_id:
            pod_id = f"implicit-{len(self.played_breaks) + 1}"
        kind = metadata.get("type")
        return self.resolve_break(pod_id, {"type": kind} if kind else {}, nothing_finished)

    def inferred_break_type(self, nothing_finished: bool) -> AdType:
        if self.done:
            return "post-roll"
        if not self.started and nothing_finished:
            return "pre-roll"
        return "mid-roll"

    def break_played(self, pod_id: str) -> None:
        if pod_id not in self.played_breaks:
            self.played_breaks = (*self.played_breaks, pod_id)

    def add_length(self, length: float | None, *, unknown_makes_none: bool = False) -> None:
        """An item or ad discovered on the fly adds its length to the total."""
        if self.total is None:
            return
        if length is None:
            if unknown_makes_none:
                self.total = None
            return
        self.total += length

    def has_next_item(self) -> bool:
        return self.index >= 0 and self.index + 1 < len(self.content)

    def post_roll_left(self) -> bool:
        return any(
            brk.type == "post-roll" and brk.pod_id not in self.played_breaks for brk in self.breaks
        )

    def nothing_after_content(self) -> bool:
        return not self.has_next_item() and not self.post_roll_left()
