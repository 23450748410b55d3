"""Scenarios run in a child Python process by the lifecycle and spool tests.

``python child.py SCENARIO HOST SPOOL N``; messageIds are ``mid(i)`` so the parent knows them.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid

import playhead


def mid(i: int) -> str:
    return str(uuid.UUID(int=i, version=4))


def event(i: int) -> dict[str, object]:
    return {
        "type": "track",
        "event": "Video Content Playing",
        "userId": "u1",
        "properties": {"session_id": "s", "asset_id": "c1", "position": i % 600},
        "messageId": mid(i),
        "timestamp": "2024-01-15T10:30:00.000Z",
        "context": {"library": {"name": "playhead", "version": playhead.__version__}},
    }


def main() -> None:
    scenario, host, spool, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if scenario == "durable-then-wait":
        # every send() returns once its row is committed; then wait to be killed
        transport = playhead.HttpTransport(
            "test-key",
            host=host,
            spool_path=spool,
            spool_durability="sync",
            backoff_base=5,
            flush_interval=0.05,
        )
        for i in range(count):
            transport.send(event(i))
        print("SENT", flush=True)
        time.sleep(60)
    elif scenario == "exit-without-close":
        # no flush, no close: interpreter exit must deliver (or give up) within close_timeout
        transport = playhead.HttpTransport(
            "test-key", host=host, close_timeout=1.5, flush_interval=30, timeout=30
        )
        for i in range(count):
            transport.send(event(i))
        print("EXITING", flush=True)
    elif scenario == "exit-while-in-flight":
        # a request with a 30 s timeout is hanging when the interpreter exits
        transport = playhead.HttpTransport(
            "test-key", host=host, close_timeout=1.5, flush_interval=0.01, timeout=30
        )
        for i in range(count):
            transport.send(event(i))
        time.sleep(0.3)
        print("EXITING", flush=True)
    elif scenario == "async-exit-without-close":
        # asyncio.run tears the loop down under a running worker; a second transport is
        # never started: interpreter exit must deliver both
        import asyncio

        async def app() -> None:
            transport = playhead.AsyncHttpTransport("test-key", host=host, flush_interval=30)
            await transport.start()
            for i in range(count):
                transport.send(event(i))

        asyncio.run(app())
        late = playhead.AsyncHttpTransport("test-key", host=host, flush_interval=30)
        for i in range(count, count + 7):
            late.send(event(i))
        print("EXITING", flush=True)
    elif scenario == "batched-then-wait":
        # rows committed in several transactions (left in the -wal); then wait to be killed
        transport = playhead.HttpTransport(
            "test-key", host=host, spool_path=spool, backoff_base=30, flush_interval=0.02
        )
        for start in range(0, count, 20):
            for i in range(start, min(start + 20, count)):
                transport.send(event(i))
            deadline = time.monotonic() + 10
            while transport.stats.spooled < min(start + 20, count):
                if time.monotonic() > deadline:
                    raise SystemExit("not spooled")
                time.sleep(0.01)
        print("SPOOLED", flush=True)
        time.sleep(60)
    elif scenario == "three-exit-in-flight":
        # three threaded transports and an asyncio one, requests hanging (timeout 30 s) at
        # exit: together they must take one close_timeout (2 s), not one each
        transports: list[object] = []
        for _ in range(3):
            threaded = playhead.HttpTransport(
                "test-key", host=host, close_timeout=2, flush_interval=0.01, timeout=30
            )
            for i in range(count):
                threaded.send(event(i))
            transports.append(threaded)
        never_started = playhead.AsyncHttpTransport(
            "test-key", host=host, close_timeout=2, timeout=30
        )
        never_started.send(event(count))
        time.sleep(0.3)
        print("EXITING", flush=True)
    else:
        raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    # An application that wants playhead's warnings configures logging (the parent reads them).
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    main()
