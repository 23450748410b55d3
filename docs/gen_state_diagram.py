"""Regenerate docs/state-diagram.md from the rule table: ``python docs/gen_state_diagram.py``.

tests/test_docs.py fails when the committed page and the machine disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

PAGE = Path(__file__).parent / "state-diagram.md"

HEADER = """# State diagram

Generated from `playhead.machine.TRANSITIONS` by transitions' Mermaid backend
(`python docs/gen_state_diagram.py`); a test keeps it in step with the code. Arrows are
triggers; a guard in brackets picks between rules with the same trigger. Which raw callback
fires which trigger, and which events each rule emits, is in [the rules](rules.md).

| raw callback | trigger |
|---|---|
| `play()` | `request_play` |
| `playing()` | `frames` |
| `pause()` | `pause` |
| `waiting()` | `stall` |
| `seeking()` / `seeked()` | `seek_start` / `seek_end` |
| `ended()` | `content_end` |
| `content_start()` | `switch_item` |
| `ad_break_start()` / `ad_break_end()` | `break_start` / `break_end` |
| `ad_start()` / `ad_end()` / `ad_skipped()` | `ad_begin` / `ad_finish` / `ad_skip` |
| `interrupt()` / `exit()` | `interrupt` / `leave` |

`time_update()` and `ad_time_update()` fire a trigger only when they reveal a change: the end
of an inferred stall (`frames`), a jump taken as a seek (`seek_start` + `seek_end`).

"""


def render() -> str:
    from playhead.machine import mermaid_diagram

    lines = [
        line
        for line in mermaid_diagram().splitlines()
        if not line.strip().startswith(("Class ", "classDef "))
    ]
    return HEADER + "```mermaid\n" + "\n".join(lines).strip() + "\n```\n"


if __name__ == "__main__":
    PAGE.write_text(render())
    sys.exit(0)
