"""`cancel_orders(reconcile=True)` (CLI default on, `--no-reconcile`): every outcome carries the order's
final `status` and `filled_size`, read from the order history while the next batches are cancelled, and
`report.filled_total` says what filled per symbol."""

from __future__ import annotations

import _thread
import asyncio
import dataclasses
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings
from bitget_mock.accounts import demo_account
from bitget_sdk import AsyncBitgetClient, BitgetClient, journal_report
from bitget_sdk._sync.backend import INTERRUPT_GRACE_S

from .hostile import Book, HostileServer, Reply, Request, honest, honest_read
from .test_cli import run

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(MockExchange([demo_account()], Settings(rate_limit=0))) as srv:
        yield srv


def _seed(url: str, symbol: str, n: int) -> list[str]:
    r = httpx.post(url + "/mock/orders", json={"symbol": symbol, "count": n}, timeout=30)
    return [o["orderId"] for o in r.json()["orders"]]


def _fill(url: str, fills: dict[str, float]) -> None:
    orders = [{"orderId": oid, "fraction": f} for oid, f in fills.items()]
    httpx.post(url + "/mock/fill", json={"orders": orders}, timeout=30).raise_for_status()


def _mock_filled(url: str) -> dict[str, str]:
    return {o["orderId"]: o["filledSize"] for o in httpx.get(url + "/mock/orders", timeout=30).json()["orders"]}


def test_every_outcome_has_its_final_status_and_filled_size(server: MockServer) -> None:
    btc, eth = _seed(server.url, "BTCUSDT", 260), _seed(server.url, "ETHUSDT", 30)
    _fill(server.url, {btc[5]: 0.4, btc[200]: 0.25, eth[3]: 0.5})
    httpx.post(server.url + "/mock/faults", json={"fill_rate": 0.02}, timeout=10)  # fills racing the cancels
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, settle_lag_s=0.2) as client:
        by_ids = client.cancel_orders(symbol="BTCUSDT", order_ids=btc, reconcile=True)  # plain id batches
        mixed = client.cancel_orders(orders=[{"symbol": "ETHUSDT", "orderId": i} for i in eth], reconcile=True)
    truth = _mock_filled(server.url)
    for report in (by_ids, mixed):
        rows = [o for name in ("cancelled", "failed", "unknown") for o in getattr(report, name)]
        assert rows and all(o.status is not None for o in rows)  # 0 orders without a final status
        assert all(Decimal(o.filled_size or "0") == Decimal(truth[o.order_id or ""]) for o in rows)
    # By id: a fill racing a cancel can fill an order whole, which moves the others in `cancelled`.
    fifth = next(o for name in ("cancelled", "failed") for o in getattr(by_ids, name) if o.order_id == btc[5])
    assert fifth.status in ("cancelled", "filled") and Decimal(fifth.filled_size or "0") >= Decimal("0.4")
    expected = sum((Decimal(truth[i]) for i in btc), Decimal(0))
    assert Decimal(by_ids.filled_total["BTCUSDT"]) == expected >= Decimal("0.65")
    assert mixed.filled_total == {"ETHUSDT": "0.5"} or Decimal(mixed.filled_total["ETHUSDT"]) >= Decimal("0.5")
    assert by_ids.to_dict()["filled_total"] == by_ids.filled_total


def test_without_reconcile_the_cancelled_orders_have_no_status(server: MockServer) -> None:
    ids = _seed(server.url, "BTCUSDT", 3)

    async def main() -> Any:
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
            plain = await client.cancel_orders(symbol="BTCUSDT", order_ids=ids[:2])
            read = await client.cancel_orders(symbol="BTCUSDT", order_ids=ids[2:], reconcile=True)
            return plain, read

    plain, read = asyncio.run(main())
    assert [o.status for o in plain.cancelled] == [None, None] and plain.read_count == 0
    assert [o.status for o in read.cancelled] == ["cancelled"] and read.read_count == 1


def test_cli_reconciles_by_default_and_says_what_filled(server: MockServer) -> None:
    ids = _seed(server.url, "BTCUSDT", 4)
    _fill(server.url, {ids[0]: 0.5})
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", server.url, "--json", "--no-journal"]
    r = run(*args, "--order-id", ids[0], "--order-id", ids[1])
    report = json.loads(r.stdout)
    assert (
        r.returncode == 0
        and report["filled_total"] == {"BTCUSDT": "0.5"}
        and "filled: 0.5 BTCUSDT" in report["summary"]
    )
    assert [o["status"] for o in report["cancelled"]] == ["cancelled", "cancelled"]
    r = run(*args, "--order-id", ids[2], "--no-reconcile")
    assert json.loads(r.stdout)["cancelled"][0]["status"] is None


@pytest.mark.parametrize("strategy", ["batch", "auto"])
def test_cancel_all_with_reconcile_gives_every_order_its_final_status_and_fill(
    server: MockServer, strategy: str
) -> None:
    btc, eth = _seed(server.url, "BTCUSDT", 180), _seed(server.url, "ETHUSDT", 40)
    _fill(server.url, {btc[7]: 0.4, btc[150]: 0.25, eth[0]: 0.5})
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, settle_lag_s=0.2) as client:
        report = client.cancel_open_orders(symbols=["BTCUSDT", "ETHUSDT"], strategy=strategy, reconcile=True)
        plain = client.cancel_open_orders(symbols=["BTCUSDT"], strategy=strategy)  # nothing left: 0 rows
    truth = _mock_filled(server.url)
    rows = [o for name in ("cancelled", "failed", "unknown") for o in getattr(report, name)]
    assert len(rows) == 220 and not report.remaining and not plain.cancelled
    assert all(o.status is not None for o in rows)
    assert all(Decimal(o.filled_size or "0") == Decimal(truth[o.order_id or ""]) for o in rows)
    assert {k: Decimal(v) for k, v in report.filled_total.items()} == {
        "BTCUSDT": Decimal("0.65"),
        "ETHUSDT": Decimal("0.5"),
    }


def test_cli_cancel_all_reconciles_by_default(server: MockServer) -> None:
    ids = _seed(server.url, "BTCUSDT", 60)
    _fill(server.url, {ids[3]: 0.5})
    args = ["cancel-all", "--symbol", "BTCUSDT", "--yes", "--base-url", server.url, "--json", "--no-plan-orders"]
    report = json.loads(run(*args).stdout)
    assert report["filled_total"] == {"BTCUSDT": "0.5"} and "filled: 0.5 BTCUSDT" in report["summary"]
    assert len(report["cancelled"]) == 60 and all(o["status"] == "cancelled" for o in report["cancelled"])
    more = _seed(server.url, "BTCUSDT", 2)
    report = json.loads(run(*args, "--no-reconcile").stdout)
    assert sorted(o["order_id"] for o in report["cancelled"]) == sorted(more)
    assert report["cancelled"][0]["status"] is None


@pytest.mark.usefixtures("ctrl_c_raises")
def test_a_read_back_answered_after_the_interrupt_closed_the_journal_is_dropped_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync reconcile worker is waited for `INTERRUPT_GRACE_S` on an interrupt; its read answered
    later must neither write to the closed journal (a JournalError traceback on the worker thread, seen
    in CI) nor change what the report and the journal say."""
    thread_errors: list[Any] = []
    monkeypatch.setattr(threading, "excepthook", thread_errors.append)
    interrupted = threading.Event()

    def reads(req: Request, book: Book) -> Reply:
        reply = honest_read(req, book)
        if "history" in req.target and not interrupted.is_set():
            interrupted.set()
            _thread.interrupt_main()  # Ctrl-C while this read is in flight; it answers after the grace
            return dataclasses.replace(reply, delay_s=INTERRUPT_GRACE_S + 2)
        return reply

    path = tmp_path / "run.db"
    with HostileServer(honest, reads) as server:
        server.book.live = {str(10_000 + i): f"c{i}" for i in range(300)}
        with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
            with pytest.raises(KeyboardInterrupt) as caught:
                client.cancel_orders(symbol="BTCUSDT", order_ids=list(server.book.live), reconcile=True, journal=path)
            for t in threading.enumerate():
                if t.name == "bitget-reconcile":
                    t.join(INTERRUPT_GRACE_S + 10)
    assert interrupted.is_set() and thread_errors == []
    report = caught.value.report  # type: ignore[attr-defined]
    journaled = journal_report(path)
    for name in ("cancelled", "failed", "unknown"):  # the late read is in neither
        assert [o.to_dict() for o in getattr(journaled, name)] == [o.to_dict() for o in getattr(report, name)]


def test_cancel_all_reads_back_what_the_read_lag_hid_once_per_round(server: MockServer) -> None:
    """The history shows a cancel only 0.5 s after it: the chunks' own reads miss the last orders, and
    the round's one pass, a lag later, gives them their status (each chunk no longer waits the lag)."""
    ids = _seed(server.url, "BTCUSDT", 1200)  # 3 streamed chunks
    _fill(server.url, {ids[-1]: 0.3})
    httpx.post(server.url + "/mock/faults", json={"read_lag_ms": 500}, timeout=10).raise_for_status()
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, settle_lag_s=1.0) as client:
        report = client.cancel_open_orders(symbols=["BTCUSDT"], strategy="batch", reconcile=True, plan_orders=False)
    assert len(report.cancelled) == 1200 and not report.failed and not report.unknown
    assert [o.order_id for o in report.cancelled if o.status is None] == []
    assert {o.order_id: o.filled_size for o in report.cancelled}[ids[-1]] == "0.3"
