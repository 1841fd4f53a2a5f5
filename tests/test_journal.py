"""Crash-safe runs: `cancel_orders(journal=...)` records a run in SQLite; `resume` finishes it after its
process died; `show` prints any journal's report. The crash test kills the CLI with SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitget_sdk import AsyncBitgetClient, BitgetClient, JournalError, journal_report
from tools import mockproc

from .conftest import MockClient
from .test_cli import ENV, run

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


def _client(url: str, **kw: Any) -> BitgetClient:
    return BitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, **kw)


def _same(a: Any, b: Any) -> None:
    assert a.counts == b.counts
    for kind in ("cancelled", "failed", "unknown"):
        assert [o.to_dict() for o in getattr(a, kind)] == [o.to_dict() for o in getattr(b, kind)]


def test_a_journaled_run_can_be_shown_and_resumes_to_the_same_report_without_sending(
    mock: MockClient, tmp_path: Path
) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 120)] + ["404"]
    path = tmp_path / "run.db"
    with _client(mock.server.url) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, journal=path)
        requests = mock.server.exchange.stats.as_dict()["requests"]
        again = client.resume(path)
    assert mock.server.exchange.stats.as_dict()["requests"] == requests  # nothing sent by the resume
    assert report.counts == {"cancelled": 120, "failed": 1, "unknown": 0}
    _same(again, report)
    assert again.request_count == report.request_count
    _same(journal_report(path), report)


def test_an_existing_journal_is_never_overwritten(mock: MockClient, tmp_path: Path) -> None:
    path = tmp_path / "run.db"
    path.write_bytes(b"something else")
    with _client(mock.server.url) as client, pytest.raises(JournalError, match="is not a cancel journal"):
        client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], journal=path)
    assert path.read_bytes() == b"something else"
    assert mock.server.exchange.stats.as_dict()["requests"] == 0


def test_a_process_dying_while_the_journal_is_created_leaves_no_journal(
    mock: MockClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal appears whole (plan and meta) or not at all: a run killed while creating it had sent
    nothing, and must not leave a file that `resume` cannot read (seen in the kill -9 test)."""
    import bitget_sdk._runs.journal as journal_module

    def die(*args: Any) -> None:
        raise SystemExit("killed")

    path = tmp_path / "run.db"
    monkeypatch.setattr(journal_module.os, "link", die)
    with _client(mock.server.url) as client, pytest.raises(SystemExit):
        client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], journal=path)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
    assert mock.server.exchange.stats.as_dict()["requests"] == 0
    monkeypatch.undo()
    with _client(mock.server.url) as client:
        client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], journal=path)
    assert journal_report(path).total == 1


def test_resuming_a_journal_of_another_key_uid_exchange_or_contract_is_refused(
    mock: MockClient, tmp_path: Path
) -> None:
    path = tmp_path / "run.db"
    with _client(mock.server.url) as client:
        client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], journal=path)
    other = BitgetClient("other-key", SECRET, PASSPHRASE, base_url=mock.server.url)
    with other, pytest.raises(JournalError, match="another API key or UID"):
        other.resume(path)
    with _client(mock.server.url, uid="123") as by_uid, pytest.raises(JournalError, match="another API key or UID"):
        by_uid.resume(path)
    with _client("http://127.0.0.1:9") as elsewhere, pytest.raises(JournalError, match="written against"):
        elsewhere.resume(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0.9.0' WHERE key = 'contract_version'")
    with _client(mock.server.url) as client, pytest.raises(JournalError, match=r"contract 0\.9\.0"):
        client.resume(path)
    (tmp_path / "not.db").write_bytes(b"not sqlite at all" * 100)
    with _client(mock.server.url) as client, pytest.raises(JournalError, match="not a cancel journal"):
        client.resume(tmp_path / "not.db")
    with _client(mock.server.url) as client, pytest.raises(JournalError, match="does not exist"):
        client.resume(tmp_path / "missing.db")


def _crashed_journal(mock: MockClient, path: Path, ids: list[str]) -> None:
    """A journal as a process leaves it when killed: batch 0 answered, batch 1 sent (and carried out
    by the exchange) without its answer recorded, batches 2.. never sent."""
    with _client(mock.server.url, max_concurrency=1) as client:
        run = client._new_run(client._plan("BTCUSDT", ids, None, None, "auto", None, None).batches, None, None)
        book = client._journal_for(run, path, True)
        assert book is not None
        client._execute(run, False, [0])
        book.sending(1, 1)
        mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": o.order_id} for o in run.batches[1].orders]})
        book.close()


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_resume_sends_what_was_never_sent_and_settles_what_was_in_flight(
    mock: MockClient, tmp_path: Path, mode: str
) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 200)]
    path = tmp_path / "run.db"
    _crashed_journal(mock, path, ids)
    shown = journal_report(path)
    assert shown.counts == {"cancelled": 50, "failed": 100, "unknown": 50}
    assert all("did not finish" in (o.error_msg or "") for o in shown.failed)
    if mode == "sync":
        with _client(mock.server.url, settle_lag_s=0.0) as client:
            report = client.resume(path)
    else:

        async def go() -> Any:
            async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=mock.server.url, settle_lag_s=0.0) as c:
                return await c.resume(path)

        report = asyncio.run(go())
    assert report.counts == {"cancelled": 200, "failed": 0, "unknown": 0}
    assert [o.order_id for o in report.cancelled] == ids  # every order of the input once, in input order
    assert report.settled_count == 50  # the in-flight batch, read back
    assert mock.orders(status="live") == []
    _same(journal_report(path), report)


def test_cli_journal_show_and_resume(mock: MockClient, tmp_path: Path) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 120)]
    path = tmp_path / "run.db"
    _crashed_journal(mock, path, ids)
    shown = run("show", str(path), "--json")
    assert shown.returncode == 1, shown.stderr
    assert json.loads(shown.stdout)["counts"] == {"cancelled": 50, "failed": 20, "unknown": 50}
    resumed = run("resume", str(path), "--json")  # to the exchange the journal names
    assert resumed.returncode == 0, resumed.stderr
    assert f"exchange: {mock.server.url} (the journal's)" in resumed.stderr
    record = json.loads(resumed.stdout)
    assert record["counts"] == {"cancelled": 120, "failed": 0, "unknown": 0}
    run_info = record["run"]
    assert (run_info["base_url"], run_info["journal"], run_info["resumed"]) == (mock.server.url, str(path), True)
    assert run_info["command"] == "bitget-batch-cancel resume" and run_info["sdk_version"]
    assert run_info["started_at"] <= run_info["ended_at"] and run_info["account"].startswith("API key bg_dem")
    again = run("show", str(path))
    assert again.returncode == 0 and "120 orders: 120 cancelled" in again.stdout
    wrong = run("resume", str(path), "--base-url", "http://127.0.0.1:9")
    assert wrong.returncode == 2 and "written against" in wrong.stderr
    other = run(
        "cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--base-url", mock.server.url, "--journal", str(path)
    )
    assert other.returncode == 2 and "--journal" in other.stderr and "records another run" in other.stderr
    assert run("show", str(tmp_path / "nope.db")).returncode == 2


def test_cli_cancel_on_its_own_journal_continues_that_run(mock: MockClient, tmp_path: Path) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 120)]
    path = tmp_path / "run.db"
    _crashed_journal(mock, path, ids)  # 50 answered, 50 sent without an answer, 20 never sent
    path_counts = mock.server.exchange.stats.by_path
    before = sum(path_counts.get("/api/v2/spot/trade/batch-cancel-order", {}).values())
    again = run(
        "cancel", "--symbol", "BTCUSDT", "--file", str(_ids_file(tmp_path, 0, ids)), "--base-url", mock.server.url,
        "--journal", str(path), "--json",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "exists: continuing its run" in again.stderr
    assert json.loads(again.stdout)["counts"] == {"cancelled": 120, "failed": 0, "unknown": 0}
    # The batch in flight is sent again (as an uncertain retry), the one never sent is sent; the answered one is not.
    assert sum(path_counts["/api/v2/spot/trade/batch-cancel-order"].values()) - before == 2


def test_cli_journals_every_run_by_default_and_says_where_first(mock: MockClient, tmp_path: Path) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    env = {**ENV, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = run("cancel", "--symbol", "BTCUSDT", "--order-id", ids[0], "--base-url", mock.server.url, env=env)
    assert done.returncode == 0, done.stderr
    journals = list((tmp_path / "state" / "bitget-batch-cancel").glob("cancel-*.db"))
    assert len(journals) == 1 and oct(journals[0].stat().st_mode & 0o777) == "0o600"
    assert done.stderr.splitlines()[0].startswith(f"journal: {journals[0]} ")
    assert f"bitget-batch-cancel resume {journals[0]}" in done.stderr
    assert journal_report(journals[0]).counts == {"cancelled": 1, "failed": 0, "unknown": 0}
    off = run(
        "cancel", "--symbol", "BTCUSDT", "--order-id", ids[1], "--base-url", mock.server.url, "--no-journal", env=env
    )
    assert off.returncode == 0 and "journal" not in off.stderr
    assert len(list((tmp_path / "state" / "bitget-batch-cancel").glob("*.db"))) == 1
    both = run("cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--journal", "x.db", "--no-journal", env=env)
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_cli_runs_without_a_journal_when_the_state_directory_cannot_be_made(mock: MockClient, tmp_path: Path) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 1)]
    (tmp_path / "state").write_text("a file where the state directory would go")
    env = {**ENV, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = run("cancel", "--symbol", "BTCUSDT", "--order-id", ids[0], "--base-url", mock.server.url, "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert "cannot create" in done.stderr and "keeps no journal" in done.stderr
    assert json.loads(done.stdout)["counts"]["cancelled"] == 1


def test_cli_resume_of_a_missing_journal_says_no_run_was_recorded_and_exits_5(tmp_path: Path) -> None:
    missing = run("resume", str(tmp_path / "never-written.db"), "--base-url", "http://127.0.0.1:9")
    assert missing.returncode == 5
    assert "no run was recorded" in missing.stderr and "nothing was sent" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) <= 2


# --- kill -9 at random points, then resume -------------------------------------------------------


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume_accounts_for_every_order(tmp_path: Path) -> None:
    kills = int(os.environ.get("JOURNAL_CRASH_KILLS", "20"))
    orders = int(os.environ.get("JOURNAL_CRASH_ORDERS", "1000"))
    rng = random.Random(int(os.environ.get("JOURNAL_CRASH_SEED", "20261124")))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}, **ENV}
    args = ("--rate-limit", "10", "--log-level", "warning")
    totals = {"lost": 0, "doubled": 0, "wrong": 0, "unknown": 0, "not_cancelled": 0, "killed_mid_run": 0}
    with mockproc.mock_process(*args) as (url, _):
        http = httpx.Client(base_url=url, timeout=60)
        http.post("/mock/faults", json={"delay_rate": 0.3, "delay_ms": 150, "seed": 5})
        for k in range(kills):
            seeded = http.post("/mock/orders", json={"symbol": f"K{k}USDT", "count": orders}).json()["orders"]
            ids = [o["orderId"] for o in seeded]
            path = tmp_path / f"run{k}.db"
            cmd = [sys.executable, "-m", "bitget_cli", "cancel", "--symbol", f"K{k}USDT", "--base-url", url]
            cmd += ["--journal", str(path), "--json", "--file", str(_ids_file(tmp_path, k, ids))]
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, orders / 500 + 0.5))  # anywhere from start-up to the end of the run
            if proc.poll() is None:
                totals["killed_mid_run"] += 1
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            if not path.exists():  # killed before the journal was created: nothing was sent
                assert all(
                    o["status"] == "live"
                    for o in http.get("/mock/orders", params={"symbol": f"K{k}USDT"}).json()["orders"]
                )
                continue
            resumed = subprocess.run(
                [sys.executable, "-m", "bitget_cli", "resume", str(path), "--base-url", url, "--json"],
                env=env, capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            assert resumed.returncode in (0, 1), resumed.stderr
            report = json.loads(resumed.stdout)
            state = {
                o["orderId"]: o["status"]
                for o in http.get("/mock/orders", params={"symbol": f"K{k}USDT"}).json()["orders"]
            }
            seen = [o["order_id"] for kind in ("cancelled", "failed", "unknown") for o in report[kind]]
            totals["lost"] += len(set(ids) - set(seen))
            totals["doubled"] += len(seen) - len(set(seen))
            totals["unknown"] += len(report["unknown"])
            totals["not_cancelled"] += sum(status != "cancelled" for status in state.values())
            totals["wrong"] += sum(state[o["order_id"]] != "cancelled" for o in report["cancelled"])
            totals["wrong"] += sum(state[o["order_id"]] == "cancelled" for o in report["failed"])
        http.close()
    print(f"kill -9 x {kills} ({orders} orders each): {totals}")
    assert totals["killed_mid_run"] >= kills // 2
    assert {k: v for k, v in totals.items() if k != "killed_mid_run"} == {
        "lost": 0,
        "doubled": 0,
        "wrong": 0,
        "unknown": 0,
        "not_cancelled": 0,
    }


def _ids_file(tmp_path: Path, k: int, ids: list[str]) -> Path:
    path = tmp_path / f"orders{k}.csv"
    path.write_text("orderId\n" + "\n".join(ids) + "\n")
    return path
