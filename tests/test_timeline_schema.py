"""The timeline format's version and its published JSON Schema, generated from the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from playhead.demo import demo_timeline
from playhead.errors import TimelineError
from playhead.testing.timeline import FORMAT_VERSION, dump_timeline, load_timeline, run_timeline
from playhead.testing.timeline_schema import timeline_schema

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "docs" / "timeline.schema.json"
EXAMPLES = sorted((ROOT / "examples" / "timelines").glob("*.json"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_published_schema_is_the_generated_one() -> None:
    generated = json.dumps(timeline_schema(), indent=2) + "\n"
    assert PUBLISHED.read_text(encoding="utf-8") == generated, (
        "docs/timeline.schema.json is stale: "
        "python -m playhead.testing.timeline_schema > docs/timeline.schema.json"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_timeline_validates(path: Path, validator: Draft202012Validator) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(data)] == []
    assert run_timeline(data)  # and the loader agrees


def test_the_demo_and_a_dumped_timeline_validate(
    tmp_path: Path, validator: Draft202012Validator
) -> None:
    assert len(EXAMPLES) >= 5
    assert [e.message for e in validator.iter_errors(demo_timeline())] == []
    dumped = tmp_path / "demo.json"
    dump_timeline(demo_timeline(), dumped)
    data = json.loads(dumped.read_text(encoding="utf-8"))
    assert data["version"] == FORMAT_VERSION == 1
    assert [e.message for e in validator.iter_errors(data)] == []


def _base() -> dict[str, Any]:
    return {"steps": [{"at": 0, "call": "play"}, {"at": 1, "call": "seeking", "to": 30}]}


@pytest.mark.parametrize(
    ("change", "loader_says"),
    [
        (lambda t: t.update(version=2), "unknown timeline version 2"),
        (lambda t: t.update(version="1"), "unknown timeline version '1'"),
        (lambda t: t.update(extra=1), "unknown top-level keys"),
        (lambda t: t["steps"].append({"at": 2, "call": "rewind"}), "unknown call"),
        (lambda t: t["steps"][1].pop("to"), "wrong arguments"),
        (lambda t: t["steps"][0].update(speed=2), "wrong arguments"),
        (lambda t: t.update(tracker={"colour": "red"}), "'tracker' must be an object"),
    ],
)
def test_the_schema_refuses_what_the_loader_refuses(
    change: Any, loader_says: str, validator: Draft202012Validator
) -> None:
    timeline = _base()
    assert validator.is_valid(timeline)
    load_timeline(timeline)
    change(timeline)
    assert not validator.is_valid(timeline)
    with pytest.raises(TimelineError, match=loader_says.replace("(", r"\(")):
        load_timeline(timeline)


def test_a_timeline_without_a_version_is_version_1() -> None:
    assert load_timeline(_base()) == load_timeline({**_base(), "version": 1})
