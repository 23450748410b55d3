"""CallbackTransport: a transport written as one function."""

from __future__ import annotations

from collections.abc import Callable

from playhead.transports.base import BaseTransport, Payload

__all__ = ["CallbackTransport"]


class CallbackTransport(BaseTransport):
    """Calls ``fn(payload)`` for every event: ``CallbackTransport(queue.put)``.

    ``fn`` runs on the thread of the callback that caused the event, with the session's lock
    held: keep it quick and do not call the session from it. An exception from ``fn`` is logged
    and counted by the tracker; the session carries on.

    .. versionadded:: 0.1
    """

    def __init__(self, fn: Callable[[Payload], object]) -> None:
        if not callable(fn):
            from playhead.errors import ConfigurationError

            raise ConfigurationError(f"CallbackTransport needs a callable, got {fn!r}")
        super().__init__()
        self._fn = fn

    def _deliver(self, payload: Payload) -> None:
        self._fn(payload)

    def __repr__(self) -> str:
        return f"CallbackTransport({getattr(self._fn, '__qualname__', self._fn)!r})"
