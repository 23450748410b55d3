"""The state diagram, drawn from the rule table at docs build time (``docs/hooks.py``).

``python docs/gen_state_diagram.py > states.svg`` draws it by hand. Graphviz lays it out (the
Debian package ``graphviz``); one arrow per source and destination, labelled with its triggers
and, in brackets, the guard that picks between rules with the same trigger. A rule that leaves
many states is drawn once, from a note naming them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import defaultdict

#: Where the page wants the picture; the hook puts the SVG in its place.
PLACEHOLDER = "<!-- state-diagram.svg -->"


#: A rule that leaves this many states or more is drawn once, from a box naming them.
MANY = 4


def dot_source() -> str:
    from playhead.machine import STATES, TRANSITIONS

    labels: dict[tuple[str, str], list[str]] = defaultdict(list)
    groups: dict[tuple[str, ...], str] = {}
    for rule in TRANSITIONS:
        dest = rule["dest"]
        if dest is None:  # a rule that keeps the state (an ignored or absorbed callback)
            continue
        sources = [rule["source"]] if isinstance(rule["source"], str) else rule["source"]
        conditions = rule.get("conditions")
        label = rule["trigger"] + (f" [{conditions}]" if isinstance(conditions, str) else "")
        if len(sources) >= MANY:
            sources = [groups.setdefault(tuple(sources), f"group{len(groups)}")]
        for source in sources:
            if label not in labels[source, dest]:
                labels[source, dest].append(label)
    lines = [
        "digraph states {",
        "  rankdir=LR; nodesep=0.3; ranksep=0.8;",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="DejaVu Sans"];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#5b6b82"];',
        '  start [shape=point, width=0.12, label=""];',
        f'  start -> "{STATES[0]}";',
    ]
    lines += [f'  "{state}";' for state in STATES]
    for members, name in groups.items():
        rows = [", ".join(members[i : i + 3]) for i in range(0, len(members), 3)]
        text = "\\n".join(["from any of:", *rows])
        lines.append(
            f'  {name} [label="{text}", shape=note, style="dashed,filled", fillcolor=white,'
            " fontsize=9];"
        )
    for (source, dest), triggers in labels.items():
        label = "\\n".join(triggers)
        lines.append(f'  "{source}" -> "{dest}" [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg() -> str:
    """The diagram as an inline ``<svg>`` element (no XML prolog, no comments)."""
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(
            "drawing the state diagram needs Graphviz's 'dot' (Debian: apt-get install graphviz)"
        )
    svg = subprocess.run(
        [dot, "-Tsvg"], input=dot_source(), capture_output=True, text=True, check=True, timeout=60
    ).stdout
    svg = svg[svg.index("<svg") :]
    # Drawn at its own size in a box that scrolls sideways: shrunk to the page's width, the
    # wide left-to-right layout is too small to read.
    label = '<svg role="img" aria-label="state diagram" style="max-width: none" '
    svg = re.sub(r"^<svg ", label, svg)
    lines = [line for line in svg.splitlines() if line.strip() and "<!--" not in line]
    return '<div style="overflow-x: auto">' + "\n".join(lines) + "</div>"


if __name__ == "__main__":
    print(render_svg())
    sys.exit(0)
