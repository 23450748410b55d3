"""The rule table compiled for the hot path: one dict lookup and a few method calls per trigger.

``transitions`` stays the definition: :mod:`playhead.machine` builds, validates and draws the
Machine from the table. Firing a trigger through it costs ~6-9 us, most of it generic machinery
(an ``EventData`` per trigger, a partial, callback name resolution and a log call per callback).
:func:`compile_machine` reads the *built* Machine (its events, transitions, conditions and state
callbacks, so source lists and wildcards are already expanded exactly as transitions expands
them) into ``{state: {trigger: rules}}`` and runs them with the same semantics:

- the source state must have rules for the trigger, otherwise :class:`MachineError`;
- rules are tried in table order: ``prepare``, then the guards (``conditions`` must equal True,
  ``unless`` False; the first failing guard stops the rule), then ``before``; a rule with a
  destination runs the source's ``on_exit``, sets ``model.state``, runs the destination's
  ``on_enter`` (also when source and destination are the same); then ``after``; the first rule
  whose guards hold wins and the result is True; none: False.

``tests/test_dispatch.py`` proves, with Hypothesis, that both run every state, trigger and guard
outcome of the table identically. Features the table does not use (queued machines, machine-wide
callbacks, ``send_event``, ignored invalid triggers) are refused at compile time rather than
imitated.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any

from transitions import Machine, MachineError

from playhead.machine import MACHINE

__all__ = ["DISPATCH", "Dispatch", "compile_machine"]

_Step = Callable[[Any], Any]


def _step(callback: str | Callable[[], Any]) -> _Step:
    """A callback of the table as a function of the model (names are methods of the model)."""
    if isinstance(callback, str):
        if "." in callback:
            raise ValueError(f"callback {callback!r}: module paths are not compiled")
        return operator.methodcaller(callback)
    function = callback
    return lambda _model: function()


def _steps(callbacks: Iterable[str | Callable[[], Any]]) -> tuple[_Step, ...]:
    return tuple(_step(callback) for callback in callbacks)


class _Rule:
    __slots__ = ("after", "before", "dest", "enter", "exit", "guards", "prepare")

    def __init__(self, machine: Machine, transition: Any) -> None:
        self.prepare = _steps(transition.prepare)
        self.guards = tuple((_step(c.func), c.target) for c in transition.conditions)
        self.before = _steps(transition.before)
        self.dest: str | None = transition.dest or None
        if self.dest is not None:
            self.exit = _steps(machine.get_state(transition.source).on_exit)
            self.enter = _steps(machine.get_state(self.dest).on_enter)
        else:
            self.exit = self.enter = ()
        self.after = _steps(transition.after)


class Dispatch:
    """A compiled rule table; :meth:`trigger` is ``machine.events[name].trigger(model)``."""

    __slots__ = ("_name", "_rules", "_states")

    def __init__(self, name: str, rules: dict[str, dict[str, tuple[_Rule, ...]]]) -> None:
        self._name = name
        self._rules = rules
        self._states = frozenset(rules)

    def trigger(self, model: Any, trigger: str) -> bool:
        """Fire ``trigger`` on ``model`` (which keeps its own ``state``); True if a rule ran."""
        state = model.state
        try:
            rules = self._rules[state][trigger]
        except KeyError:
            if state not in self._states:
                raise ValueError(f"State '{state}' is not a registered state.") from None
            raise MachineError(
                f"{self._name}Can't trigger event {trigger} from state {state}!"
            ) from None
        for rule in rules:
            for step in rule.prepare:
                step(model)
            for guard, target in rule.guards:
                if guard(model) != target:
                    break
            else:
                for step in rule.before:
                    step(model)
                if rule.dest is not None:
                    for step in rule.exit:
                        step(model)
                    model.state = rule.dest
                    for step in rule.enter:
                        step(model)
                for step in rule.after:
                    step(model)
                return True
        return False


def compile_machine(machine: Machine) -> Dispatch:
    """Compile a flat, non-queued ``transitions`` Machine (``model_attribute="state"``)."""
    unsupported = {
        "queued": machine.has_queue,
        "send_event": machine.send_event,
        "ignore_invalid_triggers": machine.ignore_invalid_triggers
        or any(s.ignore_invalid_triggers for s in machine.states.values()),
        "model_attribute": machine.model_attribute != "state",
        "machine-wide callbacks": any(
            (
                machine.prepare_event,
                machine.before_state_change,
                machine.after_state_change,
                machine.finalize_event,
                machine.on_exception,
                machine.on_final,
            )
        ),
    }
    refused = [name for name, used in unsupported.items() if used]
    if refused:
        raise ValueError(f"cannot compile a Machine that uses {', '.join(refused)}")
    rules: dict[str, dict[str, tuple[_Rule, ...]]] = {name: {} for name in machine.states}
    for trigger, event in machine.events.items():
        for source, transitions in event.transitions.items():
            rules[source][trigger] = tuple(_Rule(machine, t) for t in transitions)
    name: str = machine.name
    return Dispatch(name, rules)


#: The shared Machine of :mod:`playhead.machine`, compiled: what sessions fire triggers on.
DISPATCH = compile_machine(MACHINE)
