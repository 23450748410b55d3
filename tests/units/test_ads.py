"""AdCursor: the open break, the ad in it, pod position and quartiles; ad metadata checks."""

from __future__ import annotations

from playhead import Ad, AdBreak
from playhead.ads import AdCursor, ad_metadata_problem

BREAK = AdBreak(
    pod_id="mid",
    type="mid-roll",
    ads=[Ad(asset_id="a1", total_length=20), Ad(asset_id="a2", total_length=10)],
    extra={"sponsor": "x"},
)


def test_declared_ads_take_their_pod_position_from_the_break() -> None:
    cursor = AdCursor()
    cursor.open(BREAK)
    ad, undeclared = cursor.start("a2", {"title": "Two"})
    assert (ad.title, undeclared) == ("Two", False)
    props = cursor.event_props("s1", position=3)
    assert (props["pod_position"], props["pod_length"]) == (2, 2)
    assert (props["pod_id"], props["type"], props["sponsor"]) == ("mid", "mid-roll", "x")
    assert props["position"] == 3


def test_undeclared_ads_count_in_order_and_may_name_their_pod_place() -> None:
    cursor = AdCursor()
    cursor.open(AdBreak(pod_id="p", type="pre-roll"))
    _, undeclared = cursor.start("x1", {"total_length": 15})
    assert undeclared
    assert cursor.event_props("s", 0)["pod_position"] == 1
    cursor.start("x2", {"pod_position": 3, "pod_length": 4})
    props = cursor.event_props("s", 0)
    assert (props["pod_position"], props["pod_length"]) == (3, 4)


def test_quartiles_and_the_end_follow_the_ad_length() -> None:
    cursor = AdCursor()
    cursor.open(BREAK)
    cursor.start("a1", {})
    assert cursor.quartiles.crossed(10) == [1, 2]
    assert cursor.reached_end(19.6)
    assert not cursor.reached_end(19)
    ids: dict[str, object] = {}
    cursor.add_playback_ids(ids)
    assert ids == {"ad_asset_id": "a1", "ad_pod_id": "mid", "ad_type": "mid-roll"}
    cursor.drop()
    assert (cursor.ad, cursor.length) == (None, None)


def test_ad_metadata_problems_name_the_field() -> None:
    assert ad_metadata_problem("a", {"title": "ok", "pod_id": "p"}) is None
    for metadata, field in [
        ({"total_length": -1}, "total_length"),
        ({"title": 3}, "title"),
        ({"type": "middle"}, "type"),
        ({"pod_length": 0}, "pod_length"),
        ({"pod_position": True}, "pod_position"),
        ({"pod_id": ""}, "pod_id"),
    ]:
        problem = ad_metadata_problem("a", metadata)
        assert problem is not None
        assert field in problem


def test_one_ad_playing_per_instant_a_due_quartile_rides_on_the_heartbeat() -> None:
    cursor = AdCursor()
    cursor.open(BREAK)
    cursor.start("a1", {})  # 20 s: quartiles at 5, 10, 15
    assert cursor.heartbeat(3.0, now=1.0) == [None]  # a plain heartbeat
    assert cursor.heartbeat(5.0, now=2.0) == [1]  # the quartile instead of a plain one
    assert cursor.by_clock(5.0, now=2.0) == []  # that instant already had its Ad Playing
    assert cursor.heartbeat(6.0, now=2.0) == []
    assert cursor.by_clock(10.0, now=3.0) == [2]
    assert cursor.heartbeat(10.0, now=3.0) == []


def test_reported_time_crosses_quartiles_and_completion_sends_the_rest() -> None:
    cursor = AdCursor()
    cursor.open(BREAK)
    cursor.start("a1", {})
    assert cursor.crossed(4.9, now=1.0) == []
    assert cursor.crossed(11.0, now=2.0) == [1, 2]
    assert cursor.playing_at == 2.0
    assert cursor.completed(now=3.0) == [3]
    assert cursor.completed(now=4.0) == []
    assert cursor.playing_at == 3.0
