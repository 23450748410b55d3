"""The pytest plugin, as a user's test suite sees it (run through pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixtures_need_no_import_and_share_one_clock_and_transport(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_session(session, tracker, fake_clock, memory_transport):
            assert session.tracker is tracker
            session.play()
            fake_clock.advance(0.5)
            session.playing(0)
            fake_clock.advance(25)
            names = memory_transport.events
            assert names == ["Video Playback Started", "Video Content Started",
                             "Video Content Playing", "Video Content Playing"]
            assert memory_transport.payloads[0]["userId"] == "test-user"
            assert memory_transport.payloads[1]["properties"]["asset_id"] == "content-1"
            assert memory_transport.payloads[0]["timestamp"] == "2024-01-15T10:30:00.000Z"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_marker_changes_the_tracker_and_session_of_one_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.playhead(tracker={"heartbeat_interval": 5, "anonymous_id": "anon",
                                       "user_id": None},
                              session={"session_id": "fixed", "content": [
                                  {"asset_id": "live", "livestream": True}], "livestream": True})
        def test_marked(session, fake_clock, memory_transport):
            session.play()
            session.playing(0)
            fake_clock.advance(11)
            assert memory_transport.events.count("Video Content Playing") == 2
            assert {p["anonymousId"] for p in memory_transport.payloads} == {"anon"}
            assert {p["properties"]["session_id"] for p in memory_transport.payloads} == {"fixed"}

        def test_unmarked(session, fake_clock, memory_transport):
            session.play()
            session.playing(0)
            fake_clock.advance(11)
            assert memory_transport.events.count("Video Content Playing") == 1
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_conftest_overrides_the_defaults(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from playhead import Ad, AdBreak, Content

        @pytest.fixture
        def playhead_tracker_options():
            return {"user_id": "viewer-9", "heartbeat_interval": 0, "strict": True}

        @pytest.fixture
        def playhead_session_options():
            return {"content": [Content(asset_id="ep1", total_length=60)],
                    "ad_breaks": [AdBreak(pod_id="pre", type="pre-roll",
                                          ads=[Ad(asset_id="ad1", total_length=10)])]}
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from playhead import CallbackError

        def test_strict_and_scheduled(session, fake_clock, memory_transport):
            with pytest.raises(CallbackError):
                session.pause()
            session.play()
            fake_clock.advance(100)
            assert memory_transport.events == ["Video Playback Started"]
            started = memory_transport.payloads[0]["properties"]
            assert started["ad_asset_id"] == ["ad1"]
            assert memory_transport.payloads[0]["userId"] == "viewer-9"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_failed_sequence_assert_prints_the_aligned_diff(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from playhead.testing.pytest_plugin import assert_event_sequence, event_sequence

        def play(session, fake_clock):
            session.play()
            fake_clock.advance(0.5)
            session.playing(0)
            fake_clock.advance(12)
            session.pause()

        def test_with_assert(session, fake_clock, memory_transport):
            play(session, fake_clock)
            assert event_sequence(memory_transport, ignore=["Content Playing"]) == [
                "Playback Started", "Content Started", ("Paused", 30)]

        def test_with_helper(session, fake_clock, memory_transport):
            play(session, fake_clock)
            assert_event_sequence(memory_transport, ["Playback Started", "Content Started",
                                                     "Seek Started", "Paused"])
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*event sequence differs: expected 3 events, got 3 (ignoring Content Playing)*",
            "*!    2  Video Playback Paused  position=30    3  Video Playback Paused  position=12",
            "*^ position: expected 30, got 12",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*-    2  Video Playback Seek Started*",
            "*+  *Video Content Playing  position=10*",
        ]
    )
    # The helper hides its own frame: the traceback points at the test's line.
    assert "__tracebackhide__" not in result.stdout.str()
    assert "def assert_event_sequence" not in result.stdout.str()


def test_the_plugin_can_be_switched_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_uses(fake_clock):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:playhead", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'fake_clock' not found*"])
