"""Griffe extension for the docs build: attrs classes get the constructor attrs writes for them.

Griffe reads the source, where an attrs class has fields but no ``__init__``; the API page would
show ``Content`` without a signature and each field as ``attrs.field(validator=...)``. This
builds ``__init__`` from the runtime class (names, keyword-only, defaults, factories) and shows
each field by its annotation alone.
"""

from __future__ import annotations

import importlib
from typing import Any

import attrs
import griffe


def _runtime(cls: griffe.Class) -> Any:
    module = importlib.import_module(cls.module.path)
    return getattr(module, cls.name, None)


_POSITIONAL: Any = griffe.ParameterKind.positional_or_keyword
_KEYWORD: Any = griffe.ParameterKind.keyword_only


def _default(field: Any) -> str | None:
    default = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory
        return "{}" if factory is dict else f"{factory.__name__}()"
    return repr(default)


class AttrsInit(griffe.Extension):
    def on_class(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        runtime = _runtime(cls)
        if not (isinstance(runtime, type) and attrs.has(runtime)) or "__init__" in cls.members:
            return
        parameters = [griffe.Parameter("self", kind=_POSITIONAL)]
        for field in attrs.fields(runtime):
            if not field.init:
                continue
            member = cls.all_members.get(field.name)
            annotation = getattr(member, "annotation", None) or field.type
            if isinstance(member, griffe.Attribute) and member.parent is cls:
                member.value = None  # the validators and converters are not the reader's business
            kind = _KEYWORD if field.kw_only else _POSITIONAL
            parameters.append(
                griffe.Parameter(
                    field.alias or field.name,
                    annotation=annotation,
                    kind=kind,
                    default=_default(field),
                )
            )
        cls.set_member(
            "__init__",
            griffe.Function(
                "__init__",
                lineno=cls.lineno,
                endlineno=cls.lineno,
                parameters=griffe.Parameters(*parameters),
                returns="None",
            ),
        )
