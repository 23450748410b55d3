"""MkDocs hooks: pictures drawn from the code at build time, so no generated image is in git.

- the demo session's picture (``img/demo-session.svg``), from ``playhead demo``'s timeline;
- the state diagram, drawn from the rule table into the state diagram page.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files


def on_files(files: Files, config: Any) -> Files:
    from playhead.demo import demo_timeline
    from playhead.report import build_sessions, render_svg
    from playhead.testing import capture_logs
    from playhead.testing.timeline import run_timeline

    with capture_logs():  # the build log is for the docs, not for the session's debug lines
        payloads = run_timeline(demo_timeline())
    svg = render_svg(build_sessions(payloads))
    files.append(File.generated(config, "img/demo-session.svg", content=svg))
    return files


def _load_state_diagram() -> Any:
    path = Path(__file__).with_name("gen_state_diagram.py")
    spec = importlib.util.spec_from_file_location("gen_state_diagram", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_STATE_DIAGRAM = _load_state_diagram()


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    if _STATE_DIAGRAM.PLACEHOLDER in html:
        html = html.replace(_STATE_DIAGRAM.PLACEHOLDER, _STATE_DIAGRAM.render_svg())
    return html
