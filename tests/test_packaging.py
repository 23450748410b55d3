"""The wheel users install: license, metadata, extras, the plugin's entry point, py.typed."""

from __future__ import annotations

import email.parser
import subprocess
import sys
import zipfile
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("hatchling", reason="the test extra brings hatchling, the build backend")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("playhead-*.whl")
    return zipfile.ZipFile(built)


def read(wheel: zipfile.ZipFile, suffix: str) -> str:
    (name,) = [n for n in wheel.namelist() if n.endswith(suffix)]
    return wheel.read(name).decode()


@pytest.fixture(scope="module")
def metadata(wheel: zipfile.ZipFile) -> Message:
    return email.parser.Parser().parsestr(read(wheel, ".dist-info/METADATA"))


def test_the_license_is_in_the_wheel(wheel: zipfile.ZipFile, metadata: Message) -> None:
    assert read(wheel, ".dist-info/licenses/LICENSE").startswith("MIT License")
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]


def test_urls_and_classifiers(metadata: Message) -> None:
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())
    classifiers = metadata.get_all("Classifier")
    assert "Framework :: Pytest" in classifiers
    assert "Typing :: Typed" in classifiers
    versions = [c for c in classifiers if c.startswith("Programming Language :: Python :: 3.")]
    assert "Programming Language :: Python :: 3.10" in versions
    assert metadata["Requires-Python"] == ">=3.10"


def test_the_runtime_dependencies_and_the_player_extras(metadata: Message) -> None:
    requires = metadata.get_all("Requires-Dist")
    runtime = sorted(r for r in requires if "extra ==" not in r)
    assert runtime == [
        "attrs>=22.2",
        "httpcore>=1.0",  # AsyncHttpTransport's network backend implements its interface
        "httpx>=0.25.1",  # the first httpx on httpcore 1.x
        "sniffio>=1.1",  # see pyproject.toml: httpcore's asyncio path looks for it per request
        "structlog>=22.1",
        "transitions>=0.9.2",
    ]

    def extra(name: str) -> set[str]:
        return {r.split(";")[0] for r in requires if r.endswith(f"extra == '{name}'")}

    assert {"mpv", "vlc", "gstreamer", "players"} <= set(metadata.get_all("Provides-Extra"))
    assert extra("mpv") == {"python-mpv>=1.0"}
    assert extra("vlc") == {"python-vlc>=3.0"}
    assert extra("gstreamer") == {"pygobject<3.51"}
    assert extra("players") == extra("mpv") | extra("vlc") | extra("gstreamer")


def test_the_package_its_plugin_and_its_types(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "playhead/py.typed" in names
    assert "playhead/testing/pytest_plugin.py" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "examples/"))]
    entry_points = read(wheel, ".dist-info/entry_points.txt")
    assert "[pytest11]\nplayhead = playhead.testing.pytest_plugin" in entry_points
    assert "playhead = playhead.cli:main" in entry_points
