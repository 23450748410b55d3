"""The testing guide's examples and the example app's suite pass, as a user would run them.

Each runs in its own pytest process from the repository root: only the plugin (loaded through
its ``pytest11`` entry point) provides the fixtures, exactly as in a user's project.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("suite", ["docs/examples", "examples/app_tests"])
def test_example_suite_passes(suite: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", suite, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed, summary
    assert int(passed.group(1)) >= 5
    assert "failed" not in summary
    assert "skipped" not in summary


def test_the_guide_includes_every_example_section() -> None:
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    source = (ROOT / "docs" / "examples" / "test_testing_guide.py").read_text(encoding="utf-8")
    sections = re.findall(r"# --8<-- \[start:(\w+)\]", source)
    assert sections
    for section in sections:
        assert f"test_testing_guide.py:{section}" in page, section


def test_every_docs_page_is_in_the_site_nav() -> None:
    # MkDocs builds pages left out of the nav but nobody finds them: keep the nav complete.
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"([\w./-]+\.md)\s*$", config, flags=re.MULTILINE))
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert pages - listed == set(), "add these pages to the nav in mkdocs.yml"
    assert listed - pages == set(), "the nav lists pages that do not exist"
