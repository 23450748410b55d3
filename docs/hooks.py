"""MkDocs hooks: pictures drawn from the code at build time, so no generated image is in git.

- the report pictures (``img/*.svg``): the demo session (``playhead demo``'s timeline), a
  generated 10-hour session, and the fleet page's overview of a generated fleet;
- the state diagram, drawn from the rule table into the state diagram page.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files


def on_files(files: Files, config: Any) -> Files:
    from playhead.demo import demo_timeline
    from playhead.report import build_sessions, render_fleet_svg, render_svg, summarize
    from playhead.report.samples import fleet_payloads, long_session
    from playhead.testing import capture_logs
    from playhead.testing.timeline import run_timeline

    with capture_logs():  # the build log is for the docs, not for the session's debug lines
        payloads = run_timeline(demo_timeline())
    pictures = {
        "img/demo-session.svg": render_svg(build_sessions(payloads)),
        "img/long-session.svg": render_svg(build_sessions(long_session(hours=10))),
        "img/fleet.svg": render_fleet_svg(summarize(fleet_payloads(400))),
    }
    for path, svg in pictures.items():
        files.append(File.generated(config, path, content=svg))
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
