"""Playheads: the content and ad playheads carried forward, and the playback frame."""

from __future__ import annotations

from playhead.frames import Playheads


def test_the_content_playhead_advances_at_the_rate_only_while_running() -> None:
    xy = Playheads()
    xy.report(10, now=100)
    assert xy.content(105, running=True) == 15
    assert xy.content(105, running=False) == 10
    xy.freeze(104, content_running=True, ad_running=False)
    xy.rate = 2.0
    assert xy.content(106, running=True) == 18


def test_the_content_playhead_stops_at_the_item_limit() -> None:
    xy = Playheads()
    xy.new_item(limit=20)
    xy.report(19, now=0)
    assert xy.content(10, running=True) == 20


def test_the_ad_playhead_ignores_the_content_rate_and_stops_at_the_ad_length() -> None:
    xy = Playheads()
    xy.rate = 2.0
    xy.start_ad(15, now=0)
    assert xy.ad(10, running=True) == 10
    assert xy.ad(30, running=True) == 15


def test_the_playback_frame_counts_finished_items_and_ads_seen() -> None:
    xy = Playheads()
    xy.report(30, now=0)
    xy.finish_item(60)  # the item's length, not what was watched
    xy.new_item(limit=100)
    xy.start_ad(10, now=0)
    xy.report_ad(4, now=0)
    xy.end_ad()
    xy.report(5, now=0)
    assert xy.playback_at(5) == 60 + 5 + 4
    xy.abandon_item(started=True)
    assert xy.finished == 65
    xy.finish_item(None)  # unknown length: what was watched
    assert xy.finished == 70
