"""The timeline format's JSON Schema, generated from what the loader checks.

The steps come from the session callbacks the loader accepts (:data:`~playhead.testing.timeline.
CALLS`, with their signatures and type hints), the ``tracker`` and ``session`` objects from the
arguments of ``Tracker`` and ``Tracker.session``, content and ad breaks from the model classes:
a new callback or option is in the schema the moment the loader takes it. The published copy is
``docs/timeline.schema.json``; regenerate it with
``python -m playhead.testing.timeline_schema > docs/timeline.schema.json`` (a test compares).

.. versionadded:: 0.2
"""

from __future__ import annotations

import collections.abc
import inspect
import json
import types
import typing
from typing import Any

import attrs

from playhead.session import Session
from playhead.testing.timeline import (
    _SESSION_KEYS,
    _SIGNATURES,
    _TRACKER_KEYS,
    CALLS,
    FORMAT_VERSION,
)
from playhead.tracker import Tracker

__all__ = ["timeline_schema"]

_SCALARS: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}
_ARRAYS = (tuple, list, collections.abc.Iterable, collections.abc.Sequence)
_OBJECTS = (dict, collections.abc.Mapping)


def _schema_of(hint: Any) -> dict[str, Any]:
    """The JSON Schema of a type hint, as the timeline's JSON spells the value."""
    if hint is Any:
        return {}
    if hint is type(None):
        return {"type": "null"}
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    if isinstance(hint, type) and attrs.has(hint):
        return _object_of_attrs(hint)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        # A model class or its mapping: in JSON both are the same object.
        if any(isinstance(a, type) and attrs.has(a) for a in args):
            args = tuple(a for a in args if typing.get_origin(a) not in _OBJECTS)
        members = [_schema_of(a) for a in args]
        if len(members) == 1:
            return members[0]
        if all(set(m) == {"type"} for m in members):
            return {"type": [m["type"] for m in members]}
        return {"anyOf": members}
    if origin in _ARRAYS:
        return {"type": "array", "items": _schema_of(args[0]) if args else {}}
    if origin in _OBJECTS or hint in _OBJECTS:
        return {"type": "object"}
    raise TypeError(f"no JSON Schema for {hint!r}: teach playhead.testing.timeline_schema")


def _object_of_attrs(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    fields = [field for field in attrs.fields(cls) if field.init]
    schema: dict[str, Any] = {
        "type": "object",
        "description": f"a {cls.__name__}; keys it does not know go to its 'extra'",
        "properties": {(f.alias or f.name): _schema_of(hints[f.name]) for f in fields},
    }
    required = [(f.alias or f.name) for f in fields if f.default is attrs.NOTHING]
    if required:
        schema["required"] = required
    return schema


def _object_of_arguments(function: Any, keys: frozenset[str], description: str) -> dict[str, Any]:
    hints = typing.get_type_hints(function)
    names = [name for name in inspect.signature(function).parameters if name in keys]
    return {
        "type": "object",
        "description": description,
        "properties": {name: _schema_of(hints[name]) for name in names},
        "additionalProperties": False,
    }


def _step(call: str) -> dict[str, Any]:
    method = getattr(Session, call)
    hints = typing.get_type_hints(method)
    properties: dict[str, Any] = {
        "at": {"type": "number", "minimum": 0},
        "call": {"const": call},
    }
    required = ["at", "call"]
    open_ended = False
    for parameter in list(_SIGNATURES[call].parameters.values())[1:]:  # after self
        if parameter.kind is parameter.VAR_KEYWORD:
            open_ended = True  # metadata keywords (title, total_length, ...)
            continue
        properties[parameter.name] = _schema_of(hints[parameter.name])
        if parameter.default is parameter.empty:
            required.append(parameter.name)
    summary = (inspect.getdoc(method) or "").split("\n", 1)[0]
    return {
        "type": "object",
        "description": f"session.{call}(): {summary}" if summary else f"session.{call}()",
        "properties": properties,
        "required": required,
        "additionalProperties": open_ended,
    }


def timeline_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a timeline file, generated from the loader's checks.

    .. versionadded:: 0.2
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "playhead timeline",
        "description": (
            f"A playback session as data (format version {FORMAT_VERSION}), replayed by "
            "`playhead simulate` and playhead.testing.run_timeline. Generated from "
            "playhead.testing.timeline: do not edit."
        ),
        "type": "object",
        "properties": {
            "version": {
                "description": "the timeline format; a timeline without it is version 1",
                "const": FORMAT_VERSION,
            },
            "tracker": _object_of_arguments(
                Tracker.__init__, _TRACKER_KEYS, "keyword arguments of playhead.Tracker"
            ),
            "session": _object_of_arguments(
                Tracker.session, _SESSION_KEYS, "keyword arguments of Tracker.session()"
            ),
            "start": {
                "type": "string",
                "description": "ISO-8601 time of the fake clock's zero (default "
                "2024-01-15T10:30:00Z)",
            },
            "steps": {
                "type": "array",
                "description": "session callbacks in time order: 'at' seconds, 'call', arguments",
                "items": {"oneOf": [_step(call) for call in CALLS]},
            },
            "end": {
                "type": "number",
                "minimum": 0,
                "description": "advance the clock to here after the last step",
            },
            "monitor": {
                "type": "object",
                "description": "put a PlayheadMonitor with these options between the steps "
                "and the session",
            },
        },
        "required": ["steps"],
        "additionalProperties": False,
    }


def main() -> None:
    """Print the schema: ``python -m playhead.testing.timeline_schema``."""
    print(json.dumps(timeline_schema(), indent=2))


if __name__ == "__main__":
    main()
