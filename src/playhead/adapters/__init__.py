"""Adapters: real players' callbacks onto a session's raw callbacks.

``playhead.adapters.mpv``, ``.vlc``, ``.gstreamer`` and ``.qt`` each have ``attach(player,
session)``; none imports its player library until ``attach`` is called, so importing playhead
never needs libmpv, libvlc, PyGObject or PySide6. :class:`PlayheadMonitor` infers the stalls
and seeks a player does not signal; :class:`Recorder` records what a session receives as a
replayable timeline.

.. versionadded:: 0.1
"""

from playhead.adapters import gstreamer, mpv, qt, vlc
from playhead.adapters._base import AdapterHandle, QualityDebouncer
from playhead.adapters.monitor import PlayheadMonitor
from playhead.adapters.recorder import Recorder

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
