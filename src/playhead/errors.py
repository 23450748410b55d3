"""The exceptions playhead raises.

Configuration mistakes raise at once, when the object is built. Callbacks from a player never
raise (they are logged, counted and ignored) unless the tracker was made with ``strict=True``,
which tests use to turn every ignored callback into a :class:`CallbackError`.
"""

from __future__ import annotations

__all__ = ["CallbackError", "ConfigurationError", "PlayheadError", "TimelineError"]


class PlayheadError(Exception):
    """Base class of every exception playhead raises."""


class ConfigurationError(PlayheadError, ValueError):
    """A tracker, session, transport or metadata object was configured wrongly."""


class CallbackError(PlayheadError):
    """A raw player callback made no sense in the session's state (``strict=True`` only).

    Attributes name the callback, the state the session was in and why it was ignored, so a
    test failure reads like the log line a production run would have written.
    """

    def __init__(self, call: str, state: str, reason: str) -> None:
        super().__init__(f"{call}() ignored in state {state!r}: {reason}")
        self.call = call
        self.state = state
        self.reason = reason


class TimelineError(PlayheadError, ValueError):
    """A simulated timeline is malformed; the message names the step."""
