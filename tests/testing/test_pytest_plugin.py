"""The pytest plugin, as a user's test suite sees it (run through pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixtures_need_no_import_and_share_one_clock_and_transport(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_session(
            playhead_session, playhead_tracker, playhead_fake_clock, playhead_memory_transport
        ):
            assert playhead_session.tracker is playhead_tracker
            playhead_session.play()
            playhead_fake_clock.advance(0.5)
            playhead_session.playing(0)
            playhead_fake_clock.advance(25)
            names = playhead_memory_transport.events
            assert names == ["Video Playback Started", "Video Content Started",
                             "Video Content Playing", "Video Content Playing"]
            assert playhead_memory_transport.payloads[0]["userId"] == "test-user"
            assert playhead_memory_transport.payloads[1]["properties"]["asset_id"] == "content-1"
            assert playhead_memory_transport.payloads[0]["timestamp"] == "2024-01-15T10:30:00.000Z"
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
        def test_marked(playhead_session, playhead_fake_clock, playhead_memory_transport):
            playhead_session.play()
            playhead_session.playing(0)
            playhead_fake_clock.advance(11)
            assert playhead_memory_transport.events.count("Video Content Playing") == 2
            assert {p["anonymousId"] for p in playhead_memory_transport.payloads} == {"anon"}
            payloads = playhead_memory_transport.payloads
            assert {p["properties"]["session_id"] for p in payloads} == {"fixed"}

        def test_unmarked(playhead_session, playhead_fake_clock, playhead_memory_transport):
            playhead_session.play()
            playhead_session.playing(0)
            playhead_fake_clock.advance(11)
            assert playhead_memory_transport.events.count("Video Content Playing") == 1
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

        def test_strict_and_scheduled(
            playhead_session, playhead_fake_clock, playhead_memory_transport
        ):
            with pytest.raises(CallbackError):
                playhead_session.pause()
            playhead_session.play()
            playhead_fake_clock.advance(100)
            assert playhead_memory_transport.events == ["Video Playback Started"]
            started = playhead_memory_transport.payloads[0]["properties"]
            assert started["ad_asset_id"] == ["ad1"]
            assert playhead_memory_transport.payloads[0]["userId"] == "viewer-9"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_failed_sequence_assert_prints_the_aligned_diff(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from playhead.testing.pytest_plugin import assert_event_sequence, event_sequence

        def play(playhead_session, playhead_fake_clock):
            playhead_session.play()
            playhead_fake_clock.advance(0.5)
            playhead_session.playing(0)
            playhead_fake_clock.advance(12)
            playhead_session.pause()

        def test_with_assert(playhead_session, playhead_fake_clock, playhead_memory_transport):
            play(playhead_session, playhead_fake_clock)
            assert event_sequence(playhead_memory_transport, ignore=["Content Playing"]) == [
                "Playback Started", "Content Started", ("Paused", 30)]

        def test_with_helper(playhead_session, playhead_fake_clock, playhead_memory_transport):
            play(playhead_session, playhead_fake_clock)
            assert_event_sequence(playhead_memory_transport, ["Playback Started", "Content Started",
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
    pytester.makepyfile("def test_uses(playhead_fake_clock):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:playhead", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'playhead_fake_clock' not found*"])


def test_the_plugin_leaves_common_fixture_names_to_the_project(pytester: pytest.Pytester) -> None:
    # A database suite's own `session` (and `tracker`, `fake_clock`...) must not be shadowed or
    # taken: the plugin's fixtures all start with `playhead_`.
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def session():
            return "the project's database session"
        """
    )
    pytester.makepyfile(
        """
        import pytest

        def test_both(session, playhead_session, playhead_memory_transport):
            assert session == "the project's database session"
            playhead_session.play()
            assert playhead_memory_transport.events == ["Video Playback Started"]

        @pytest.mark.parametrize("name", ["tracker", "fake_clock", "memory_transport", "clock"])
        def test_not_registered(request, name):
            with pytest.raises(pytest.FixtureLookupError):
                request.getfixturevalue(name)
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=5)
