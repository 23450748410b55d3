"""Adapters: real players' callbacks onto a session's raw callbacks.

``playhead.adapters.mpv``, ``.vlc``, ``.gstreamer`` and ``.qt`` each have ``attach(player,
session)``; none imports its player library until ``attach`` is called, so importing playhead
never needs libmpv, libvlc, PyGObject or PySide6. :class:`PlayheadMonitor` infers the stalls
and seeks a player does not signal; :class:`Recorder` records what a session receives as a
replayable timeline.

.. versionadded:: 0.1
"""

from typing import TYPE_CHECKING, Any

from playhead.adapters._base import AdapterHandle, QualityDebouncer
from playhead.adapters.monitor import PlayheadMonitor
from playhead.adapters.recorder import Recorder

if TYPE_CHECKING:
    from playhead.adapters import gstreamer, mpv, qt, vlc

__all__ = [
    "AdapterHandle",
    "PlayheadMonitor",
    "QualityDebouncer",
    "Recorder",
    "gstreamer",
    "mpv",
    "qt",
    "vlc",
]

_ADAPTERS = ("gstreamer", "mpv", "qt", "vlc")

if not TYPE_CHECKING:  # for mypy the names above are plain imports, so typos still fail

    def __getattr__(name: str) -> Any:
        # ``playhead.adapters.mpv`` after ``import playhead``: the adapter module on first use
        if name not in _ADAPTERS:
            raise AttributeError(f"module 'playhead.adapters' has no attribute {name!r}")
        import importlib

        return importlib.import_module(f"playhead.adapters.{name}")
