"""The built-in demo: a realistic session, as a timeline.

A viewer presses play on a 2-minute episode: a 15-second pre-roll plays, the content starts, the
viewer pauses, playback stalls once, the viewer seeks ahead (the seek has its own buffering, which
is not a rebuffer), a mid-roll break of two ads plays (the second is skipped), the bitrate
changes, and the episode plays to its end. The player reports its time four times a second.
"""

from __future__ import annotations

from typing import Any

__all__ = ["demo_timeline"]


def demo_timeline(heartbeat_interval: float = 10) -> dict[str, Any]:
    """The demo as a timeline dict (see :mod:`playhead.testing.timeline`)."""
    steps: list[dict[str, Any]] = []
    now = 0.0

    def call(name: str, **args: Any) -> None:
        steps.append({"at": round(now, 3), "call": name, **args})

    def play_content(start: float, stop: float) -> None:
        """Content frames from ``start`` to ``stop``, time updates at 4 Hz."""
        nonlocal now
        position = start
        while position < stop - 1e-9:
            now += 0.25
            position = min(stop, position + 0.25)
            call("time_update", position=position)

    def play_ad(length: float, until: float | None = None) -> None:
        nonlocal now
        position = 0.0
        stop = length if until is None else until
        while position < stop - 1e-9:
            now += 0.25
            position = min(stop, position + 0.25)
            call("ad_time_update", position=position)

    call("play")
    now += 0.35
    call("ad_break_start", pod_id="pre-1", type="pre-roll")
    call("ad_start", asset_id="ad-spring-sale")
    play_ad(15)
    call("ad_end")
    call("ad_break_end")
    now += 0.2
    call("playing", position=0)
    call("quality", bitrate=2500, framerate=25, dropped_frames=0)
    play_content(0, 21)
    call("pause")
    now += 4
    call("playing")
    play_content(21, 34)
    call("waiting")
    now += 2.5
    call("playing")
    play_content(34, 40)
    call("seeking", to=70)
    call("waiting")
    now += 0.8
    call("seeked", position=70)
    play_content(70, 75)
    call("ad_break_start", pod_id="mid-1", type="mid-roll")
    call("ad_start", asset_id="ad-car")
    play_ad(10)
    call("ad_end")
    call("ad_start", asset_id="ad-phone")
    play_ad(10, until=5.5)
    call("ad_skipped")
    call("ad_break_end")
    now += 0.3
    call("playing")
    call("quality", bitrate=4500)
    play_content(75, 120)
    call("ended")
    return {
        "tracker": {
            "user_id": "viewer-42",
            "heartbeat_interval": heartbeat_interval,
            "video_player": "playhead-demo",
        },
        "session": {
            "content": [
                {
                    "asset_id": "ep-101",
                    "pod_id": "ep-101-pod",
                    "title": "Pilot",
                    "program": "The Playhead Show",
                    "season": "1",
                    "total_length": 120,
                }
            ],
            "ad_breaks": [
                {
                    "pod_id": "pre-1",
                    "type": "pre-roll",
                    "ads": [
                        {"asset_id": "ad-spring-sale", "title": "Spring Sale", "total_length": 15}
                    ],
                },
                {
                    "pod_id": "mid-1",
                    "type": "mid-roll",
                    "ads": [
                        {"asset_id": "ad-car", "title": "New Car", "total_length": 10},
                        {"asset_id": "ad-phone", "title": "New Phone", "total_length": 10},
                    ],
                },
            ],
        },
        "start": "2024-01-15T10:30:00Z",
        "steps": steps,
    }
