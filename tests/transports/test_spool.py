"""The durable spool: what survives, what is capped, who owns it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from playhead import ConfigurationError, HttpTransport
from playhead.transports import Spool
from playhead.transports import spool as spool_module

from .collector import Collector
from .events import make_events

FAST = {"flush_interval": 0.02, "backoff_base": 0.01, "backoff_max": 0.1}


def rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM events").fetchone()[0])


@pytest.mark.parametrize("durability", ["batched", "sync"])
def test_close_with_endpoint_down_keeps_everything_for_the_next_start(
    refused: str, tmp_path: Path, collector: Collector, durability: str
) -> None:
    spool = tmp_path / "spool.sqlite"
    down = HttpTransport("k", host=refused, spool_path=spool, spool_durability=durability, **FAST)
    events = make_events(120)
    for e in events:
        down.send(e)
    report = down.close(0.5)
    assert report.delivered == 0
    assert report.dropped == 0
    assert report.remaining == 120
    assert report.spooled == 120
    assert rows(spool) == 120

    up = HttpTransport(collector.api_key, host=collector.url, spool_path=spool, **FAST)
    report = up.close(10)
    assert report.delivered == 120
    assert report.remaining == 0
    assert collector.events == events  # same order, same messageIds
    assert not collector.duplicates
    assert rows(spool) == 0


def test_journal_is_wal(refused: str, tmp_path: Path) -> None:
    spool = tmp_path / "spool.sqlite"
    HttpTransport("k", host=refused, spool_path=spool, **FAST).close(0)
    with sqlite3.connect(spool) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_batched_spool_writes_within_the_flush_interval(refused: str, tmp_path: Path) -> None:
    spool = tmp_path / "spool.sqlite"
    transport = HttpTransport(
        "k", host=refused, spool_path=spool, flush_interval=0.05, backoff_base=30, backoff_max=30
    )
    for e in make_events(30):
        transport.send(e)
    deadline = time.monotonic() + 5
    while rows(spool) < 30 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rows(spool) == 30  # on disk while the worker sits in a 15-30 s backoff
    for e in make_events(10):
        transport.send(e)
    deadline = time.monotonic() + 5
    while rows(spool) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rows(spool) == 40
    transport.close(0.2)


def test_batched_spool_writes_only_what_is_not_delivered_within_the_flush_interval(
    refused: str, tmp_path: Path, collector: Collector
) -> None:
    # delivered at once: never written (the collector up, a long flush interval)
    up = tmp_path / "up.sqlite"
    transport = HttpTransport(
        collector.api_key, host=collector.url, spool_path=up, flush_interval=5
    )
    written: list[int] = []
    transport._engine.spool._require().set_trace_callback(  # type: ignore[union-attr]
        lambda sql: written.append(1) if sql.startswith("INSERT") else None
    )
    for e in make_events(30):
        transport.send(e)
    assert transport.flush(5).delivered == 30
    transport.close(5)
    assert not written
    assert rows(up) == 0
    # not delivered: on disk one flush interval after it was taken in, not at once
    down = tmp_path / "down.sqlite"
    transport = HttpTransport(
        "k", host=refused, spool_path=down, flush_interval=1.0, backoff_base=30, backoff_max=30
    )
    for e in make_events(20):
        transport.send(e)
    time.sleep(0.3)
    assert transport.stats.spooled == 0
    assert transport.flush(0).remaining == 20  # held in memory meanwhile, still counted
    deadline = time.monotonic() + 10
    while rows(down) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rows(down) == 20
    assert transport.stats.spooled == 20
    transport.close(0.2)


def test_batched_spool_drops_a_messageid_it_holds_already(refused: str, tmp_path: Path) -> None:
    drops: list[tuple[str, str]] = []
    transport = HttpTransport(
        "k",
        host=refused,
        spool_path=tmp_path / "spool.sqlite",
        flush_interval=0.1,
        backoff_base=30,
        backoff_max=30,
        on_drop=lambda reason, payloads: drops.extend((reason, p["messageId"]) for p in payloads),
    )
    first, second = make_events(2)
    transport.send(first)
    transport.send(dict(first))  # the same messageId while its write waits
    deadline = time.monotonic() + 5
    while transport.stats.spooled < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    transport.send(dict(first))  # and once it is on disk
    transport.send(second)
    deadline = time.monotonic() + 5
    while transport.stats.spooled < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    report = transport.close(0.2)
    assert drops == [("duplicate", first["messageId"])] * 2
    assert report.remaining == 2


@pytest.mark.parametrize("durability", ["batched", "sync"])
def test_more_than_the_memory_limit_spills_to_disk(
    refused: str, tmp_path: Path, collector: Collector, durability: str
) -> None:
    spool = tmp_path / "spool.sqlite"
    down = HttpTransport(
        "k",
        host=refused,
        spool_path=spool,
        spool_durability=durability,
        max_queue_events=20,
        **FAST,
    )
    events = make_events(300)
    for i, e in enumerate(events):
        down.send(e)
        if durability == "batched" and i % 15 == 14:
            time.sleep(0.06)  # batched: only the inbox (20) bounds send(); let the worker spool
    report = down.close(0.5)
    assert report.dropped == 0
    assert report.remaining == 300

    up = HttpTransport(
        collector.api_key, host=collector.url, spool_path=spool, max_queue_events=20, **FAST
    )
    assert up.stats.queued <= 20
    report = up.flush(20)
    assert report.delivered == 300
    assert report.remaining == 0
    assert collector.events == events
    assert not collector.duplicates
    up.close(1)


def test_size_cap_refuses_new_events_and_reports(refused: str, tmp_path: Path) -> None:
    drops: list[tuple[str, int]] = []
    transport = HttpTransport(
        "k",
        host=refused,
        spool_path=tmp_path / "spool.sqlite",
        spool_max_bytes=256 * 1024,
        on_drop=lambda reason, p: drops.append((reason, len(p))),
        **FAST,
    )
    for e in make_events(600):
        transport.send(e)
    report = transport.close(0.5)
    full = transport.stats.dropped.get("spool_full", 0)
    assert full > 0
    assert report.remaining + full == 600
    assert sum(n for r, n in drops if r == "spool_full") == full


def test_rows_older_than_the_age_cap_are_dropped_and_reported(refused: str, tmp_path: Path) -> None:
    path = tmp_path / "spool.sqlite"
    old_spool = Spool(path)
    old = make_events(3)
    now = time.time()
    for e in old:
        old_spool.add(e["messageId"], __import__("json").dumps(e).encode(), now - 3600)
    old_spool.close()
    drops: list[tuple[str, list[Any]]] = []
    transport = HttpTransport(
        "k",
        host=refused,
        spool_path=path,
        spool_max_age=60,
        on_drop=lambda reason, p: drops.append((reason, p)),
        **FAST,
    )
    assert transport.stats.dropped == {"spool_expired": 3}
    transport.close(0.2)
    assert drops == [("spool_expired", old)]


def test_one_process_owns_a_spool(refused: str, tmp_path: Path) -> None:
    path = tmp_path / "spool.sqlite"
    first = HttpTransport("k", host=refused, spool_path=path, **FAST)
    with pytest.raises(ConfigurationError, match="in use"):
        HttpTransport("k", host=refused, spool_path=path, **FAST)
    first.close(0)
    HttpTransport("k", host=refused, spool_path=path, **FAST).close(0)  # free again


def test_unusable_spool_path_fails_at_configuration(refused: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        HttpTransport("k", host=refused, spool_path=tmp_path / "missing" / "dir" / "s.sqlite")


def test_unauthorized_events_stay_in_the_spool(tmp_path: Path, collector: Collector) -> None:
    path = tmp_path / "spool.sqlite"
    wrong = HttpTransport("wrong-key", host=collector.url, spool_path=path, **FAST)
    for e in make_events(25):
        wrong.send(e)
    report = wrong.close(2)
    assert report.dropped == 0
    assert report.remaining == 25
    right = HttpTransport(collector.api_key, host=collector.url, spool_path=path, **FAST)
    assert right.close(10).delivered == 25
    assert len(collector.received) == 25


def test_past_the_retry_cap_spooled_events_are_retried_later(tmp_path: Path) -> None:
    import httpx

    healthy_at = time.monotonic() + 1.5

    def flaky(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if time.monotonic() >= healthy_at else 503)

    transport = HttpTransport(
        "k",
        host="http://collector.test",
        http_transport=httpx.MockTransport(flaky),
        spool_path=tmp_path / "spool.sqlite",
        max_retry_time=0.1,
        flush_interval=0.02,
        backoff_base=0.01,
        backoff_max=0.2,
    )
    for e in make_events(10):
        transport.send(e)
    report = transport.flush(5)
    assert report.dropped == 0
    assert report.remaining == 10  # given up for now, kept on disk
    deadline = time.monotonic() + 10
    while transport.stats.sent < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert transport.stats.sent == 10
    report = transport.close(2)
    assert report.remaining == 0
    assert report.spooled == 0


@pytest.mark.parametrize("returning", [True, False], ids=["sqlite>=3.35", "older sqlite"])
def test_spool_batch_write_reports_duplicates_and_keeps_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, returning: bool
) -> None:
    if returning and sqlite3.sqlite_version_info < (3, 35, 0):
        pytest.skip("this sqlite has no DELETE ... RETURNING")
    monkeypatch.setattr(spool_module, "_RETURNING", returning)
    spool = Spool(tmp_path / "spool.sqlite")
    try:
        first = spool.add_many([("a", b'{"messageId":"a"}'), ("b", b'{"messageId":"b"}')])
        assert first == [1, 2]
        # "a" again (in the file) and "c" twice in one batch: only the first "c" is written
        again = spool.add_many(
            [("a", b'{"messageId":"a"}'), ("c", b'{"messageId":"c"}'), ("c", b'{"messageId":"c"}')]
        )
        assert again[0] == 0
        assert again[2] == 0
        assert again[1] is not None
        assert again[1] > 2
        assert (spool.rows, spool.bytes) == (3, 3 * len(b'{"messageId":"a"}'))
        spool.delete(["a", "c", "never-spooled"])
        assert (spool.rows, spool.bytes) == (1, len(b'{"messageId":"b"}'))
        assert [body for _, body in spool.load(0, 10)] == [b'{"messageId":"b"}']
    finally:
        spool.close()


@pytest.mark.parametrize("returning", [True, False], ids=["sqlite>=3.35", "older sqlite"])
def test_delivered_rows_are_deleted_in_the_next_writes_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, returning: bool
) -> None:
    if returning and sqlite3.sqlite_version_info < (3, 35, 0):
        pytest.skip("this sqlite has no DELETE ... RETURNING")
    monkeypatch.setattr(spool_module, "_RETURNING", returning)
    path = tmp_path / "spool.sqlite"
    spool = Spool(path)
    body = {m: b'{"messageId":"' + m.encode() + b'"}' for m in "abcde"}
    try:
        spool.add_many([(m, body[m]) for m in "abc"])
        commits = []
        spool._require().set_trace_callback(
            lambda sql: commits.append(sql) if sql == "COMMIT" else None
        )
        rowids = spool.add_many([(m, body[m]) for m in "de"], forget=["a", "b", "unknown"])
        assert len(commits) == 1  # one transaction for both
        assert all(rowids)
        assert (spool.rows, spool.bytes) == (3, 3 * len(body["a"]))
        spool.add_many([], forget=["c"])  # nothing to write: the deletes alone
        assert (spool.rows, spool.bytes) == (2, 2 * len(body["a"]))
        assert [b for _, b in spool.load(0, 10)] == [body["d"], body["e"]]
    finally:
        spool.close()
    with sqlite3.connect(path) as db:  # committed, as another program reads the file
        assert [r[0] for r in db.execute("SELECT message_id FROM events ORDER BY rowid")] == [
            "d",
            "e",
        ]


def test_a_flush_leaves_only_what_is_still_to_send_on_disk(
    tmp_path: Path, collector: Collector
) -> None:
    path = tmp_path / "spool.sqlite"
    # a long flush interval: the deletes are not due on their own before the flush returns
    transport = HttpTransport(
        collector.api_key, host=collector.url, spool_path=path, flush_interval=5
    )
    try:
        for e in make_events(30):
            transport.send(e)
        report = transport.flush(10)
        assert report.delivered == 30
        assert report.spooled == 0
        assert rows(path) == 0  # deleted by the flush, not left for a later write
    finally:
        transport.close(5)


def test_new_rows_go_above_every_rowid_used_even_after_the_tail_was_deleted(
    tmp_path: Path,
) -> None:
    # a reader's cursor sits at the highest rowid it loaded: a reused rowid would be skipped
    spool = Spool(tmp_path / "spool.sqlite")
    try:
        top = spool.add_many([(m, b'{"messageId":"' + m.encode() + b'"}') for m in "abc"])[-1]
        assert top is not None
        spool.delete(["a", "b", "c"])
        assert spool.rows == 0
        row = spool.add("d", b'{"messageId":"d"}')
        assert row is not None
        assert row > top
        (later,) = spool.add_many([("e", b'{"messageId":"e"}')])
        assert later is not None
        assert later > row
        assert [r for r, _ in spool.load(top, 10)] == [row, later]
    finally:
        spool.close()
