"""MkDocs hook: draw the demo session's picture into the site (img/demo-session.svg).

The picture is generated at build time from ``playhead demo``'s timeline, so the docs always
show what the current code draws, and no generated image is kept in git.
"""

from __future__ import annotations

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
