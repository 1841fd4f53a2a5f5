"""Request records, `requestTime` on outcomes, headers on exceptions, and raw responses, held against what
the mock and the hostile server saw."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import pytest

from bitget_api.models import OrderListResponse, ServerTimeResponse, UnfilledOrderListResponse
from bitget_sdk import AsyncBitgetClient, BitgetClient, CancelReport, ParameterError, RawResponse

from .conftest import DEMO, PATH, MockClient
from .hostile import Book, HostileServer, Reply, Request, envelope, http

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}
READ_PATHS = {
    "getOrderInfo": "/api/v2/spot/trade/orderInfo",
    "getUnfilledOrders": "/api/v2/spot/trade/unfilled-orders",
    "getHistoryOrders": "/api/v2/spot/trade/history-orders",
}


def _statuses(report: CancelReport, operation: str) -> Counter[str]:
    return Counter(str(r.http_status or 0) for r in report.requests if r.operation == operation)


def _check_against_mock(report: CancelReport, mock: MockClient) -> None:
    stats = mock.http.get("/mock/stats").json()
    by_path = stats["byPath"]
    # Dropped connections are counted by the mock with status 0 (no answer), as the records have none.
    assert _statuses(report, "batchCancelOrders") == Counter(by_path.get(PATH, {}))
    for op, path in READ_PATHS.items():
        assert _statuses(report, op) == Counter(by_path.get(path, {})), op
    assert len(report.requests) == sum(sum(c.values()) for c in by_path.values())
    cancels = [r for r in report.requests if r.operation == "batchCancelOrders"]
    assert len(cancels) == report.request_count


def _check_records(report: CancelReport) -> None:
    by_batch: dict[int, list[Any]] = {}
    for r in report.requests:
        if r.batch is not None:
            by_batch.setdefault(r.batch, []).append(r)
    for records in by_batch.values():
        assert [r.attempt for r in records] == list(range(1, len(records) + 1))
        assert all(r.outcome == "retried" for r in records[:-1])
        assert records[-1].outcome in ("cancelled", "failed", "unknown", "mixed")
        for r in records:
            assert (r.http_status is None) == (r.transport_error is not None)
            assert r.elapsed_s >= 0
    stamps = {r.request_time for r in report.requests if r.request_time is not None}
    for outcome in report.cancelled + report.failed:
        if outcome.request_time is not None:
            assert outcome.request_time in stamps
    assert all(o.request_time is None for o in report.unknown)


def _faults(mock: MockClient, **faults: Any) -> None:
    mock.http.post("/mock/faults", json={"seed": 7, **faults}).raise_for_status()


def test_records_match_the_mocks_stats_under_5xx_and_drops(mock: MockClient) -> None:
    orders = mock.seed(count=400)
    _faults(mock, error_rate=0.2, drop_rate=0.1)
    ids = [o["orderId"] for o in orders] + ["999999991", "999999992"]
    with BitgetClient(**CREDS, base_url=mock.server.url, backoff_base_s=0.01, settle_lag_s=0.2, retry_seed=3) as c:
        report = c.cancel_orders(symbol="BTCUSDT", order_ids=ids)
    assert report.total == 402
    _check_against_mock(report, mock)
    _check_records(report)
    outcomes = Counter(r.outcome for r in report.requests)
    assert outcomes["retried"] > 0  # the 5xx were retried
    assert outcomes["read"] > 0  # the drops were settled by reads
    assert all(o.request_time is not None for o in report.cancelled)
    assert {o.order_id for o in report.failed} == {"999999991", "999999992"}
    assert all(o.request_time is not None for o in report.failed)
    assert "requests" in json.loads(json.dumps(report.to_dict()))


def test_records_async_under_429s(mock: MockClient) -> None:
    orders = mock.seed(count=200)
    _faults(mock, throttle_rate=0.3, throttle_burst=2)

    async def main() -> CancelReport:
        async with AsyncBitgetClient(**CREDS, base_url=mock.server.url, backoff_base_s=0.01) as client:
            return await client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in orders])

    report = asyncio.run(main())
    assert len(report.cancelled) == 200
    _check_against_mock(report, mock)
    _check_records(report)
    throttled = [r for r in report.requests if r.http_status == 429]
    assert throttled and all(r.outcome == "retried" and r.code == "429" for r in throttled)


def test_outcome_request_time_is_the_deciding_answers(mock: MockClient) -> None:
    orders = mock.seed(count=3)
    with BitgetClient(**CREDS, base_url=mock.server.url) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in orders])
    (record,) = report.requests
    assert record.outcome == "cancelled" and record.code == "00000" and record.http_status == 200
    assert record.request_time is not None
    assert {o.request_time for o in report.cancelled} == {record.request_time}


def _echo_400(req: Request, book: Book) -> Reply:
    secret = req.headers.get("access-passphrase", "")
    return http(400, envelope("40017", "bad"), X_Echo=f"pass={secret}", X_Trace="t-1")


def test_api_errors_carry_redacted_headers() -> None:
    with (
        HostileServer(_echo_400, reads=_echo_400) as server,
        BitgetClient(**CREDS, base_url=server.url) as client,
    ):
        with pytest.raises(ParameterError) as caught:
            client.get_order_info(order_id="1")  # signed: the passphrase went out, and came back
        error = caught.value
        assert error.http_status == 400 and error.request_time == 1700000000000
        assert error.headers["x-trace"] == "t-1"
        assert error.headers["x-echo"] == "pass=***"
        assert "demo-passphrase" not in repr(dict(error.headers))
        with pytest.raises(ParameterError) as raw_caught:
            client.with_raw_response.get_server_time()
        assert raw_caught.value.headers["x-trace"] == "t-1"


def test_with_raw_response_sync(mock: MockClient) -> None:
    mock.seed(count=2)
    with BitgetClient(**CREDS, base_url=mock.server.url) as client:
        raw = client.with_raw_response.get_server_time()
        assert isinstance(raw, RawResponse) and isinstance(raw.parsed, ServerTimeResponse)
        assert raw.http_status == 200 and raw.attempts == 1
        assert raw.headers["content-type"].startswith("application/json")
        assert isinstance(raw.request_time, int)
        page = client.with_raw_response.get_unfilled_orders(symbol="BTCUSDT", timeout=5)
        assert isinstance(page.parsed, UnfilledOrderListResponse) and len(page.parsed.data) == 2
        ids = [o.order_id for o in page.parsed.data]
        cancel = client.with_raw_response.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": ids[0]}])
        assert cancel.parsed.data.success_list[0].order_id == ids[0]


def test_with_raw_response_async(mock: MockClient) -> None:
    mock.seed(count=1)

    async def main() -> None:
        async with AsyncBitgetClient(**CREDS, base_url=mock.server.url) as client:
            raw = await client.with_raw_response.get_history_orders(symbol="BTCUSDT")
            assert raw.http_status == 200 and isinstance(raw.parsed, OrderListResponse)
            symbol = await client.with_raw_response.cancel_symbol_orders(symbol="BTCUSDT")
            assert symbol.http_status == 200 and symbol.parsed.data.symbol == "BTCUSDT"

    asyncio.run(main())
