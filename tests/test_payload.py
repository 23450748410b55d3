"""messageId: a version-4 UUID, unique, also across a fork."""

from __future__ import annotations

import os
import uuid

import pytest

from playhead.payload import message_id


def test_message_ids_are_version_4_uuids_and_unique() -> None:
    ids = [message_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    for value in ids[:500]:
        parsed = uuid.UUID(value)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == value


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_does_not_repeat_the_parents_ids() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, ",".join(message_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        child = set(pipe.read().split(","))
    parent = {message_id() for _ in range(50)}
    assert len(child) == 50
    assert not child & parent


def test_message_ids_stay_uuids_across_the_whole_counting_range(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The count is formatted without padding: every start a process may draw, and every count
    # up to the last 12-digit one, must still make a 36-character version 4 UUID.
    import itertools

    from playhead import payload

    starts = [next(payload._new_sequence()[1]) for _ in range(2_000)]
    assert min(starts) >= 2**44
    assert max(starts) < 5 * 2**44
    prefix = payload._new_sequence()[0]
    for first in (2**44, 5 * 2**44 - 1, 2**48 - 3):
        monkeypatch.setattr(payload, "_sequence", (prefix, itertools.count(first)))
        for value in (message_id(), message_id(), message_id()):
            parsed = uuid.UUID(value)
            assert str(parsed) == value
            assert parsed.version == 4
            assert parsed.variant == uuid.RFC_4122
