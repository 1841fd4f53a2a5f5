"""Settling against the mock's faults: lost answers, fills racing cancels, read lag, failing reads."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from bitget_sdk import AsyncBitgetClient, BitgetClient, CancelReport

from .conftest import DEMO, MockClient

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}


def _client(url: str, **kw: Any) -> BitgetClient:
    options = {"rate_limit": 0, "backoff_base_s": 0.01, "timeout": 1.0, "settle_lag_s": 1.0, **kw}
    return BitgetClient(**CREDS, base_url=url, **options)


def _faults(mock: MockClient, **faults: Any) -> None:
    assert mock.http.post("/mock/faults", json={"seed": 1, **faults}).status_code == 200


@pytest.mark.parametrize("kind", ["orderId", "clientOid"])
@pytest.mark.parametrize("count", [5, 120])  # per-order reads, then list scans
def test_a_lost_answer_is_settled_from_order_state(mock: MockClient, kind: str, count: int) -> None:
    seeded = mock.seed("BTCUSDT", count)
    _faults(mock, drop_rate=1.0)
    orders = [{"symbol": "BTCUSDT", kind: o[kind]} for o in seeded]
    with _client(mock.server.url, max_retries=0) as client:
        report = client.cancel_orders(orders=orders)
    assert report.counts == {"cancelled": count, "failed": 0, "unknown": 0}
    assert {o.status for o in report.cancelled} == {"cancelled"}
    assert report.settled_count == count


def test_fills_racing_cancels_are_reported_filled_never_cancelled(mock: MockClient) -> None:
    seeded = mock.seed("BTCUSDT", 200)
    _faults(mock, fill_rate=0.2)
    with _client(mock.server.url) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in seeded])
    filled_on_mock = {o["orderId"] for o in mock.orders(status="filled")}
    assert filled_on_mock, "the fault filled nothing: the test proves nothing"
    assert {o.order_id for o in report.filled} == filled_on_mock
    assert all(o.error_msg == "filled before the cancel reached it" and o.filled_size == "1" for o in report.filled)
    assert {o.order_id for o in report.cancelled} == {o["orderId"] for o in mock.orders(status="cancelled")}


def test_cancelled_after_a_partial_fill_keeps_its_filled_size(mock: MockClient) -> None:
    (order,) = mock.seed("BTCUSDT", 1)
    mock.http.post("/mock/fill", json={"orders": [{"orderId": order["orderId"], "fraction": 0.4}]})
    _faults(mock, drop_rate=1.0)
    with _client(mock.server.url, max_retries=0) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[order["orderId"]])
    (outcome,) = report.cancelled
    assert (outcome.status, outcome.filled_size) == ("cancelled", "0.4")


def test_read_lag_within_the_bound_is_waited_out(mock: MockClient) -> None:
    seeded = mock.seed("BTCUSDT", 10)
    _faults(mock, drop_rate=1.0, read_lag_ms=600)
    with _client(mock.server.url, max_retries=0, settle_lag_s=2.0) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in seeded])
    # The reads first showed the orders live (stale), then cancelled: cancelled, not "still live".
    assert report.counts == {"cancelled": 10, "failed": 0, "unknown": 0}


def test_an_order_still_live_after_every_attempt_is_failed_still_live(mock: MockClient) -> None:
    seeded = mock.seed("BTCUSDT", 3)
    _faults(mock, error_rate=1.0)  # 5xx before anything is cancelled: uncertain, but nothing happened
    with _client(mock.server.url, max_retries=1) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in seeded])
    assert [(o.status, o.error_msg) for o in report.failed] == [("live", "still live (live) after every attempt")] * 3


def test_failing_reads_leave_unknown_and_say_why(mock: MockClient) -> None:
    seeded = mock.seed("BTCUSDT", 3)
    _faults(mock, drop_rate=1.0, read_error_rate=1.0)
    with _client(mock.server.url, max_retries=1) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in seeded])
    assert len(report.unknown) == 3
    assert all("settling: reading orderInfo failed" in (o.error_msg or "") for o in report.unknown)


def test_ghosts_by_client_oid_are_not_found_after_the_bound(mock: MockClient) -> None:
    mock.seed("BTCUSDT", 3)
    with _client(mock.server.url, settle_lag_s=0.2) as client:
        report = client.cancel_orders(symbol="BTCUSDT", client_oids=["ghost-1", "ghost-2"])
    assert [(o.status, o.error_code) for o in report.failed] == [("not_found", "43001")] * 2
    assert "not found by clientOid in the open and closed lists" in (report.failed[0].error_msg or "")


def test_settle_false_keeps_the_unsettled_report(mock: MockClient) -> None:
    seeded = mock.seed("BTCUSDT", 3)
    _faults(mock, drop_rate=1.0)
    with _client(mock.server.url, max_retries=0) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in seeded], settle=False)
    assert len(report.unknown) == 3
    assert report.read_count == 0


@pytest.mark.parametrize(
    "bad",
    [{"fill_rate": 2}, {"read_error_rate": -0.1}, {"read_lag_ms": 200_000}, {"read_lag_ms": 1.5}],
)
def test_new_fault_fields_are_validated(mock: MockClient, bad: dict[str, Any]) -> None:
    assert mock.http.post("/mock/faults", json=bad).status_code == 400


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_symbol_is_settled_while_later_symbols_are_still_being_cancelled(mock: MockClient, mode: str) -> None:
    """Reads have budgets of their own: a symbol whose batches have all ended is read back during the
    cancel phase, not after it, so settling adds little beyond the last symbol's reads."""
    seeded = {s: mock.seed(s, 100) for s in ("BTCUSDT", "ETHUSDT")}
    _faults(mock, drop_rate=1.0)  # every answer lost: every order needs settling
    orders = [{"symbol": s, "orderId": o["orderId"]} for s, group in seeded.items() for o in group]
    seen: list[tuple[float, str, str]] = []  # (when, method, path?query)

    def hook(request: httpx.Request) -> None:
        seen.append((time.monotonic(), request.method, str(request.url)))

    async def ahook(request: httpx.Request) -> None:
        hook(request)

    # Two batch cancels a second: BTCUSDT's two batches end about a second before ETHUSDT's.
    # Its own UID: a budget outlives its client for a window, and the next test's client of the demo
    # key would find this one's 2 requests/s (a conflict) if it ran within that window.
    kw: dict[str, Any] = {"max_retries": 0, "rate_limit": 2, "settle_lag_s": 0.3, "uid": "9000021"}
    if mode == "sync":
        with _client(mock.server.url, **kw, httpx_args={"event_hooks": {"request": [hook]}}) as client:
            report = client.cancel_orders(orders=orders)
    else:

        async def run() -> CancelReport:
            options = {"rate_limit": 0, "backoff_base_s": 0.01, "timeout": 1.0, **kw}
            async with AsyncBitgetClient(
                **CREDS, base_url=mock.server.url, httpx_args={"event_hooks": {"request": [ahook]}}, **options
            ) as client:
                return await client.cancel_orders(orders=orders)

        report = asyncio.run(run())
    assert report.counts == {"cancelled": 200, "failed": 0, "unknown": 0}
    last_cancel = max(t for t, method, _ in seen if method == "POST")
    first_btc_read = min(t for t, method, url in seen if method == "GET" and "symbol=BTCUSDT" in url)
    assert first_btc_read < last_cancel, "BTCUSDT was read back only after every cancel had ended"
    # What settling added after the last answer: ETHUSDT's bound and reads, not both symbols' reads.
    assert 0 < report.settle_s < 0.3 + 1.5
