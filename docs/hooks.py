"""MkDocs hook: draw the report pictures into the site (``img/*.svg``).

The pictures are generated at build time, so the docs always show what the current code
draws, and no generated image is kept in git: the demo session (``playhead demo``'s timeline),
a generated 10-hour session, and the fleet page's overview of a generated fleet.
"""

from __future__ import annotations

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
