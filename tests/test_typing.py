"""Typing as users meet it: a user's script passes ``mypy --strict`` and runs; the value objects
hash; context managers return what they were called on."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import playhead
from playhead import Ad, AdBreak, Content

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "typed" / "user_script.py"


def test_a_users_script_passes_mypy_strict() -> None:
    pytest.importorskip("mypy", reason="the dev extra brings mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(SCRIPT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_users_script_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_content_ad_and_ad_break_hash_and_compare_by_value() -> None:
    first = Content(asset_id="ep1", keywords=["a", "b"], extra={"tags": ["x"], "n": {"k": 1}})
    second = Content(asset_id="ep1", keywords=("a", "b"), extra={"n": {"k": 1}, "tags": ["x"]})
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second, Content(asset_id="ep1")}) == 2
    ad = Ad(asset_id="ad1", extra={"campaign": "c"})
    brk = AdBreak(pod_id="pre", type="pre-roll", ads=[ad], extra={"slot": 1})
    assert {brk: ad}[AdBreak(pod_id="pre", type="pre-roll", ads=[ad], extra={"slot": 1})] == ad


def test_extra_is_read_only_and_still_reads_as_a_dict() -> None:
    given = {"studio": "North"}
    content = Content(asset_id="ep1", extra=given)
    given["studio"] = "South"  # the caller's dict is copied, not kept
    assert content.extra == {"studio": "North"}
    assert dict(content.extra) == {"studio": "North"}
    assert repr(content.extra) == "{'studio': 'North'}"
    with pytest.raises(TypeError):
        content.extra["studio"] = "East"  # type: ignore[index]
    with pytest.raises(TypeError):
        content.extra.update(studio="East")  # type: ignore[attr-defined]
    assert content.to_properties()["studio"] == "North"
    assert json.loads(json.dumps(attrs.asdict(content)))["extra"] == {"studio": "North"}
    assert pickle.loads(pickle.dumps(content)) == content
    assert content.with_metadata(rating="PG").extra == {"studio": "North", "rating": "PG"}


def test_keywords_from_any_iterable_and_one_string_is_one_keyword() -> None:
    assert Content(asset_id="ep1", keywords=["a", "b"]).keywords == ("a", "b")
    assert Content(asset_id="ep1", keywords="news").keywords == ("news",)  # type: ignore[arg-type]
    assert Content(asset_id="ep1").keywords is None


def test_a_tracker_is_a_context_manager_that_closes_its_transport() -> None:
    memory = playhead.MemoryTransport()
    with playhead.Tracker(memory, user_id="u1", clock=playhead.FakeClock()) as tracker:
        assert isinstance(tracker, playhead.Tracker)
        tracker.session(content=[{"asset_id": "ep1"}]).play()
    assert memory.closed
    assert memory.events == ["Video Playback Started"]


def test_a_tracker_closes_its_transport_when_the_block_raises() -> None:
    memory = playhead.MemoryTransport()
    with (
        pytest.raises(KeyError),
        playhead.Tracker(memory, user_id="u1", clock=playhead.FakeClock()),
    ):
        raise KeyError("boom")
    assert memory.closed


@pytest.mark.parametrize(
    "make",
    [
        playhead.MemoryTransport,
        lambda: playhead.CallbackTransport(lambda payload: None),
        lambda: playhead.HttpTransport("key", close_timeout=0.1),
    ],
)
def test_with_gives_back_the_transport_itself(make: object) -> None:
    transport = make()  # type: ignore[operator]
    with transport as entered:
        assert entered is transport
