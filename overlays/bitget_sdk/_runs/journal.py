"""A crash-safe record of one `cancel_orders` run, so that a run whose process died can be finished.

A 10,000-order cancel takes 20 s or more; in an incident the process can die (out of memory, a
closed terminal, a deploy) and take with it which batches were sent and which were answered. The
journal is a SQLite file (stdlib `sqlite3`, WAL) holding the plan (every order, its batch), each
attempt *before* it is sent, each answer, and each order's outcome (and what settling said later).
A transaction is committed per step of a request, so whatever the moment of a `kill -9`, the file
says, for every batch, one of: never sent / sent, answer not recorded / outcome recorded.

`resume` finishes such a run: batches never sent are sent; a batch sent without a recorded answer
may have cancelled its orders, so they are `unknown` and settled through the order-state reads like
any lost answer; recorded outcomes stand. The report then accounts for every order of the original
input exactly once. One process at a time: a run holds an exclusive lock on the file (`flock`, released
by the OS if the process dies), so a second `resume` of it is refused before anything is sent. The file
is made 0600 (it names the account's orders). WAL with `synchronous=NORMAL` survives the death of the
process (the point); after a power loss the last commits may be missing, which makes a sent attempt look unsent: it is
then sent again, and a re-cancel is answered "does not exist" and settled, so nothing is misreported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bitget_api import facts

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; one run per journal is then the caller's care
    fcntl = None  # type: ignore[assignment]

from .._core.batching import Batch, OrderRef
from .._core.errors import JournalError
from .._core.report import CancelReport, OrderOutcome

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE batches (idx INTEGER PRIMARY KEY, mode TEXT NOT NULL, symbol TEXT, kind TEXT NOT NULL);
CREATE TABLE orders (
    position INTEGER PRIMARY KEY, batch INTEGER NOT NULL, seq INTEGER NOT NULL,
    symbol TEXT NOT NULL, order_id TEXT, client_oid TEXT
);
CREATE TABLE attempts (
    batch INTEGER NOT NULL, n INTEGER NOT NULL, sent_at REAL NOT NULL,
    answer TEXT, sent INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (batch, n)
);
CREATE TABLE outcomes (position INTEGER PRIMARY KEY, status TEXT NOT NULL, outcome TEXT NOT NULL);
"""


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the fd releases its flock


def owner_id(owner: str) -> str:
    """Whose budget and orders a journal is about, hashed (the API key is not written down)."""
    return hashlib.sha256(owner.encode()).hexdigest()[:32]


def _outcome_json(o: OrderOutcome) -> str:
    return json.dumps(o.to_dict(), separators=(",", ":"))


def _outcome(text: str) -> OrderOutcome:
    return OrderOutcome(**json.loads(text))


def _locked(path: Path) -> int | None:
    """An fd holding an exclusive lock on `path` for this run (None where `flock` does not exist).
    JournalError if another process (or another run of this one) holds it."""
    if fcntl is None:  # pragma: no cover - not POSIX
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise JournalError(
            f"journal {path} is in use by another run (a cancel or resume of it is going on): nothing was sent"
        ) from None
    return fd


def _cut(path: Path) -> str | None:
    """Why the file is shorter than the database it holds (a cut copy, a full disk), or None."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
        size = path.stat().st_size
    except OSError:
        return None
    if len(head) < 100 or head[:16] != b"SQLite format 3\x00":
        return None
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages, change, valid_for = (int.from_bytes(head[o : o + 4], "big") for o in (28, 24, 92))
    if page and size % page:
        return f"its size ({size} bytes) is not a whole number of {page}-byte pages: its end is cut"
    wal = path.with_name(path.name + "-wal")
    if change == valid_for and size < pages * page and not (wal.exists() and wal.stat().st_size > 0):
        # (with a WAL beside it, a checkpoint cut by a kill leaves the file short and the WAL whole)
        return f"it holds {size // page} of its {pages} pages: its end is cut"
    return None


def _sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _damaged(path: Path, exc: sqlite3.Error) -> JournalError:
    """What went wrong with the file, said in a line: damaged, read-only, full disk, or not a journal."""
    text = str(exc)
    if "not a database" in text and not _sqlite_header(path):
        return JournalError(f"{path} is not a cancel journal ({text})")
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return JournalError(f"journal {path} is damaged ({text}); `show` it, or start a new run")
    if "readonly" in text or "read-only" in text or not os.access(path.parent, os.W_OK):
        return JournalError(f"journal {path} cannot be written: the file or its directory is read-only ({text})")
    if "disk is full" in text or "disk I/O" in text:
        return JournalError(f"journal {path} cannot be written: the disk is full or failing ({text})")
    return JournalError(f"journal {path}: {text}")


class _Closed(JournalError):
    """A write after `close`: the run has ended and its report is taken. An answer or a read that a
    worker the interrupt stopped waiting for brings afterwards is in neither, so `answered` and
    `outcomes` drop it and the two still agree; `sending` raises it (a send that cannot be recorded
    must not go out)."""


class Journal:
    """One run's journal. Thread-safe (one connection behind a lock; each call is one transaction)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_fd: int | None = None) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()
        self._lock_fd = lock_fd
        self._closed = False

    # --- opening ---------------------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        batches: Sequence[Batch],
        *,
        owner: str,
        owner_hint: str,
        base_url: str,
        settle: bool,
    ) -> Journal:
        """A new journal for a run about to start; an existing file is refused (resume it instead).

        Written whole under a temporary name beside `path` and then linked into place: a process killed
        while creating it leaves no journal at all (nothing was sent yet), never one without its plan.
        """
        target = Path(path)
        if target.exists():
            raise JournalError(f"journal {target} already exists: resume it (resume), or choose a new path")
        building = target.with_name(f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        meta = {
            "schema": SCHEMA_VERSION,
            "contract_version": facts.CONTRACT_VERSION,
            "owner": owner_id(owner),
            "owner_hint": owner_hint,
            "base_url": base_url,
            "settle": "1" if settle else "0",
            "created_at": str(time.time()),
            "finished": "0",
        }
        try:
            os.close(os.open(building, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # its WAL files follow
            draft = sqlite3.connect(building, isolation_level=None)
            try:
                # One transaction, schema included: one commit's syncs before the first send, not one per table.
                draft.executescript("BEGIN;" + _SCHEMA)
                draft.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                draft.executemany(
                    "INSERT INTO batches VALUES (?, ?, ?, ?)",
                    [(i, b.mode, b.symbol, b.kind) for i, b in enumerate(batches)],
                )
                draft.executemany(
                    "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (o.position, i, seq, o.symbol, o.order_id, o.client_oid)
                        for i, b in enumerate(batches)
                        for seq, o in enumerate(b.orders)
                    ],
                )
                draft.execute("COMMIT")
            finally:
                draft.close()
            os.link(building, target)  # atomic, and refuses a file that appeared meanwhile
        except FileExistsError:
            raise JournalError(f"journal {target} already exists: resume it (resume), or choose a new path") from None
        except (sqlite3.Error, OSError) as exc:
            why = "its directory is read-only" if not os.access(target.parent, os.W_OK) else str(exc)
            raise JournalError(f"journal {target} cannot be created: {why}") from None
        finally:
            with contextlib.suppress(OSError):
                building.unlink()
        fd = _locked(target)
        try:
            conn = cls._connect(target)
        except sqlite3.Error as exc:
            _unlock(fd)
            raise _damaged(target, exc) from None
        return cls(target, conn, fd)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, lock: bool = True) -> Journal:
        """An existing journal, to resume (`lock`: this run's alone) or to show (`lock=False`: even while
        a run writes it); JournalError if it is missing, in use, damaged or not a journal."""
        target = Path(path)
        if not target.is_file():
            raise JournalError(f"journal {target} does not exist")
        if (cut := _cut(target)) is not None:
            raise JournalError(f"journal {target} is damaged ({cut}); start a new run")
        fd = _locked(target) if lock else None
        try:
            conn = cls._connect(target)
            rows = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            conn.execute("PRAGMA quick_check(1)").fetchall()
        except sqlite3.Error as exc:
            _unlock(fd)
            if isinstance(exc, sqlite3.OperationalError) and "no such table" in str(exc):
                raise JournalError(f"{target} is not a cancel journal") from None
            raise _damaged(target, exc) from None
        if rows.get("schema") != SCHEMA_VERSION:
            conn.close()
            _unlock(fd)
            raise JournalError(f"{target}: journal format {rows.get('schema')!r}, this SDK reads {SCHEMA_VERSION!r}")
        return cls(target, conn, fd)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._conn.close()
            _unlock(self._lock_fd)
            self._lock_fd = None

    # --- writing (each call one transaction) -----------------------------------------------------

    class _Tx:
        def __init__(self, journal: Journal) -> None:
            self._journal = journal

        def __enter__(self) -> sqlite3.Cursor:
            self._journal._lock.acquire()
            if self._journal._closed:
                self._journal._lock.release()
                raise _Closed(f"journal {self._journal.path}: closed")
            try:
                cur = self._journal._conn.cursor()
                cur.execute("BEGIN")
            except sqlite3.Error as exc:
                self._journal._lock.release()
                raise _damaged(self._journal.path, exc) from None
            except BaseException:
                self._journal._lock.release()
                raise
            self._cur = cur
            return cur

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            try:
                self._cur.execute("COMMIT" if exc_type is None else "ROLLBACK")
            except sqlite3.Error as error:
                if exc_type is None:
                    raise _damaged(self._journal.path, error) from None
            finally:
                self._journal._lock.release()
            if isinstance(exc, sqlite3.Error):
                raise _damaged(self._journal.path, exc) from None

    def _tx(self) -> Journal._Tx:
        return Journal._Tx(self)

    def sending(self, batch: int, n: int) -> None:
        """Attempt n of batch is about to go out: from now on it may have reached the exchange."""
        with self._tx() as cur:
            cur.execute("INSERT OR REPLACE INTO attempts (batch, n, sent_at) VALUES (?, ?, ?)", (batch, n, time.time()))

    def answered(self, batch: int, n: int, answer: str, sent: bool) -> None:
        with contextlib.suppress(_Closed), self._tx() as cur:
            cur.execute(
                "UPDATE attempts SET answer = ?, sent = ? WHERE batch = ? AND n = ?", (answer, int(sent), batch, n)
            )

    def outcomes(self, resolved: Iterable[tuple[int, str, OrderOutcome]]) -> None:
        """Orders' outcomes (a batch's, or settling's new ones), replacing what was there."""
        with contextlib.suppress(_Closed), self._tx() as cur:
            cur.executemany(
                "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?)",
                [(position, status, _outcome_json(o)) for position, status, o in resolved],
            )

    def finished(self, report: CancelReport) -> None:
        counts = {
            "request_count": report.request_count,
            "retry_count": report.retry_count,
            "sent_count": report.sent_count,
            "read_count": report.read_count,
            "settled_count": report.settled_count,
            "elapsed_s": report.elapsed_s,
            "settle_s": report.settle_s,
            "deadline_passed": report.deadline_passed,
        }
        with self._tx() as cur:
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('finished', '1')")
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('counts', ?)", (json.dumps(counts),))

    # --- reading ---------------------------------------------------------------------------------

    def _rows(self, sql: str) -> list[Any]:
        with self._lock:
            try:
                return self._conn.execute(sql).fetchall()
            except sqlite3.Error as exc:
                raise _damaged(self.path, exc) from None

    def meta(self) -> dict[str, str]:
        return dict(self._rows("SELECT key, value FROM meta"))

    def batches(self) -> list[Batch]:
        """The run's plan, exactly as it was sent (same batches, same order of orders)."""
        heads = self._rows("SELECT idx, mode, symbol, kind FROM batches ORDER BY idx")
        rows = self._rows("SELECT batch, position, symbol, order_id, client_oid FROM orders ORDER BY batch, seq")
        members: dict[int, list[OrderRef]] = {}
        for batch, position, symbol, oid, coid in rows:
            members.setdefault(batch, []).append(OrderRef(position, symbol, oid, coid))
        return [Batch(mode, symbol, kind, tuple(members.get(idx, ()))) for idx, mode, symbol, kind in heads]

    def recorded(self) -> dict[int, tuple[str, OrderOutcome]]:
        """position -> (status, outcome) of every order with a recorded outcome."""
        rows = self._rows("SELECT position, status, outcome FROM outcomes")
        return {position: (status, _outcome(text)) for position, status, text in rows}

    def attempts(self) -> dict[int, list[tuple[int, str | None, bool]]]:
        """batch -> [(n, answer or None if none was recorded, sent)] in attempt order."""
        rows = self._rows("SELECT batch, n, answer, sent FROM attempts ORDER BY batch, n")
        out: dict[int, list[tuple[int, str | None, bool]]] = {}
        for batch, n, answer, sent in rows:
            out.setdefault(batch, []).append((n, answer, bool(sent)))
        return out

    def counts(self) -> dict[str, Any]:
        text = self.meta().get("counts")
        return json.loads(text) if text else {}

    def check(self, owner: str, base_url: str) -> None:
        """Refuse a journal of another key/UID, exchange URL or contract version."""
        meta = self.meta()
        if meta.get("base_url") != base_url:
            raise JournalError(
                f"journal {self.path} was written against {meta.get('base_url')}, not {base_url}: "
                "resume it against the same exchange (base_url, CLI --base-url)"
            )
        if meta.get("owner") != owner_id(owner):
            raise JournalError(
                f"journal {self.path} is of another API key or UID ({meta.get('owner_hint', '?')}): "
                "resume it with that account's credentials (and uid=, if it was given)"
            )
        if meta.get("contract_version") != facts.CONTRACT_VERSION:
            raise JournalError(
                f"journal {self.path} was written under contract {meta.get('contract_version')}, this SDK implements "
                f"{facts.CONTRACT_VERSION}: finish it with the SDK that wrote it"
            )


def salvage(path: Path) -> tuple[list[OrderRef], dict[int, tuple[str, OrderOutcome]]]:
    """What a damaged journal still holds: the orders whose rows can be read (in input order), and
    the outcomes recorded for them. Read only; rows on damaged pages are skipped, never guessed."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bitget-journal-") as tmp:
        # A copy with its WAL, so that the last commits (a crashed run's newest outcomes) are read too,
        # and the file itself is never written.
        copy = Path(tmp) / "journal.db"
        try:
            shutil.copyfile(path, copy)
            wal = path.with_name(path.name + "-wal")
            if wal.exists():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            conn = sqlite3.connect(copy)
        except (OSError, sqlite3.Error):
            return [], {}
        try:
            orders = _readable(conn, "SELECT position, symbol, order_id, client_oid FROM orders", "orders")
            outcomes = _readable(conn, "SELECT position, status, outcome FROM outcomes", "outcomes")
        finally:
            conn.close()
    refs = [OrderRef(p, s, oid, coid) for p, s, oid, coid in orders if _plausible(p, s, oid, coid)]
    recorded: dict[int, tuple[str, OrderOutcome]] = {}
    for position, status, text in outcomes:
        with contextlib.suppress(Exception):  # a damaged row's JSON: that outcome is not known
            recorded[position] = (status, _outcome(text))
    return refs, recorded


# Positions read row by row at most, when a damaged table cannot say how many it holds.
_MAX_SALVAGED = 1_000_000


def _plausible(position: Any, symbol: Any, order_id: Any, client_oid: Any) -> bool:
    """A row as the journal wrote it (a damaged page can read as a row of garbage: NULs, wrong types)."""
    texts = [t for t in (symbol, order_id, client_oid) if t is not None]
    return (
        isinstance(position, int)
        and isinstance(symbol, str)
        and (order_id is not None or client_oid is not None)
        and all(isinstance(t, str) and t and t.isprintable() for t in texts)
    )


def _readable(conn: sqlite3.Connection, select: str, table: str, chunk: int = 512) -> list[tuple[Any, ...]]:
    """The rows of `select` that can be read: all at once, else by ranges of `position` (a damaged page
    fails only the ranges whose rows it holds), then row by row within a failing range."""
    try:
        return conn.execute(f"{select} ORDER BY position").fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []  # not a journal's table at all: nothing to read row by row
    except sqlite3.DatabaseError:
        pass
    try:
        top = int(conn.execute(f"SELECT max(position) FROM {table}").fetchone()[0] or 0)  # noqa: S608
    except (sqlite3.DatabaseError, TypeError, ValueError):
        top = _MAX_SALVAGED
    top = min(top, _MAX_SALVAGED)  # a damaged page can read as any number
    rows: list[tuple[Any, ...]] = []
    for low in range(0, top + 1, chunk):
        try:
            rows += conn.execute(f"{select} WHERE position BETWEEN ? AND ?", (low, low + chunk - 1)).fetchall()
            continue
        except sqlite3.DatabaseError:
            pass
        for position in range(low, low + chunk):
            with contextlib.suppress(sqlite3.DatabaseError):
                rows += conn.execute(f"{select} WHERE position = ?", (position,)).fetchall()
    return rows
