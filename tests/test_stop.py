"""`cancel_orders(stop=event)`: an embedder stops a run from another thread or a signal handler and
gets the report back (not an exception): no batch starts after the stop, the answers in flight are
filed as they come, and every order the exchange cancelled is reported `cancelled` (never `failed`)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings
from bitget_sdk import AsyncBitgetClient, BatchValidationError, BitgetClient, CancelReport

from .conftest import DEMO

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}
ORDERS = 1500


@pytest.fixture
def limited() -> Iterator[tuple[str, httpx.Client]]:
    with MockServer(MockExchange([DEMO], Settings(rate_limit=10))) as server:
        control = httpx.Client(base_url=server.url, timeout=10)
        yield server.url, control
        control.close()


def _cancelled_at_exchange(control: httpx.Client) -> set[str]:
    return {o["orderId"] for o in control.get("/mock/orders", params={"status": "cancelled"}).json()["orders"]}


def _stop_after(control: httpx.Client, stop: threading.Event, cancelled: int) -> threading.Thread:
    def watch() -> None:
        while len(_cancelled_at_exchange(control)) < cancelled:
            time.sleep(0.02)
        stop.set()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_set_stop_ends_the_run_with_its_report(limited: tuple[str, httpx.Client], mode: str) -> None:
    url, control = limited
    ids = [
        o["orderId"] for o in control.post("/mock/orders", json={"symbol": "BTCUSDT", "count": ORDERS}).json()["orders"]
    ]
    stop = threading.Event()
    watcher = _stop_after(control, stop, 500)
    kw: dict[str, Any] = {"symbol": "BTCUSDT", "order_ids": ids, "stop": stop}
    if mode == "sync":
        with BitgetClient(**CREDS, base_url=url) as client:
            report: CancelReport = client.cancel_orders(**kw)
    else:

        async def go() -> CancelReport:
            async with AsyncBitgetClient(**CREDS, base_url=url) as client:
                return await client.cancel_orders(**kw)

        report = asyncio.run(go())
    watcher.join(5)
    done = _cancelled_at_exchange(control)
    assert report.stopped and not report.deadline_passed
    assert sorted(o.order_id for o in report.cancelled + report.failed + report.unknown) == sorted(ids)
    assert {o.order_id for o in report.cancelled} == done  # every answer that came was filed
    assert not report.unknown and report.read_count == 0  # nothing in flight was lost; nothing settled
    assert len(report.failed) == ORDERS - len(done) >= 500
    assert all(o.error_msg == "not sent: the run was stopped (stop= was set)" for o in report.failed)


def test_stop_must_be_an_event() -> None:
    with BitgetClient(**CREDS, base_url="http://127.0.0.1:9") as client, pytest.raises(BatchValidationError) as bad:
        client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], stop=True)  # type: ignore[arg-type]
    assert bad.value.field == "stop"


def test_a_stopped_journaled_run_is_left_for_resume(limited: tuple[str, httpx.Client], tmp_path: Any) -> None:
    """A stop is not the end of the run: its journal stays unfinished, and `resume` sends the rest."""
    url, control = limited
    seeded = control.post("/mock/orders", json={"symbol": "BTCUSDT", "count": ORDERS}).json()["orders"]
    ids = [o["orderId"] for o in seeded]
    stop = threading.Event()
    watcher = _stop_after(control, stop, 100)
    with BitgetClient(**CREDS, base_url=url) as client:
        first = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, stop=stop, journal=tmp_path / "run.db")
        watcher.join(5)
        assert first.stopped and first.failed
        rest = client.resume(tmp_path / "run.db")
    assert sorted(o.order_id for o in rest.cancelled) == sorted(ids) and not rest.failed and not rest.unknown


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_stop_cuts_a_retrys_backoff_short(mode: str) -> None:
    """Every batch answered 503: its retry waits 4 s of backoff. A stop set meanwhile ends the run at
    once (it waited the whole backoff, then saw the stop), with no retry sent after it."""
    from .hostile import HostileServer, Reply, Request, envelope, http

    def unavailable(req: Request, book: Any) -> Reply:
        return http(503, envelope("50001", "service unavailable"))

    stop = threading.Event()
    kw: dict[str, Any] = {"symbol": "BTCUSDT", "order_ids": ["1", "2"], "stop": stop, "settle": False}
    options: dict[str, Any] = {"backoff_base_s": 4.0, "backoff_max_s": 4.0}
    with HostileServer(unavailable) as server:
        timer = threading.Timer(0.5, stop.set)
        timer.start()
        started = time.monotonic()
        if mode == "sync":
            with BitgetClient(**CREDS, base_url=server.url, **options) as client:
                report: CancelReport = client.cancel_orders(**kw)
        else:

            async def go() -> CancelReport:
                async with AsyncBitgetClient(**CREDS, base_url=server.url, **options) as client:
                    return await client.cancel_orders(**kw)

            report = asyncio.run(go())
        took = time.monotonic() - started
        sent = len(server.requests)
    assert report.stopped and sent == 1 and len(report.unknown) == 2
    assert took < 2.0, f"the stopped run waited {took:.1f} s"
