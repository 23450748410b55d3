from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from .collector import Collector

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests speak to 127.0.0.1 only: a proxy set on the machine running them must not
    take their requests (nor hide the direct route, which is the one the error paths test)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


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
