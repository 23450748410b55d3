"""JsonlTransport: one JSON payload per line, to a file or a stream."""

from __future__ import annotations

import json
import os
import threading
from typing import IO

from playhead.transports.base import BaseTransport, FlushResult, Payload

__all__ = ["JsonlTransport", "dumps"]

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps(payload: Payload) -> str:
    """Compact JSON for one payload (no NaN: the collector would reject it)."""
    return _encoder.encode(payload)


class JsonlTransport(BaseTransport):
    """Writes each payload as one line of JSON to ``target`` (a path, or an open text stream).

    A path is opened for appending and closed by :meth:`close`; a stream is only flushed.
    This is the format ``playhead report`` reads.

    .. versionadded:: 0.1
    """

    def __init__(self, target: str | os.PathLike[str] | IO[str]) -> None:
        super().__init__()
        self._lock = threading.Lock()
        if isinstance(target, (str, os.PathLike)):
            self._stream: IO[str] = open(target, "a", encoding="utf-8")  # noqa: SIM115
            self._owns = True
            self._name = os.fspath(target)
        else:
            self._stream = target
            self._owns = False
            self._name = getattr(target, "name", repr(target))

    def _deliver(self, payload: Payload) -> None:
        line = dumps(payload) + "\n"
        with self._lock:
            self._stream.write(line)

    def flush(self, timeout: float | None = None) -> FlushResult:
        with self._lock:
            if not self._stream.closed:
                self._stream.flush()
        return FlushResult(self.delivered)

    def close(self, timeout: float | None = None) -> FlushResult:
        result = super().close(timeout)
        if self._owns:
            with self._lock:
                self._stream.close()
        return result

    def __repr__(self) -> str:
        return f"JsonlTransport({self._name!r})"
