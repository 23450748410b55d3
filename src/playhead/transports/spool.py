"""Spool: an on-disk queue of serialised events (stdlib sqlite3, WAL mode).

A row is written before the event can be lost, and deleted only after the collector answered
2xx (or rejected the event for good). Whatever is left when the process dies is delivered by
the next transport that opens the same file. One process owns a spool at a time: a second
opener gets a :class:`~playhead.errors.ConfigurationError`.

The transport calls every method with its own lock held; the spool itself adds none.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from typing import IO, Literal

from playhead.errors import ConfigurationError

__all__ = ["Durability", "Spool"]

Durability = Literal["batched", "sync"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    message_id TEXT NOT NULL UNIQUE,
    body BLOB NOT NULL,
    created REAL NOT NULL
)
"""


class Spool:
    """An sqlite3 file of ``(rowid, message_id, body, created)`` rows.

    ``durability="sync"`` commits each :meth:`add` with ``synchronous=FULL`` (the row survives
    ``kill -9`` and a power cut once :meth:`add` returns); ``"batched"`` commits once per
    :meth:`add_many` with ``synchronous=NORMAL`` (survives a crash of the process, not of the
    machine, once committed).

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        durability: Durability = "batched",
        max_bytes: int = 64 * 1024 * 1024,
        max_age: float = 7 * 24 * 3600.0,
    ) -> None:
        self.path = os.fspath(path)
        self.durability = durability
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._lock_file = self._take_ownership()
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=5.0
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            sync = "FULL" if durability == "sync" else "NORMAL"
            self._db.execute(f"PRAGMA synchronous={sync}")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            self._release()
            raise ConfigurationError(f"cannot open spool {self.path!r}: {exc}") from None
        row = self._db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0), COUNT(*) FROM events")
        self.bytes, self.rows = (int(v) for v in row.fetchone())

    def _take_ownership(self) -> IO[bytes] | None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks, one owner assumed
            return None
        try:
            lock = open(self.path + ".lock", "ab")  # noqa: SIM115
        except OSError as exc:
            raise ConfigurationError(f"cannot open spool {self.path!r}: {exc}") from None
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise ConfigurationError(
                f"spool {self.path!r} is in use by another process; give each process its own"
            ) from None
        return lock

    def _release(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def add(self, message_id: str, body: bytes, now: float | None = None) -> int | None:
        """Write one row (and commit, outside :meth:`add_many`). Returns its rowid, ``None``
        when the spool is full, ``0`` when the message id is spooled already."""
        if self.bytes + len(body) > self.max_bytes:
            return None
        cur = self._db.execute(
            "INSERT OR IGNORE INTO events (message_id, body, created) VALUES (?, ?, ?)",
            (message_id, body, time.time() if now is None else now),
        )
        if cur.rowcount != 1:
            return 0
        self.bytes += len(body)
        self.rows += 1
        return int(cur.lastrowid or 0)

    def add_many(self, rows: Iterable[tuple[str, bytes]]) -> list[int | None]:
        """Write rows in one transaction; one rowid (or ``None``: full, duplicate) per row."""
        now = time.time()
        out: list[int | None] = []
        self._db.execute("BEGIN")
        try:
            for message_id, body in rows:
                out.append(self.add(message_id, body, now))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return out

    def delete(self, message_ids: list[str]) -> None:
        """Forget delivered (or finally rejected) events."""
        if not message_ids:
            return
        self._db.execute("BEGIN")
        try:
            for start in range(0, len(message_ids), 500):
                chunk = message_ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                cur = self._db.execute(
                    f"SELECT COALESCE(SUM(LENGTH(body)), 0), COUNT(*) FROM events "
                    f"WHERE message_id IN ({marks})",
                    chunk,
                )
                size, count = cur.fetchone()
                self._db.execute(f"DELETE FROM events WHERE message_id IN ({marks})", chunk)
                self.bytes -= int(size)
                self.rows -= int(count)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def load(self, after_rowid: int, limit: int) -> list[tuple[int, bytes]]:
        """Up to ``limit`` rows with a rowid above ``after_rowid``, oldest first."""
        cur = self._db.execute(
            "SELECT rowid, body FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after_rowid, limit),
        )
        return [(int(r), bytes(b)) for r, b in cur.fetchall()]

    def count_between(self, after_rowid: int, up_to_rowid: int) -> int:
        """How many rows have ``after_rowid < rowid <= up_to_rowid``."""
        cur = self._db.execute(
            "SELECT COUNT(*) FROM events WHERE rowid > ? AND rowid <= ?",
            (after_rowid, up_to_rowid),
        )
        return int(cur.fetchone()[0])

    def load_max_rowid(self) -> int:
        """The highest rowid now in the file (0 when empty)."""
        return int(self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM events").fetchone()[0])

    def expire(self, now: float | None = None) -> list[bytes]:
        """Delete rows older than ``max_age``; returns their bodies (to report the drop)."""
        cutoff = (time.time() if now is None else now) - self.max_age
        cur = self._db.execute("SELECT message_id, body FROM events WHERE created < ?", (cutoff,))
        old = cur.fetchall()
        if old:
            self.delete([m for m, _ in old])
        return [bytes(b) for _, b in old]

    def close(self) -> None:
        """Close the database and give up ownership."""
        try:
            self._db.close()
        finally:
            self._release()

    def abandon(self) -> None:
        """After fork: drop this process's handles without touching the parent's state."""
        self._lock_file = None  # the parent still holds the lock through its own descriptor

    def __repr__(self) -> str:
        return f"Spool({self.path!r}, durability={self.durability!r}, rows={self.rows})"
