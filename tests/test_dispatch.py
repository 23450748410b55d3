"""The compiled dispatch runs the rule table exactly as transitions does.

Both are driven on stub models that record every callback (with the state at the time of the
call) and answer every guard from a table Hypothesis draws: same states, triggers and guard
outcomes in, same result, state, callbacks in the same order, and the same MachineError out.
The playhead table is checked, and random tables too (so new rules stay covered).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transitions import Machine, MachineError

from playhead._dispatch import DISPATCH, compile_machine
from playhead.machine import MACHINE, STATES


class Boom(Exception):
    pass


def callback_names(machine: Machine) -> tuple[set[str], set[str]]:
    """(action names, guard names) of a machine's table."""
    actions: set[str] = set()
    guards: set[str] = set()
    for event in machine.events.values():
        for transitions in event.transitions.values():
            for t in transitions:
                actions.update(t.prepare, t.before, t.after)
                guards.update(c.func for c in t.conditions)
    for state in machine.states.values():
        actions.update(state.on_enter, state.on_exit)
    return actions, guards


def stub_class(actions: set[str], guards: set[str]) -> type:
    """A model whose actions log (name, state) and whose guards answer from ``answers``."""

    def action(name: str) -> Any:
        def run(self: Any) -> None:
            self.log.append((name, self.state))
            if name == self.raises:
                raise Boom(name)

        return run

    def guard(name: str) -> Any:
        def check(self: Any) -> bool:
            self.log.append((name, self.state))
            answer: bool = self.answers.get(name, True)
            return answer

        return check

    namespace: dict[str, Any] = {name: action(name) for name in actions}
    namespace.update({name: guard(name) for name in guards})

    def init(self: Any, state: str, answers: dict[str, bool], raises: str | None) -> None:
        self.state = state
        self.answers = answers
        self.raises = raises
        self.log = []

    namespace["__init__"] = init
    return type("Stub", (), namespace)


def outcome(fire: Any, model: Any, trigger: str) -> tuple[Any, ...]:
    try:
        result: Any = fire(model, trigger)
    except MachineError as exc:
        result = ("MachineError", str(exc))
    except Boom as exc:
        result = ("Boom", str(exc))
    return result, model.state, list(model.log)


def via_transitions(machine: Machine) -> Any:
    return lambda model, trigger: machine.events[trigger].trigger(model)


PLAYHEAD_ACTIONS, PLAYHEAD_GUARDS = callback_names(MACHINE)
PlayheadStub = stub_class(PLAYHEAD_ACTIONS, PLAYHEAD_GUARDS)


@settings(max_examples=400, deadline=None)
@given(
    state=st.sampled_from(STATES),
    steps=st.lists(
        st.tuples(
            st.sampled_from(sorted(MACHINE.events)),
            st.fixed_dictionaries({g: st.booleans() for g in sorted(PLAYHEAD_GUARDS)}),
        ),
        min_size=1,
        max_size=6,
    ),
    raises=st.none() | st.sampled_from(sorted(PLAYHEAD_ACTIONS)),
)
def test_playhead_table_runs_the_same_compiled(
    state: str, steps: list[tuple[str, dict[str, bool]]], raises: str | None
) -> None:
    ours = PlayheadStub(state, {}, raises)
    theirs = PlayheadStub(state, {}, raises)
    for trigger, answers in steps:
        ours.answers = theirs.answers = answers
        ours.log.clear()
        theirs.log.clear()
        assert outcome(DISPATCH.trigger, ours, trigger) == outcome(
            via_transitions(MACHINE), theirs, trigger
        )


def test_every_state_and_trigger_is_covered() -> None:
    """Sanity of the comparison above: both valid and invalid pairs exist and are compared."""
    valid = {(s, t) for t, e in MACHINE.events.items() for s in e.transitions}
    assert valid
    assert len(valid) < len(STATES) * len(MACHINE.events)
    for state in STATES:
        for trigger in MACHINE.events:
            ours, theirs = PlayheadStub(state, {}, None), PlayheadStub(state, {}, None)
            mine = outcome(DISPATCH.trigger, ours, trigger)
            assert mine == outcome(via_transitions(MACHINE), theirs, trigger)
            assert (mine[0] in (True, False)) == ((state, trigger) in valid)


NAMES = ["a", "b", "c", "d"]
TRIGGERS = ["go", "stop", "turn"]


@st.composite
def tables(draw: st.DrawFn) -> dict[str, Any]:
    """A random flat table: guards (conditions / unless), prepare/before/after, internal and
    reflexive rules, enter/exit callbacks, states without rules."""
    callbacks = st.lists(st.sampled_from(["x1", "x2", "x3"]), max_size=2)
    guards = st.lists(st.sampled_from(["g1", "g2"]), max_size=2)
    rules = [
        {
            "trigger": draw(st.sampled_from(TRIGGERS)),
            "source": draw(st.sampled_from([*NAMES, "*"]) | st.lists(st.sampled_from(NAMES))),
            "dest": draw(st.none() | st.sampled_from(NAMES)),
            "conditions": draw(guards),
            "unless": draw(guards),
            "prepare": draw(callbacks),
            "before": draw(callbacks),
            "after": draw(callbacks),
        }
        for _ in range(draw(st.integers(1, 8)))
    ]
    states = [
        {"name": name, "on_enter": draw(callbacks), "on_exit": draw(callbacks)} for name in NAMES
    ]
    return {"states": states, "transitions": rules}


RandomStub = stub_class({"x1", "x2", "x3"}, {"g1", "g2"})


@settings(max_examples=300, deadline=None)
@given(
    table=tables(),
    state=st.sampled_from(NAMES),
    trigger=st.sampled_from(TRIGGERS),
    answers=st.fixed_dictionaries({"g1": st.booleans(), "g2": st.booleans()}),
    raises=st.none() | st.sampled_from(["x1", "x2", "x3"]),
)
def test_random_tables_run_the_same_compiled(
    table: dict[str, Any], state: str, trigger: str, answers: dict[str, bool], raises: str | None
) -> None:
    machine = Machine(model=None, initial="a", auto_transitions=False, name="random", **table)
    if trigger not in machine.events:
        return
    dispatch = compile_machine(machine)
    ours, theirs = RandomStub(state, answers, raises), RandomStub(state, answers, raises)
    assert outcome(dispatch.trigger, ours, trigger) == outcome(
        via_transitions(machine), theirs, trigger
    )


def test_unknown_state_is_refused_like_transitions() -> None:
    with pytest.raises(ValueError, match="not a registered state"):
        DISPATCH.trigger(PlayheadStub("nowhere", {}, None), "pause")
    with pytest.raises(ValueError, match="not a registered state"):
        MACHINE.events["pause"].trigger(PlayheadStub("nowhere", {}, None))


@pytest.mark.parametrize(
    "option",
    [{"queued": True}, {"send_event": True}, {"ignore_invalid_triggers": True}],
)
def test_machines_it_cannot_imitate_are_refused(option: dict[str, Any]) -> None:
    machine = Machine(model=None, states=["a", "b"], initial="a", **option)
    with pytest.raises(ValueError, match="cannot compile"):
        compile_machine(machine)


def test_machine_wide_callbacks_are_refused() -> None:
    machine = Machine(model=None, states=["a", "b"], initial="a", after_state_change="x1")
    with pytest.raises(ValueError, match="machine-wide callbacks"):
        compile_machine(machine)
