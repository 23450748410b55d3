"""Headless Chromium for the report's tests: screenshots, their pixels, and the DOM after a
script has run (the zoom script is driven by synthetic wheel and mouse events)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("PLAYHEAD_REQUIRE_CHROMIUM"):
            pytest.fail("PLAYHEAD_REQUIRE_CHROMIUM is set but chromium is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def screenshot(page: Path, png: Path, width: int, height: int) -> Path:
    done = _run([f"--window-size={width},{height}", f"--screenshot={png}", page.as_uri()],
                png.parent / "profile")  # fmt: skip
    assert png.exists(), f"chromium wrote no screenshot: {done.stderr[-2000:]}"
    return png


def dump_dom(page: Path) -> str:
    done = _run(["--dump-dom", page.as_uri()], page.parent / "profile-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def pixels(png: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit, non-interlaced RGB or RGBA PNG."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, chunks, header = 8, [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0), "unexpected PNG kind"
    assert colour in (2, 6), "unexpected PNG kind"
    step = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * step
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(step, stride):
                line[i] = (line[i] + line[i - step]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=False))
        elif kind == 3:
            for i in range(stride):
                left = line[i - step] if i >= step else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - step] if i >= step else 0
                b = previous[i]
                c = previous[i - step] if i >= step else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        previous = line
        rgb = bytes(line) if step == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3)
        rows.append(rgb)
    return width, height, rows


def colour_share(rows: list[bytes], colour: str, tolerance: int = 12) -> float:
    """The share of pixels within ``tolerance`` of ``#rrggbb``."""
    want = bytes.fromhex(colour.lstrip("#"))
    hits = total = 0
    for row in rows:
        for i in range(0, len(row), 3):
            total += 1
            if all(abs(row[i + k] - want[k]) <= tolerance for k in range(3)):
                hits += 1
    return hits / total


def not_blank(rows: list[bytes]) -> tuple[float, int]:
    """The share of pixels that are not white, and how many distinct colours there are."""
    inked = total = 0
    colours: set[bytes] = set()
    for row in rows:
        for i in range(0, len(row), 3):
            pixel = row[i : i + 3]
            total += 1
            if pixel != b"\xff\xff\xff":
                inked += 1
                if len(colours) < 5000:
                    colours.add(pixel)
    return inked / total, len(colours)
