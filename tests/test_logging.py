"""playhead's logging, in process: stdlib records with the fields, aggregation, the exit report."""

from __future__ import annotations

import logging

import pytest

import playhead
from playhead import _logging
from playhead.testing import capture_logs


@pytest.fixture
def session() -> playhead.Session:
    tracker = playhead.Tracker(playhead.MemoryTransport(), user_id="u1", clock=playhead.FakeClock())
    made = tracker.session(content=[{"asset_id": "ep1", "total_length": 600}])
    made.play()
    made.playing(0)
    return made


def test_records_carry_the_event_key_and_the_fields(
    session: playhead.Session, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="playhead"):
        session.time_update(float("nan"))
    (record,) = caplog.records
    assert record.name == "playhead.session"
    assert record.levelno == logging.WARNING
    assert record.event == "callback_ignored"  # type: ignore[attr-defined]
    assert record.call == "time_update"  # type: ignore[attr-defined]
    assert record.getMessage().startswith("callback_ignored call='time_update' state='playing'")


def test_repeats_are_held_back_in_the_window_then_counted(
    session: playhead.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(_logging.time, "monotonic", lambda: now[0])
    with capture_logs() as logs:
        for _ in range(500):
            session.time_update(float("nan"))
        session.pause(-1)  # another call: its own first line
        now[0] += _logging.REPEAT_WINDOW + 0.1
        for _ in range(3):
            session.time_update(float("nan"))
    lines = [(entry["call"], entry.get("repeated")) for entry in logs]
    assert lines == [("time_update", None), ("pause", None), ("time_update", 499)]
    assert session.stats.ignored_callbacks == 504  # every one counted all the same


def test_what_is_still_held_back_is_reported_once(session: playhead.Session) -> None:
    with capture_logs() as logs:
        for _ in range(10):
            session.time_update(float("nan"))
        _logging.report_held_repeats()
        _logging.report_held_repeats()  # nothing more is held
    assert [entry.get("repeated") for entry in logs] == [None, 9]
    assert logs[1]["event"] == "callback_ignored"
    assert logs[1]["call"] == "time_update"


def test_levels_and_disable_silence_playhead(
    session: playhead.Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    logging.getLogger("playhead").setLevel(logging.CRITICAL)
    session.pause(-5)
    logging.getLogger("playhead").setLevel(logging.NOTSET)
    logging.disable()
    try:
        session.seeked(3)
    finally:
        logging.disable(logging.NOTSET)
    assert caplog.records == []
    session.ad_end()
    assert [r.event for r in caplog.records] == ["callback_ignored"]  # type: ignore[attr-defined]


def test_a_field_named_event_does_not_break_the_line() -> None:
    log = _logging.get_logger("playhead.test")
    with capture_logs() as logs:
        log.debug("event_detach_failed", event="vlc.EventType.MediaPlayerEndReached")
    assert logs == [
        {
            "log_level": "debug",
            "event": "event_detach_failed",
            "event_": "vlc.EventType.MediaPlayerEndReached",
        }
    ]


def test_nothing_is_configured_by_playhead() -> None:
    assert [type(h) for h in logging.getLogger("playhead").handlers] == [logging.NullHandler]
    assert logging.getLogger("playhead").level == logging.NOTSET
    assert logging.getLogger().handlers == [] or all(
        type(h).__module__.startswith("_pytest") for h in logging.getLogger().handlers
    )
