from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from .collector import Collector


@pytest.fixture
def collector() -> Iterator[Collector]:
    with Collector() as c:
        yield c


@pytest.fixture
def refused() -> Iterator[str]:
    """A URL where every connection is refused: a port bound by us that never listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
