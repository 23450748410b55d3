"""The rule table: which raw callback may change which state, and what each change emits.

One flat ``transitions`` Machine is shared by every session of the process (no ``add_model``:
sessions are small slotted objects that keep their own ``state``, and triggers are fired with
``MACHINE.events[name].trigger(session)``; see docs/architecture.md for the measurements behind
this). Callbacks are names of Session methods, resolved on the session being driven, so the table
below reads as the specification: source states, destination, guard, and the events in order.

Position ticks never come here: the session handles them with a few comparisons and fires a
trigger only when a tick reveals a change (a stall ended, a jump, a quartile).
"""

from __future__ import annotations

from typing import Any

from transitions import Machine, MachineError

__all__ = [
    "AD_STATES",
    "CONTENT_STATES",
    "IDLE_STATES",
    "MACHINE",
    "STATES",
    "TRANSITIONS",
    "MachineError",
]

#: Every state a session can be in.
STATES: tuple[str, ...] = (
    "idle",  # nothing requested yet
    "loading",  # playback requested (or an item/break boundary passed); waiting for frames
    "playing",  # content frames advancing
    "paused",  # content paused by the viewer
    "buffering",  # content stalled after it had started (a rebuffer)
    "seeking",  # a seek (or a scrub of several) is in flight
    "interrupted",  # stopped without the viewer asking (call, device lock, background)
    "ad_break",  # inside an ad break, between ads
    "ad_playing",  # ad frames advancing
    "ad_paused",
    "ad_buffering",
    "ended",  # Playback Completed or Exited was sent: nothing more is emitted
)
AD_STATES = frozenset({"ad_break", "ad_playing", "ad_paused", "ad_buffering"})
CONTENT_STATES = frozenset({"playing", "paused", "buffering", "seeking"})
#: States in which nothing plays and the viewer may have walked away: the idle timeout runs.
IDLE_STATES = frozenset({"paused", "buffering", "interrupted", "ad_paused", "ad_buffering"})
_STARTED = [s for s in STATES if s not in ("idle", "ended")]
_CONTENT = ["playing", "paused", "buffering", "seeking"]
_CONTENT_OR_LOADING = ["loading", *_CONTENT]
_AD_RUNNING = ["ad_playing", "ad_paused", "ad_buffering"]
_AD = ["ad_break", *_AD_RUNNING]


def _t(trigger: str, source: Any, dest: str | None, *after: str, **extra: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "trigger": trigger,
        "source": source,
        "dest": dest,
        "after": list(after),
    }
    rule.update(extra)
    return rule


#: The rules. ``dest=None`` is an internal transition: valid, no state change, no enter/exit.
#: The first rule whose ``conditions`` hold wins.
# fmt: off
TRANSITIONS: list[dict[str, Any]] = [
    # play(): playback requested.
    _t("request_play", "idle", "loading", "_emit_playback_started"),
    # playing(): frames advance.
    _t("frames", "loading", "playing", conditions="_content_left"),
    _t("frames", "paused", "playing", "_emit_resumed"),
    _t("frames", "buffering", "playing", "_emit_buffer_completed"),
    _t("frames", "seeking", "playing", "_emit_seek_completed", "_emit_resumed_after_seek"),
    _t("frames", "interrupted", "ad_playing", "_emit_resumed", conditions="_in_ad"),
    _t("frames", "interrupted", "playing", "_emit_resumed"),
    _t("frames", "ad_paused", "ad_playing", "_emit_resumed"),
    _t("frames", "ad_buffering", "ad_playing", "_emit_buffer_completed"),
    # pause()
    _t("pause", "playing", "paused", "_emit_paused"),
    _t("pause", "loading", "paused", "_emit_paused"),
    _t("pause", "buffering", "paused", "_emit_buffer_completed", "_emit_paused"),
    _t("pause", "seeking", None, "_emit_paused", "_keep_paused_after_seek"),
    _t("pause", "ad_playing", "ad_paused", "_emit_paused"),
    _t("pause", "ad_buffering", "ad_paused", "_emit_buffer_completed", "_emit_paused"),
    # waiting(): a stall. Before the first frame it is startup; during a seek it is the seek's.
    _t("stall", "playing", "buffering", "_emit_buffer_started"),
    _t("stall", "ad_playing", "ad_buffering", "_emit_buffer_started"),
    _t("stall", ["loading", "seeking", "paused", "ad_paused", "ad_break", "interrupted"], None),
    # seeking() / seeked()
    _t("seek_start", ["playing", "paused"], "seeking", "_emit_seek_started"),
    _t("seek_start", "buffering", "seeking", "_emit_buffer_completed", "_emit_seek_started"),
    _t("seek_start", ["seeking", "loading"], None),  # a scrub; a bookmark before the first frame
    _t("seek_end", "seeking", "paused", "_emit_seek_completed", conditions="_seek_keeps_paused"),
    _t("seek_end", "seeking", "playing", "_emit_seek_completed", "_emit_resumed_after_seek"),
    _t("seek_end", "loading", None),
    # ended(): the current content item reached its end.
    _t("content_end", _CONTENT_OR_LOADING, "ended", "_finish_content", "_emit_playback_completed",
       conditions="_nothing_after_content"),
    _t("content_end", _CONTENT_OR_LOADING, "loading", "_finish_content"),
    # content_start(): the next item of a playlist, possibly cutting the current one short.
    _t("switch_item", [*_CONTENT, "interrupted"], "loading", "_switch_item", before=["_cut_in"]),
    _t("switch_item", ["idle", "loading"], None, "_switch_item"),
    # Ads. A pause or stall that an ad boundary cuts into is closed when frames next advance
    # (``_cut_in``); the new ad is set up in ``before`` so that entering ad_playing sees it.
    _t("break_start", [*_CONTENT_OR_LOADING, "interrupted"], "ad_break",
       before=["_cut_in", "_close_ad", "_open_break"]),
    _t("ad_begin", [*_CONTENT_OR_LOADING, "interrupted", *_AD], "ad_playing", "_emit_ad_started",
       before=["_cut_in", "_close_ad", "_open_break", "_setup_ad"]),
    _t("ad_finish", _AD_RUNNING, "ad_break", "_complete_ad", before=["_cut_in"]),
    _t("ad_skip", _AD_RUNNING, "ad_break", "_skip_ad", before=["_cut_in"]),
    _t("break_end", _AD, "ended", "_close_ad", "_close_break", "_emit_playback_completed",
       conditions="_session_done", before=["_cut_in"]),
    _t("break_end", _AD, "loading", "_close_ad", "_close_break", before=["_cut_in"]),
    # interrupt() / exit()
    _t("interrupt", "buffering", "interrupted", "_emit_buffer_completed", "_emit_interrupted"),
    _t("interrupt", "ad_buffering", "interrupted", "_emit_buffer_completed", "_emit_interrupted"),
    _t("interrupt", "seeking", "interrupted", "_close_seek", "_emit_interrupted"),
    _t("interrupt", ["loading", "playing", "paused", "ad_playing", "ad_paused"], "interrupted",
       "_emit_interrupted"),
    # exit(): Exited, unless all content was seen (a declared post-roll that never came).
    # Intervals still open (a stall, a seek, an ad) stay open: the viewer left during them.
    _t("leave", _STARTED, "ended", "_emit_playback_completed", unless="_content_left"),
    _t("leave", _STARTED, "ended", "_emit_exited"),
    _t("leave", "idle", "ended"),
    # The idle timeout: left paused, stalled or interrupted too long, the session ends by itself
    # (Adobe's Media SDK: 30 minutes). Intervals stay open, as at exit().
    _t("idle_out", sorted(IDLE_STATES), "ended", "_emit_idle_exited"),
    # play()/playing() after an idle end: a new session (new session_id) starts from idle.
    _t("restart", "ended", "idle", "_new_session"),
]
# fmt: on

#: The callbacks run when a state is entered or left (frames advancing, timers stopping).
#: (Timers stop when a trigger leaves them: the session does that after the trigger, which
#: costs less than one more callback on every transition.)
STATE_CALLBACKS: dict[str, dict[str, str]] = {
    "playing": {"on_enter": "_content_frames"},
    "ad_playing": {"on_enter": "_ad_frames"},
}


def _states() -> list[dict[str, Any]]:
    return [{"name": name, **STATE_CALLBACKS.get(name, {})} for name in STATES]


def build_machine(**options: Any) -> Machine:
    """A Machine from the table; ``options`` go to transitions (e.g. for diagrams)."""
    return Machine(
        model=None,
        states=_states(),
        transitions=TRANSITIONS,
        initial="idle",
        auto_transitions=False,
        ignore_invalid_triggers=False,
        **options,
    )


#: The one Machine every session shares; named, so transitions' own log lines say whose it is
#: (they go to the stdlib logger ``transitions``; see docs/logging.md to quiet them).
MACHINE = build_machine(name="playhead")
EVENTS = MACHINE.events
