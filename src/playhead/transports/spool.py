"""Spool: an on-disk queue of serialised events (stdlib sqlite3, WAL mode).

A row is written before the event can be lost, and deleted only after the collector answered
2xx (or rejected the event for good). Whatever is left when the process dies is delivered by
the next transport that opens the same file. One process owns a spool at a time: a second
opener gets a :class:`~playhead.errors.ConfigurationError`.

The file is checked when it is opened: a damaged file (or ``-wal``), or a database of some
other program, is moved aside next to the spool for a person to inspect, the rows that can
still be read are copied into a fresh spool, and :attr:`Spool.recovery` says what happened.
A write the disk refuses (full, I/O error) raises :class:`SpoolError`; the spool stays usable
and the caller tries again later.

``max_bytes`` bounds what the files take on disk (database, ``-wal`` and ``-shm``): the WAL is
checkpointed and truncated when it grows, freed pages are given back to the filesystem.

The transport calls every method with its own lock held; the spool itself adds none.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import struct
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from typing import IO, Literal

import attrs

from playhead.errors import ConfigurationError

__all__ = ["MIN_SPOOL_BYTES", "Durability", "Spool", "SpoolError", "SpoolRecovery"]

Durability = Literal["batched", "sync"]

#: The smallest ``spool_max_bytes``: an empty spool takes about 45 KB (3 pages and the
#: 32 KB ``-shm`` index), so less could hold nothing.
MIN_SPOOL_BYTES = 256 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    message_id TEXT NOT NULL UNIQUE,
    body BLOB NOT NULL,
    created REAL NOT NULL
)
"""
_COLUMNS = ["message_id", "body", "created"]
# What one row may add on disk beyond its body (rowid, created, the message_id index entry,
# page slack), twice: until a checkpoint a new page is in the -wal and then in the database.
_ROW_OVERHEAD = 120
_INDEX_ENTRY = 64  # bytes of one message_id index entry, cell overhead included
_TXN_PAGES = 3  # table pages a transaction rewrites whole (the last leaf, interior pages)
_DISK_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_LOCKED")
_DAMAGE_ERRORS = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_WAL_MAGIC = (0x377F0682, 0x377F0683)
_SALVAGE_QUERIES = 20_000
# DELETE ... RETURNING (one statement instead of a sum query and a delete) needs sqlite 3.35
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)


class SpoolError(Exception):
    """The disk refused a write (full, I/O error). Nothing was written; try again later."""


@attrs.frozen
class SpoolRecovery:
    """What opening a damaged spool did: why, where the old file went, rows carried over."""

    reason: str
    moved_to: str
    salvaged: int


def _disk_problem(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(_DISK_ERRORS) or "disk is full" in str(exc)


def _damage(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    return name.startswith(_DAMAGE_ERRORS) or "malformed" in text or "not a database" in text


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
        if os.path.isdir(self.path):
            raise ConfigurationError(f"spool {self.path!r} is a directory; give a file path")
        self.durability = durability
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.rows = 0
        self.bytes = 0
        #: What the files take on disk now, less the free pages sqlite will reuse.
        self.disk_bytes = 0
        self.recovery: SpoolRecovery | None = None
        # every checkpoint fsyncs the database. sqlite checkpoints by itself at 1,000 pages
        # (4 MiB) and keeps the file; past this limit _measure also cuts it to zero, a second
        # checkpoint with its own fsyncs: for a large cap the limit sits above sqlite's, so a
        # write pays one checkpoint, not two. The -wal and what a checkpoint may add are
        # counted against max_bytes all the same.
        self._wal_limit = max(64 * 1024, min(16 * 1024 * 1024, max_bytes // 8))
        self._pending_cost = 0
        self._checkpoint_reserve = 0
        self._txn_rows = 0
        self._top = 0  # the highest rowid used: new rows go above it
        self._page_size = 4096
        self._db: sqlite3.Connection | None = None
        self._lock_file = self._take_ownership()
        try:
            self.open()
        except SpoolError:
            pass  # the disk is full now: :meth:`open` is tried again by the first write
        except BaseException:
            self._release()
            raise

    # ------------------------------------------------------------------ opening
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

    @property
    def is_open(self) -> bool:
        return self._db is not None

    def open(self) -> None:
        """Open (or re-open after a full disk) the file; check it; recover it if damaged.

        Raises :class:`SpoolError` when the disk refuses, :class:`ConfigurationError` when the
        path cannot hold a spool at all (missing directory, no permission)."""
        if self._db is not None:
            return
        damage = wal_damage(self.path + "-wal")
        existed = _size(self.path) > 0
        inspected = False
        if damage is None and existed:
            inspected, damage = self._inspect()
        db: sqlite3.Connection | None = None
        if damage is None:
            try:
                db = self._connect(self.path)
                if existed and not inspected:
                    damage = self._check(db)
            except sqlite3.Error as exc:
                if not _damage(exc):
                    if db is not None:
                        db.close()
                    raise self._opening_error(exc) from None
                damage = str(exc)
        if damage is not None:
            if db is not None:
                db.close()
            db = self._recover(damage)
        assert db is not None
        self._db = db
        self._load_counts()

    def _inspect(self) -> tuple[bool, str | None]:
        """Check an existing file read-only (a foreign or damaged file must keep its bytes):
        ``(checked, what is wrong or None)``; not checked when a read-only look is refused
        (then the file is checked once opened)."""
        uri = "file:" + urllib.parse.quote(self.path) + "?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=5.0)
        except sqlite3.Error:
            return False, None
        try:
            return True, self._check(db)
        except sqlite3.Error as exc:
            if _damage(exc):
                return True, str(exc)
            if _disk_problem(exc):
                raise SpoolError(str(exc)) from None
            return False, None
        finally:
            db.close()

    def _opening_error(self, exc: sqlite3.Error) -> Exception:
        if _disk_problem(exc):
            return SpoolError(str(exc))
        return ConfigurationError(f"cannot open spool {self.path!r}: {exc}")

    def _connect(self, path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
        try:
            new = not db.execute("SELECT name FROM sqlite_master").fetchall()
            if new:  # freed pages go back to the filesystem (incremental_vacuum)
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.execute("PRAGMA journal_mode=WAL")
            sync = "FULL" if self.durability == "sync" else "NORMAL"
            db.execute(f"PRAGMA synchronous={sync}")
            db.execute(f"PRAGMA journal_size_limit={self._wal_limit}")
            if new:
                db.execute(_SCHEMA)
            self._page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _check(db: sqlite3.Connection) -> str | None:
        """None when the file is a sound spool, else what is wrong with it."""
        problems = [str(r[0]) for r in db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            return "quick_check: " + "; ".join(problems[:3])
        tables = {
            str(r[0])
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        columns = [str(r[1]) for r in db.execute("PRAGMA table_info(events)")]
        if tables and (tables != {"events"} or columns != _COLUMNS):
            return f"not a playhead spool (tables {sorted(tables)}, events columns {columns})"
        return None

    def _recover(self, reason: str) -> sqlite3.Connection:
        """Move the damaged files aside (bytes kept), salvage readable rows into a new file."""
        aside = f"{self.path}.damaged-{time.strftime('%Y%m%dT%H%M%S')}"
        n = 1
        while os.path.exists(aside):
            n += 1
            aside = f"{self.path}.damaged-{time.strftime('%Y%m%dT%H%M%S')}-{n}"
        try:
            os.replace(self.path, aside)
            if os.path.exists(self.path + "-wal"):
                os.replace(self.path + "-wal", aside + "-wal")
            if os.path.exists(self.path + "-shm"):
                os.remove(self.path + "-shm")  # an index of the -wal, rebuilt from it
        except OSError as exc:
            raise ConfigurationError(
                f"spool {self.path!r} is damaged ({reason}) and cannot be moved aside: {exc}"
            ) from None
        rows = salvage(aside)
        with contextlib.suppress(OSError):
            os.remove(aside + "-shm")  # made by the read-only salvage; not part of the evidence
        try:
            db = self._connect(self.path)
            if rows:
                db.execute("BEGIN")
                db.executemany(
                    "INSERT OR IGNORE INTO events (message_id, body, created) VALUES (?, ?, ?)",
                    rows,
                )
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            if _disk_problem(exc):
                raise SpoolError(str(exc)) from None
            raise ConfigurationError(f"cannot open spool {self.path!r}: {exc}") from None
        self.recovery = SpoolRecovery(reason=reason, moved_to=aside, salvaged=len(rows))
        return db

    def _load_counts(self) -> None:
        db = self._require()
        row = db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0), COUNT(*) FROM events")
        self.bytes, self.rows = (int(v) for v in row.fetchone())
        self._top = max(self._top, self.load_max_rowid())
        self._measure()

    def _require(self) -> sqlite3.Connection:
        if self._db is None:
            self.open()
        assert self._db is not None
        return self._db

    # ------------------------------------------------------------------ size on disk
    def _measure(self) -> None:
        db = self._require()
        wal = _size(self.path + "-wal")
        if wal > self._wal_limit:
            # copy the -wal into the database and cut it to zero; a reader holding it (or a
            # full disk) leaves it for the next time
            with contextlib.suppress(sqlite3.Error):
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        free = int(db.execute("PRAGMA freelist_count").fetchone()[0]) * self._page_size
        files = sum(_size(self.path + suffix) for suffix in ("", "-wal", "-shm"))
        self.disk_bytes = max(0, files - free)
        # a checkpoint grows the database by up to the -wal's pages before it cuts the -wal
        self._checkpoint_reserve = _size(self.path + "-wal")

    def _begin_cost(self) -> None:
        """A write transaction starts: it rewrites a few table pages whole into the -wal."""
        self._txn_rows = 0
        self._pending_cost = _TXN_PAGES * (self._page_size + 24)

    def cost(self, body: bytes) -> int:
        """What one row may take on disk, counted against ``max_bytes`` before it is written:
        its bytes twice (-wal, then database), and, while the transaction may still touch new
        pages of the message_id index (random ids land anywhere), one whole index page."""
        return self.cost_at(len(body), self.rows, self._txn_rows)

    def cost_at(self, length: int, rows: int, txn_rows: int) -> int:
        """:meth:`cost` of a ``length``-byte row written as the ``txn_rows``-th of its
        transaction into a spool of ``rows`` rows."""
        cost = 2 * (length + _ROW_OVERHEAD)
        index_pages = 1 + rows * _INDEX_ENTRY // (self._page_size // 2)
        if txn_rows < index_pages:
            cost += self._page_size + 24
        return cost

    # ------------------------------------------------------------------ writes
    def add(self, message_id: str, body: bytes, now: float | None = None) -> int | None:
        """Write one row (and commit, outside :meth:`add_many`). Returns its rowid, ``None``
        when the spool is full, ``0`` when the message id is spooled already. Raises
        :class:`SpoolError` when the disk refuses (nothing written)."""
        db = self._require_for_write()
        alone = not db.in_transaction
        if alone:
            self._begin_cost()
        cost = self.cost(body)
        if self.disk_bytes + self._checkpoint_reserve + self._pending_cost + cost > self.max_bytes:
            return None
        try:
            cur = db.execute(
                "INSERT OR IGNORE INTO events (rowid, message_id, body, created) "
                "VALUES (?, ?, ?, ?)",
                (self._top + 1, message_id, body, time.time() if now is None else now),
            )
        except sqlite3.Error as exc:
            if alone:
                self._fail(exc)
            raise
        if cur.rowcount != 1:
            return 0
        self._pending_cost += cost
        self._txn_rows += 1
        self.bytes += len(body)
        self.rows += 1
        self._top += 1
        if alone:
            self._written()
        return self._top

    def add_many(
        self, rows: Iterable[tuple[str, bytes]], forget: Sequence[str] = ()
    ) -> list[int | None]:
        """Write rows in one transaction; one rowid (``None``: full; ``0``: spooled already)
        per row. ``forget``: message ids of delivered events, deleted in the same transaction
        (a commit rewrites the pages it touched into the -wal: one commit instead of two).
        Raises :class:`SpoolError` when the disk refuses (nothing written, nothing deleted).

        One ``executemany`` with rowids given here (above every rowid this spool has used, so
        a reader's cursor never skips a new row); the rows a duplicate messageId kept out are
        found only when the count of changes says there are some."""
        db = self._require_for_write()
        now = time.time()
        self._begin_cost()
        out: list[int | None] = []
        batch: list[tuple[int, str, bytes, float]] = []
        size = 0
        room = self.max_bytes - self.disk_bytes - self._checkpoint_reserve
        if forget:
            # the deleted rows' pages go into the -wal too (counted like a written row)
            average = self.bytes // max(self.rows, 1)
            room -= len(forget) * 2 * (average + _ROW_OVERHEAD)
        rows = list(rows)
        top = self._top
        rows_before = self.rows
        for message_id, body in rows:
            cost = self.cost_at(len(body), rows_before + len(batch), len(batch))
            if self._pending_cost + cost > room:
                out.append(None)
                continue
            self._pending_cost += cost
            top += 1
            batch.append((top, message_id, body, now))
            size += len(body)
            out.append(top)
        if forget and (not batch or None in out):
            # nothing to write, or the deletes take the room some rows need: delete on its
            # own first (measured again after it), then write
            self._pending_cost = 0
            self.delete(list(forget))
            return self.add_many(rows) if out else out
        if not batch:
            self._pending_cost = 0
            return out
        freed = removed = 0
        try:
            db.execute("BEGIN")
            if forget:
                freed, removed = self._delete_rows(db, forget)
            changes = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO events (rowid, message_id, body, created) "
                "VALUES (?, ?, ?, ?)",
                batch,
            )
            kept = db.total_changes - changes
            if kept != len(batch):
                written = {
                    int(r[0])
                    for r in db.execute(
                        "SELECT rowid FROM events WHERE rowid > ? AND rowid <= ?",
                        (self._top, top),
                    )
                }
                for i, row in enumerate(out):
                    if row is not None and row not in written:
                        out[i] = 0
                size = sum(len(b) for r, _m, b, _c in batch if r in written)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._fail(exc)
        self._top = top
        self.bytes += size - freed
        self.rows += kept - removed
        if removed:
            self._vacuum(db)
        self._written()
        return out

    def delete(self, message_ids: list[str]) -> None:
        """Forget delivered (or finally rejected) events. Raises :class:`SpoolError` when the
        disk refuses (nothing deleted)."""
        if not message_ids:
            return
        db = self._require_for_write()
        size = count = 0
        try:
            if self.durability == "sync":
                # a delete lost in a power cut only sends an event again (the collector
                # de-duplicates by messageId): no fsync for it; the next add's FULL commit
                # syncs the -wal, this delete included
                db.execute("PRAGMA synchronous=NORMAL")
            db.execute("BEGIN")
            size, count = self._delete_rows(db, message_ids)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._fail(exc)
        finally:
            if self.durability == "sync":
                with contextlib.suppress(sqlite3.Error):
                    db.execute("PRAGMA synchronous=FULL")
        self.bytes -= size
        self.rows -= count
        self._vacuum(db)
        self._written()

    @staticmethod
    def _delete_rows(db: sqlite3.Connection, message_ids: Sequence[str]) -> tuple[int, int]:
        """Delete inside the caller's transaction: ``(bytes, rows)`` deleted."""
        size = count = 0
        for start in range(0, len(message_ids), 500):
            chunk = list(message_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            if _RETURNING:
                for (length,) in db.execute(
                    f"DELETE FROM events WHERE message_id IN ({marks}) RETURNING LENGTH(body)",
                    chunk,
                ).fetchall():
                    size += length
                    count += 1
                continue
            row = db.execute(
                f"SELECT COALESCE(SUM(LENGTH(body)), 0), COUNT(*) FROM events "
                f"WHERE message_id IN ({marks})",
                chunk,
            ).fetchone()
            db.execute(f"DELETE FROM events WHERE message_id IN ({marks})", chunk)
            size += int(row[0])
            count += int(row[1])
        return size, count

    @staticmethod
    def _vacuum(db: sqlite3.Connection) -> None:
        try:
            if int(db.execute("PRAGMA freelist_count").fetchone()[0]) > 16:
                db.execute("PRAGMA incremental_vacuum")  # give freed pages back to the disk
        except sqlite3.Error:
            pass  # the file keeps its free pages; they are reused first

    def _require_for_write(self) -> sqlite3.Connection:
        try:
            return self._require()
        except sqlite3.Error as exc:  # pragma: no cover - open() maps these
            raise SpoolError(str(exc)) from None

    def _fail(self, exc: sqlite3.Error) -> None:
        """A write failed: leave no transaction open (a failed ROLLBACK must not hide the
        error), then raise :class:`SpoolError` for a disk problem, else the error itself."""
        db = self._db
        self._pending_cost = 0
        if db is not None and db.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # sqlite may have rolled back by itself
                db.execute("ROLLBACK")
        if _disk_problem(exc):
            raise SpoolError(str(exc)) from None
        raise exc

    def _written(self) -> None:
        self._pending_cost = 0
        with contextlib.suppress(sqlite3.Error):  # else measured again after the next write
            self._measure()

    # ------------------------------------------------------------------ reads
    def load(self, after_rowid: int, limit: int) -> list[tuple[int, bytes]]:
        """Up to ``limit`` rows with a rowid above ``after_rowid``, oldest first."""
        cur = self._require().execute(
            "SELECT rowid, body FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after_rowid, limit),
        )
        return [(int(r), bytes(b)) for r, b in cur.fetchall()]

    def known(self, message_ids: Sequence[str]) -> set[str]:
        """Which of these message ids have a row now."""
        db = self._require()
        found: set[str] = set()
        for start in range(0, len(message_ids), 500):
            chunk = list(message_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            found.update(
                str(r[0])
                for r in db.execute(
                    f"SELECT message_id FROM events WHERE message_id IN ({marks})", chunk
                )
            )
        return found

    def count_between(self, after_rowid: int, up_to_rowid: int) -> int:
        """How many rows have ``after_rowid < rowid <= up_to_rowid``."""
        cur = self._require().execute(
            "SELECT COUNT(*) FROM events WHERE rowid > ? AND rowid <= ?",
            (after_rowid, up_to_rowid),
        )
        return int(cur.fetchone()[0])

    def load_max_rowid(self) -> int:
        """The highest rowid now in the file (0 when empty)."""
        db = self._require()
        return int(db.execute("SELECT COALESCE(MAX(rowid), 0) FROM events").fetchone()[0])

    def expire(self, now: float | None = None) -> list[bytes]:
        """Delete rows older than ``max_age``; returns their bodies (to report the drop)."""
        cutoff = (time.time() if now is None else now) - self.max_age
        cur = self._require().execute(
            "SELECT message_id, body FROM events WHERE created < ?", (cutoff,)
        )
        old = cur.fetchall()
        if old:
            self.delete([m for m, _ in old])
        return [bytes(b) for _, b in old]

    def close(self) -> None:
        """Close the database and give up ownership."""
        try:
            if self._db is not None:
                self._db.close()
        finally:
            self._db = None
            self._release()

    def abandon(self) -> None:
        """After fork: drop this process's handles without touching the parent's state."""
        self._lock_file = None  # the parent still holds the lock through its own descriptor

    def __repr__(self) -> str:
        return f"Spool({self.path!r}, durability={self.durability!r}, rows={self.rows})"


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def salvage(path: str) -> list[tuple[str, bytes, float]]:
    """Every row of a damaged spool that can still be read and looks like an event we wrote.

    Opens the file read-only (the bytes stay as they are) and reads it by rowid ranges; a
    range that hits a damaged page is halved until the damage is cornered, so a bad page
    costs only the rows on it (within a budget of queries, for a file damaged throughout)."""
    uri = "file:" + urllib.parse.quote(path) + "?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error:
        return []
    out: list[tuple[str, bytes, float]] = []
    budget = [_SALVAGE_QUERIES]

    def read(low: int, high: int) -> None:
        if budget[0] <= 0 or low >= high:
            return
        budget[0] -= 1
        try:
            found = db.execute(
                "SELECT message_id, body, created FROM events WHERE rowid >= ? AND rowid < ?",
                (low, high),
            ).fetchall()
        except sqlite3.Error:
            if high - low > 1:
                middle = (low + high) // 2
                read(low, middle)
                read(middle, high)
            return  # one unreadable row: lost, the moved file keeps its bytes
        out.extend(row for row in (_sound(*r) for r in found) if row is not None)

    try:
        try:
            top = int(db.execute("SELECT COALESCE(MAX(rowid), 0) FROM events").fetchone()[0])
        except sqlite3.Error:
            top = 1 << 31  # the right edge is damaged: search, within the budget
        for start in range(0, top + 1, 256):
            if budget[0] <= 0:
                break
            read(start, start + 256)
    except sqlite3.Error:
        pass  # not even the table can be found: nothing to carry over
    finally:
        db.close()
    return out


def _sound(message_id: object, body: object, created: object) -> tuple[str, bytes, float] | None:
    if not isinstance(message_id, str) or not isinstance(body, bytes):
        return None
    if not body.startswith(b'{"messageId":"' + message_id.encode() + b'"'):
        return None
    try:
        if not isinstance(json.loads(body), dict):
            return None
    except ValueError:
        return None
    return message_id, body, float(created) if isinstance(created, (int, float)) else time.time()


def wal_damage(path: str) -> str | None:
    """What is wrong with a ``-wal`` file, or None when it is sound (or absent).

    sqlite itself stops reading a ``-wal`` at the first frame that fails its checksum, and
    silently drops every transaction after it. A torn last write after a crash is normal
    (nothing after it was committed); a bad frame followed by committed frames of the same
    generation is damage: committed rows would vanish without a word."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if not data:
        return None
    if len(data) < 32:
        return "the -wal header is cut short"
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:32])
    if magic not in _WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
        return "the -wal header is damaged"
    order = ">" if magic & 1 else "<"
    s1, s2 = _checksum(data[:24], 0, 0, order)
    if (s1, s2) != (c1, c2):
        return "the -wal header fails its checksum"
    frame = 24 + page_size
    offset, index = 32, 0
    while offset + frame <= len(data):
        _page, _commit, f1, f2, fc1, fc2 = struct.unpack(">6I", data[offset : offset + 24])
        if (f1, f2) != (salt1, salt2):
            return None  # frames of an earlier generation: the live log ends here
        s1, s2 = _checksum(data[offset : offset + 8], s1, s2, order)
        s1, s2 = _checksum(data[offset + 24 : offset + frame], s1, s2, order)
        if (s1, s2) != (fc1, fc2):
            later = offset + frame
            while later + frame <= len(data):
                _p, commit, g1, g2, _a, _b = struct.unpack(">6I", data[later : later + 24])
                if (g1, g2) == (salt1, salt2) and commit:
                    return f"the -wal is damaged at frame {index}; committed frames follow it"
                later += frame
            return None  # a torn last write: nothing committed after it
        offset += frame
        index += 1
    return None


def _checksum(data: bytes, s1: int, s2: int, order: str) -> tuple[int, int]:
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for i in range(0, len(words), 2):
        s1 = (s1 + words[i] + s2) & mask
        s2 = (s2 + words[i + 1] + s1) & mask
    return s1, s2
