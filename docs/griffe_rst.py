"""Griffe extension for the docs build: the reST bits of playhead's docstrings as Markdown.

Docstrings follow the project's style (``:class:`~playhead.FakeClock```, ``.. versionadded::``),
which reads well in ``help()``; on the site the roles become code spans and the version notes
a short line.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`(~?)([^`]+)`")
_VERSION = re.compile(r"^(\s*)\.\. versionadded:: *(\S+)\s*$", re.MULTILINE)


def _role(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


class ReSTRoles(griffe.Extension):
    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        docstring = obj.docstring
        if docstring is None:
            return
        text = _ROLE.sub(_role, docstring.value)
        docstring.value = _VERSION.sub(r"\1*Added in version \2.*", text)
