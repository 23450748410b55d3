"""``import playhead`` stays light: HTTP, asyncio and the player adapters load on first use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import playhead

HEAVY = ("httpx", "httpcore", "anyio", "ssl", "asyncio", "sqlite3", "structlog")
LAZY = ("playhead.adapters", "playhead.transports.http", "playhead.transports.async_http")


def modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stdout))


def test_import_playhead_loads_no_http_asyncio_or_adapters() -> None:
    loaded = modules_after("import playhead")
    assert "playhead.session" in loaded
    assert loaded.isdisjoint(HEAVY + LAZY), sorted(loaded & {*HEAVY, *LAZY})


def test_an_app_on_a_jsonl_transport_never_loads_http() -> None:
    loaded = modules_after(
        "import io, playhead\n"
        "tracker = playhead.Tracker(playhead.JsonlTransport(io.StringIO()), user_id='u1',"
        " clock=playhead.FakeClock())\n"
        "session = tracker.session(content=[{'asset_id': 'ep1', 'total_length': 60}])\n"
        "session.play(); session.playing(0); session.pause(); session.exit()\n"
        "assert tracker.transport.delivered == 4, tracker.transport.delivered"
    )
    assert loaded.isdisjoint(HEAVY + LAZY), sorted(loaded & {*HEAVY, *LAZY})


def test_the_lazy_names_load_on_first_use() -> None:
    loaded = modules_after(
        "import playhead\n"
        "assert playhead.HttpTransport.__module__ == 'playhead.transports.http'\n"
        "assert playhead.adapters.mpv.attach\n"
        "from playhead import AsyncHttpTransport, DeliveryStats, PlayheadMonitor"
    )
    assert {"httpx", "playhead.transports.http", "playhead.adapters.mpv"} <= loaded


@pytest.mark.parametrize("module", [playhead, playhead.transports])
def test_every_public_name_is_there_and_unknown_ones_are_not(module: object) -> None:
    for name in module.__all__:  # type: ignore[attr-defined]
        assert getattr(module, name) is not None
        assert name in dir(module)
    with pytest.raises(AttributeError, match="no attribute 'HttpTransprot'"):
        module.HttpTransprot  # type: ignore[attr-defined]  # noqa: B018
