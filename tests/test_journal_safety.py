"""Journals under an incident's conditions: one run per journal at a time (a lock the OS drops when
the process dies), damaged files (a zeroed page, flipped bytes, a cut last page), read-only places;
each is one line naming the file, exit 2, nothing sent, no traceback. Journal files are 0600."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bitget_sdk import BitgetClient, JournalError, journal_report

from .conftest import MockClient
from .test_cli import ENV, run

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"
PAGE = 4096


def _client(url: str, **kw: Any) -> BitgetClient:
    return BitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, **kw)


def _unfinished_journal(mock: MockClient, path: Path, orders: int = 2000) -> list[str]:
    """A journal of a run whose process died before its end: no batch answered (the deadline stopped it
    at once), and not marked finished, as a killed run leaves it: a resume would send every batch."""
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", orders)]
    with _client(mock.server.url) as client:
        client.cancel_orders(symbol="BTCUSDT", order_ids=ids, journal=path, settle=False, deadline_s=0.001)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'finished'")
    db.close()
    return ids


def _requests(mock: MockClient) -> int:
    return int(mock.server.exchange.stats.as_dict()["requests"])


def test_a_journal_is_made_readable_by_its_owner_only(mock: MockClient, tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    _unfinished_journal(mock, path, 60)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_second_run_on_a_journal_in_use_is_refused_before_anything_is_sent(mock: MockClient, tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    _unfinished_journal(mock, path)
    holder = subprocess.Popen(  # another process holds it, as a resume in progress would
        [sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = _requests(mock)
        r = run("resume", str(path), "--base-url", mock.server.url, env=ENV)
        assert r.returncode == 2 and "in use by another run" in r.stderr and "nothing was sent" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert _requests(mock) == before
        shown = run("show", str(path), env=ENV)  # reading it while a run holds it is fine
        assert shown.returncode != 2 and "2000 orders" in shown.stdout, shown.stderr
    finally:
        holder.kill()
        holder.wait()
    resumed = run("resume", str(path), "--base-url", mock.server.url, env=ENV)  # the OS let go
    assert resumed.returncode == 0, resumed.stderr  # every order cancelled now


def test_two_runs_of_one_journal_in_one_process_are_refused_too(mock: MockClient, tmp_path: Path) -> None:
    from bitget_sdk._runs.journal import Journal

    path = tmp_path / "run.db"
    _unfinished_journal(mock, path, 100)
    first = Journal.open(path)
    try:
        with pytest.raises(JournalError, match="in use"):
            Journal.open(path)
    finally:
        first.close()
    Journal.open(path).close()  # released with the first


def _zero_middle_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = (len(data) // PAGE // 2) * PAGE
    data[middle : middle + PAGE] = bytes(PAGE)
    path.write_bytes(bytes(data))


def _flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for k in range(PAGE + 100, len(data), 997):
        data[k] ^= 0xFF
    path.write_bytes(bytes(data))


def _cut_last_page(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - PAGE // 2])


@pytest.mark.parametrize("damage", [_zero_middle_page, _flip_bytes, _cut_last_page])
def test_a_damaged_journal_is_one_line_exit_2_and_nothing_sent(mock: MockClient, tmp_path: Path, damage: Any) -> None:
    path = tmp_path / "run.db"
    _unfinished_journal(mock, path)
    damage(path)
    before = _requests(mock)
    for args in (("resume", str(path), "--base-url", mock.server.url), ("show", str(path))):
        r = run(*args, env=ENV)
        assert r.returncode == 2, (args, r.stdout[-500:], r.stderr)
        assert str(path) in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert _requests(mock) == before


@pytest.mark.parametrize("damage", [_zero_middle_page, _flip_bytes, _cut_last_page])
def test_show_reports_what_a_damaged_journal_still_holds(mock: MockClient, tmp_path: Path, damage: Any) -> None:
    path = tmp_path / "run.db"
    _unfinished_journal(mock, path)
    whole = journal_report(path)
    damage(path)
    with pytest.raises(JournalError) as caught:
        journal_report(path)
    salvaged = caught.value.report
    assert salvaged is not None and 0 < salvaged.total <= whole.total
    rows = {o.order_id: s for s in ("cancelled", "failed", "unknown") for o in getattr(salvaged, s)}
    before = {o.order_id: s for s in ("cancelled", "failed", "unknown") for o in getattr(whole, s)}
    assert set(rows) <= set(before)
    # A recorded outcome that survives stands; an order whose outcome cannot be read is unknown, never failed.
    assert all(s == before[i] or s == "unknown" for i, s in rows.items())
    shown = run("show", str(path), "--json", env=ENV)
    assert shown.returncode == 2 and "what can still be read" in shown.stderr
    assert json.loads(shown.stdout)["counts"] == salvaged.counts


def test_read_only_places_and_full_disks_are_named_as_such(tmp_path: Path) -> None:
    """What SQLite says when the journal cannot be written, as the one line an operator reads (the
    conditions themselves cannot be made here: CI runs as root, which writes anywhere)."""
    from bitget_sdk._runs.journal import _damaged

    path = tmp_path / "run.db"
    readonly = _damaged(path, sqlite3.OperationalError("attempt to write a readonly database"))
    full = _damaged(path, sqlite3.OperationalError("database or disk is full"))
    broken = _damaged(path, sqlite3.DatabaseError("database disk image is malformed"))
    assert str(path) in str(readonly) and "read-only" in str(readonly)
    assert str(path) in str(full) and "disk is full" in str(full)
    assert str(path) in str(broken) and "damaged" in str(broken)
