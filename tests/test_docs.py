"""Docs that are generated from code must match the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).parent.parent / "docs"


def test_state_diagram_page_matches_the_machine() -> None:
    spec = importlib.util.spec_from_file_location("gen", DOCS / "gen_state_diagram.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DOCS / "state-diagram.md").read_text() == module.render(), (
        "docs/state-diagram.md is stale: run python docs/gen_state_diagram.py"
    )


def test_every_state_and_trigger_is_in_the_diagram() -> None:
    from playhead.machine import STATES, TRANSITIONS

    page = (DOCS / "state-diagram.md").read_text()
    for state in STATES:
        assert f'state "{state}"' in page
    for rule in TRANSITIONS:
        if rule["dest"] is not None:
            assert rule["trigger"] in page


def test_every_public_name_is_in_the_api_reference() -> None:
    import playhead

    page = (DOCS / "api.md").read_text()
    missing = [
        name
        for name in playhead.__all__
        if not name.startswith("_") and name != "EVENTS" and f"::: playhead.{name}\n" not in page
    ]
    assert missing == [], f"docs/api.md lacks {missing}"
