"""Validate payloads against the seed spec's /track request body (jsonschema, Draft 2020-12).

The one validator every test uses. The spec is embedded as the root schema with a ``$ref``
into it, so its ``#/components/...`` references resolve without any network access.

The /track body is a ``oneOf`` over the 17 events, each requiring its own ``event`` name, so a
payload is valid against the whole exactly when it is valid against its own event's branch:
checking that branch alone gives the same verdict many times faster (tests/test_spec_validator.py
checks the two agree), which matters for tests that emit thousands of payloads.
"""

from __future__ import annotations

import functools
import json
import pathlib
from typing import Any

from jsonschema import Draft202012Validator

SPEC_PATH = pathlib.Path(__file__).resolve().parent / "fixtures" / "video-events.openapi.json"
TRACK_BODY = "#/paths/~1track/post/requestBody/content/application~1json/schema"


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {**spec(), "$ref": pointer}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _pointer_for(event: Any) -> str:
    """The component for this event name (same verdict as the full oneOf, much faster)."""
    if isinstance(event, dict) and isinstance(event.get("event"), str):
        name = event["event"].lower().replace(" ", "_") + "_event"
        if name in spec()["components"]["schemas"]:
            return f"#/components/schemas/{name}"
    return TRACK_BODY


def errors(event: Any, *, full: bool = False) -> list[str]:
    """Validation messages for one event ([] when valid)."""
    if full or not isinstance(event, dict):
        return _errors(event, full=full)
    # the spec says nothing about messageId, so events that differ only there share a verdict
    key = json.dumps({k: v for k, v in event.items() if k != "messageId"}, sort_keys=True)
    return list(_cached(key))


@functools.lru_cache(maxsize=4096)
def _cached(key: str) -> tuple[str, ...]:
    return tuple(_errors(json.loads(key), full=False))


def _errors(event: Any, *, full: bool) -> list[str]:
    validator = _validator(TRACK_BODY if full else _pointer_for(event))
    return [e.message for e in validator.iter_errors(event)]


def validator(event: str | None = None) -> Draft202012Validator:
    """The validator of one event's branch, or of the whole /track body."""
    return _validator(_pointer_for({"event": event}) if event else TRACK_BODY)


def assert_valid(payload: Any) -> None:
    """Fail with the schema's complaint unless ``payload`` is a valid /track request body."""
    if not errors(payload):
        return
    problems = [
        f"{'/'.join(map(str, sub.absolute_path))}: {sub.message}"
        for error in _validator(_pointer_for(payload)).iter_errors(payload)
        for sub in (error.context or [error])[:6]
    ]
    event = payload.get("event") if isinstance(payload, dict) else None
    raise AssertionError(f"{event!r} is not valid: {'; '.join(problems) or 'not a /track body'}")


def assert_all_valid(payloads: Any) -> None:
    for payload in payloads:
        assert_valid(payload)
