"""Playlist: items, breaks, where the session is, and the total length."""

from __future__ import annotations

import pytest

from playhead import Ad, AdBreak, ConfigurationError, Content
from playhead.playlist import Playlist
from playhead.positions import MAX_SECONDS

ITEMS = [Content(asset_id="c1", total_length=60), {"asset_id": "c2", "total_length": 30}]
BREAKS = [
    AdBreak(pod_id="pre", type="pre-roll", ads=[Ad(asset_id="a1", total_length=10)]),
    AdBreak(pod_id="post", type="post-roll", ads=[Ad(asset_id="a2", total_length=5)]),
]


def test_the_declared_total_counts_items_and_ads() -> None:
    playlist = Playlist(ITEMS, BREAKS, live=False)
    assert playlist.total == 105
    assert playlist.item is not None
    assert playlist.item.asset_id == "c1"
    assert playlist.limit == 60


def test_an_item_of_unknown_length_or_a_livestream_has_no_total() -> None:
    assert Playlist([{"asset_id": "c"}], (), live=False).total is None
    live = Playlist([{"asset_id": "c", "total_length": 60}], (), live=True)
    assert live.total is None
    assert live.limit == MAX_SECONDS


def test_finishing_moves_to_the_next_item_then_marks_done() -> None:
    playlist = Playlist(ITEMS, (), live=False)
    assert playlist.finish_item() == 60
    assert playlist.item is not None
    assert playlist.item.asset_id == "c2"
    assert not playlist.done
    assert playlist.finish_item() == 30
    assert playlist.item is None
    assert playlist.done


def test_resolving_content_prefers_the_next_declared_item_and_adds_new_ones() -> None:
    playlist = Playlist(ITEMS, (), live=False)
    playlist.started = True
    item, index = playlist.resolve_content("c2", {"title": "Two"})
    assert (item.title, index) == ("Two", 1)
    item, index = playlist.resolve_content("c9", {"total_length": 20})
    assert index == -1
    assert playlist.total == 110
    playlist.resolve_content("c10", {})
    assert playlist.total is None


def test_metadata_of_the_wrong_type_is_refused_naming_the_field() -> None:
    playlist = Playlist(ITEMS, (), live=False)
    with pytest.raises(ConfigurationError, match="title"):
        playlist.resolve_content("c9", {"title": 7})


def test_breaks_resolve_declared_or_new_with_an_inferred_type() -> None:
    playlist = Playlist(ITEMS, BREAKS, live=False)
    assert playlist.resolve_break("pre", {}, nothing_finished=True) is BREAKS[0]
    assert playlist.resolve_break("x", {}, nothing_finished=True).type == "pre-roll"
    playlist.started = True
    assert playlist.resolve_break("y", {}, nothing_finished=True).type == "mid-roll"
    assert playlist.implied_break({}, nothing_finished=False).pod_id == "implicit-1"


def test_post_roll_left_until_it_is_played() -> None:
    playlist = Playlist(ITEMS[:1], BREAKS, live=False)
    assert playlist.post_roll_left()
    assert not playlist.nothing_after_content()
    playlist.break_played("post")
    playlist.break_played("post")
    assert playlist.played_breaks == ("post",)
    assert playlist.nothing_after_content()
