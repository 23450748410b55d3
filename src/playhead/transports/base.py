"""The Transport protocol: where a tracker hands each finished event.

Three methods, like httpx's transports: ``send`` one payload (a JSON-ready dict, never mutated
after it is handed over), ``flush`` what is buffered, ``close`` for good. ``send`` is called with
the session's lock held on the player's thread, so it must be quick and must not call back into
the session; a transport that does I/O queues the payload and does the I/O elsewhere.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs

__all__ = ["BaseTransport", "FlushResult", "Payload", "Transport"]

Payload = dict[str, Any]

# ``__enter__`` returns the subclass itself (``typing.Self`` needs Python 3.11).
_Self = TypeVar("_Self", bound="BaseTransport")


@attrs.frozen
class FlushResult:
    """What a flush or close achieved: events delivered so far, and events still not delivered.

    ``bool(result)`` is true when nothing is left.

    .. versionadded:: 0.1
    """

    delivered: int
    remaining: int = 0

    def __bool__(self) -> bool:
        return self.remaining == 0


@runtime_checkable
class Transport(Protocol):
    """Anything with these three methods can receive playhead's events.

    .. versionadded:: 0.1
    """

    def send(self, payload: Payload) -> None:
        """Take one event payload. Must not block on I/O or raise for delivery problems."""
        ...

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Deliver what is buffered, waiting at most ``timeout`` seconds."""
        ...

    def close(self, timeout: float | None = None) -> FlushResult:
        """Flush, then release resources. Later sends are refused."""
        ...


class BaseTransport:
    """Counting, closing and ``with`` support shared by the synchronous transports."""

    def __init__(self) -> None:
        self.delivered = 0
        self.closed = False

    def send(self, payload: Payload) -> None:
        if self.closed:
            raise RuntimeError(f"{type(self).__name__} is closed")
        self._deliver(payload)
        self.delivered += 1

    def _deliver(self, payload: Payload) -> None:
        raise NotImplementedError

    def flush(self, timeout: float | None = None) -> FlushResult:
        return FlushResult(self.delivered)

    def close(self, timeout: float | None = None) -> FlushResult:
        result = self.flush(timeout)
        self.closed = True
        return result

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
