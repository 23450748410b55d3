"""Docs that are generated from code must match the code, and the built site shows them."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``mkdocs build --strict`` makes it: what readers see, not the Markdown."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return out


def _text(page: Path) -> str:
    """A built page's text as a reader sees it: tags dropped, entities decoded, spaces folded."""
    markup = page.read_text(encoding="utf-8")
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _folded(text: str) -> str:
    # Highlighting puts tags between tokens: compare the code without any whitespace.
    return re.sub(r"\s+", "", text)


def test_no_built_page_shows_an_include_marker(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    shown = [str(p.relative_to(site)) for p in pages if "--8<--" in _folded(_text(p))]
    assert shown == [], "unrendered snippet includes (--8<--) on these pages"


def test_the_testing_guide_shows_every_example_section(site: Path) -> None:
    source = (DOCS / "examples" / "test_testing_guide.py").read_text(encoding="utf-8")
    sections = dict(
        re.findall(r"# --8<-- \[start:(\w+)\]\n(.*?)\n\s*# --8<-- \[end:\1\]", source, re.DOTALL)
    )
    assert len(sections) == 5
    page = _folded(_text(site / "testing" / "index.html"))
    for name, code in sections.items():
        assert _folded(code) in page, f"the {name!r} example is missing from the built page"


def test_the_state_diagram_page_shows_the_machine_drawn(site: Path) -> None:
    from playhead.machine import STATES, TRANSITIONS

    markup = (site / "state-diagram" / "index.html").read_text(encoding="utf-8")
    assert "stateDiagram" not in markup  # no Mermaid source left for the reader to decode
    drawn = re.search(r"<svg\b.*?</svg>", markup, re.DOTALL)
    assert drawn is not None, "the state diagram page has no inline SVG"
    svg = html.unescape(drawn.group(0))
    labels = set(re.findall(r"<text\b[^>]*>([^<]*)</text>", svg))
    for state in STATES:
        assert state in labels, f"state {state!r} is not drawn"
    for rule in TRANSITIONS:
        if rule["dest"] is not None:
            assert any(label.startswith(rule["trigger"]) for label in labels), rule["trigger"]


def test_every_public_name_is_in_the_api_reference() -> None:
    import playhead

    page = (DOCS / "api.md").read_text()
    missing = [
        name
        for name in playhead.__all__
        if not name.startswith("_") and name != "EVENTS" and f"::: playhead.{name}\n" not in page
    ]
    assert missing == [], f"docs/api.md lacks {missing}"


def _section(markup: str, anchor: str) -> str:
    """The text of one object's section of an API page, from its heading to the next h2."""
    start = markup.index(f'<h2 id="{anchor}"')
    end = markup.find("<h2 ", start + 1)
    section = markup[start : end if end != -1 else None]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_the_api_page_shows_constructors_and_fields(site: Path) -> None:
    import attrs

    import playhead

    markup = (site / "api" / "index.html").read_text(encoding="utf-8")
    tracker = _folded(_section(markup, "playhead.Tracker"))
    assert "Tracker(transport:Transport,*,user_id:str|None=None," in tracker
    content = _section(markup, "playhead.Content")
    assert "Content(*,asset_id:str,pod_id:str|None=None," in _folded(content)
    for field in attrs.fields(playhead.Content):
        assert _folded(f"{field.name}: {field.type}") in _folded(content), field.name
    assert "attrs.field" not in content  # a field shows its type, not how it is validated
