"""MemoryTransport: keeps every payload in a list, for tests and notebooks."""

from __future__ import annotations

from playhead.transports.base import BaseTransport, Payload

__all__ = ["MemoryTransport"]


class MemoryTransport(BaseTransport):
    """Keeps every payload, in order, in :attr:`payloads`.

    .. versionadded:: 0.1
    """

    def __init__(self) -> None:
        super().__init__()
        self.payloads: list[Payload] = []

    def _deliver(self, payload: Payload) -> None:
        self.payloads.append(payload)

    @property
    def events(self) -> list[str]:
        """The event names, in order."""
        return [p["event"] for p in self.payloads]

    def clear(self) -> None:
        """Forget what was received."""
        self.payloads.clear()

    def __repr__(self) -> str:
        return f"MemoryTransport(payloads={len(self.payloads)})"
