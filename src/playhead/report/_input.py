"""What every reader of an events file shares: the error, and the shapes a line may take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ReportError(ValueError):
    """The events file cannot be read, or the output format is unknown."""


def _payloads_of(item: Any, where: str) -> list[Mapping[str, Any]]:
    if isinstance(item, Mapping) and isinstance(item.get("batch"), list):
        # A capture of a /v1/batch request body: {"batch": [payload, ...]}
        return [p for p in item["batch"] if isinstance(p, Mapping)]
    if isinstance(item, Mapping):
        return [item]
    if isinstance(item, list):
        return [p for p in item if isinstance(p, Mapping)]
    raise ReportError(f"{where}: expected a JSON object (an event payload), got {item!r:.60}")
