"""``Session.duration_change``: the content's length taken from the player (issue 11).

An adapter calls it with the player's duration; it fills ``total_length`` only where the
application declared none, never for a livestream.
"""

from __future__ import annotations

import pytest

from playhead import Content
from playhead.testing import capture_logs
from tests.conftest import Harness


def test_an_undeclared_length_is_taken_from_the_player(harness: Harness) -> None:
    session = harness.session(content=[Content(asset_id="c1"), Content(asset_id="c2")])
    session.play()
    session.duration_change(95.6)
    session.playing(0)
    session.time_update(40)
    harness.advance(1)
    session.ended()
    assert session.content[0].total_length == 95.6
    assert harness.props("Video Content Started")["total_length"] == 95
    assert harness.props("Video Content Completed")["position"] == 95  # the end, not 41
    assert "total_length" not in harness.props("Video Playback Started")  # not known yet then


def test_a_declared_length_wins(harness: Harness) -> None:
    session = harness.session(content=[Content(asset_id="c1", total_length=60)])
    session.play()
    session.duration_change(95.6)
    session.playing(0)
    assert session.content[0].total_length == 60
    assert harness.props("Video Content Started")["total_length"] == 60
    assert session.stats.ignored_callbacks == 0  # not an error: the application knows better


def test_a_livestream_never_gets_a_length(harness: Harness) -> None:
    session = harness.session(content=[Content(asset_id="live")], livestream=True)
    session.play()
    session.duration_change(3600)
    session.playing(0)
    assert session.content[0].total_length is None
    assert all("total_length" not in p["properties"] for p in harness.payloads)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "long", True, None])
def test_a_length_that_is_not_one_is_ignored_and_logged(harness: Harness, bad: object) -> None:
    session = harness.session(content=[Content(asset_id="c1")])
    session.play()
    with capture_logs() as logs:
        session.duration_change(bad)  # type: ignore[arg-type]
    assert session.content[0].total_length is None
    assert [(e["event"], e["call"]) for e in logs] == [("callback_ignored", "duration_change")]
    assert session.stats.ignored_callbacks == 1


def test_the_playback_total_includes_the_learnt_length(harness: Harness) -> None:
    session = harness.session(
        content=[Content(asset_id="c1"), Content(asset_id="c2", total_length=30)]
    )
    session.play()
    session.duration_change(60)
    session.playing(0)
    session.pause(10)
    assert harness.props("Video Playback Paused")["total_length"] == 90
