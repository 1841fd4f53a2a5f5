"""Per-call options, `with_options`, headers, hooks and the unsigned-client trap (issue: per-call options)."""

from __future__ import annotations

import asyncio
import gc
import re
import sys
import time
from typing import Any

import httpx
import pytest

from bitget_sdk import AsyncBitgetClient, BatchValidationError, BitgetClient, BitgetTransportError, __version__

from .conftest import DEMO, PATH, MockClient
from .hostile import Book, HostileServer, Reply, Request, envelope, honest, http

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}
SILENT = HostileServer  # alias for readability below


def _hang(req: Request, book: Book) -> Reply:
    return Reply(b"", hang=True)


def _time(req: Request, book: Book) -> Reply:
    return http(200, envelope("00000", "success", {"serverTime": str(int(time.time() * 1000))}))


def test_per_call_timeout_and_retries_bound_a_call_against_a_silent_server() -> None:
    """The client waits 30 s per attempt; this call asks for 0.3 s and one retry: two attempts, ~0.6 s."""
    with SILENT(honest, reads=_hang) as server, BitgetClient(**CREDS, base_url=server.url, timeout=30) as client:
        start = time.monotonic()
        with pytest.raises(BitgetTransportError) as caught:
            client.get_server_time(timeout=0.3, max_retries=1)
        took = time.monotonic() - start
        assert caught.value.sent
        assert len(server.requests) == 2
        assert took < 3.0, took
        assert client.timeout_s == 30.0  # the client's own options are untouched


def test_per_call_timeout_async() -> None:
    async def main(url: str) -> float:
        async with AsyncBitgetClient(**CREDS, base_url=url, timeout=30) as client:
            start = time.monotonic()
            with pytest.raises(BitgetTransportError):
                await client.get_server_time(timeout=0.3, max_retries=0)
            return time.monotonic() - start

    with SILENT(honest, reads=_hang) as server:
        assert asyncio.run(main(server.url)) < 2.0
        assert len(server.requests) == 1


def test_per_call_deadline_bounds_retries_and_waits() -> None:
    with SILENT(honest, reads=_hang) as server, BitgetClient(**CREDS, base_url=server.url, timeout=30) as client:
        start = time.monotonic()
        with pytest.raises(BitgetTransportError):
            client.get_unfilled_orders(symbol="BTCUSDT", deadline_s=0.5)
        assert time.monotonic() - start < 2.5


def test_per_call_timeout_on_cancel_orders_against_the_slow_mock(mock: MockClient) -> None:
    """The mock answers cancels after 1.5 s: with `timeout=0.3` the run's attempts end early (unknown,
    settled by reads), and without it the same client waits and gets the answer."""
    orders = mock.seed(count=2)
    mock.http.post("/mock/faults", json={"delay_rate": 1.0, "delay_ms": 1500, "seed": 1}).raise_for_status()
    with BitgetClient(**CREDS, base_url=mock.server.url, timeout=10, settle_lag_s=0.1) as client:
        start = time.monotonic()
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[orders[0]["orderId"]], timeout=0.3, max_retries=0)
        fast = time.monotonic() - start
        assert report.requests[0].transport_error is not None
        assert report.requests[0].http_status is None
        assert [o.order_id for o in report.cancelled] == [orders[0]["orderId"]]  # settled by a read
        start = time.monotonic()
        slow_report = client.cancel_orders(symbol="BTCUSDT", order_ids=[orders[1]["orderId"]])
        assert time.monotonic() - start >= 1.4
        assert slow_report.requests[0].http_status == 200
    assert fast < 1.4


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"deadline_s": float("nan")}, "deadline_s"),
        ({"extra_headers": {"ACCESS-SIGN": "x"}}, "extra_headers"),
        ({"extra_headers": {"X-A": "a\r\nb"}}, "extra_headers"),
    ],
)
def test_bad_per_call_options_fail_before_any_io(options: dict[str, Any], field: str) -> None:
    with SILENT(honest, reads=_time) as server, BitgetClient(**CREDS, base_url=server.url) as client:
        with pytest.raises(BatchValidationError) as caught:
            client.get_server_time(**options)
        assert caught.value.field == field
        with pytest.raises(BatchValidationError):
            client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], **options)
        assert server.requests == []


def test_unknown_per_call_option_is_a_type_error() -> None:
    with BitgetClient(**CREDS) as client, pytest.raises(TypeError, match="retries"):
        client.get_server_time(retries=3)  # type: ignore[call-arg]


def test_headers_user_agent_default_extra_and_per_call() -> None:
    with (
        SILENT(honest, reads=_time) as server,
        BitgetClient(**CREDS, base_url=server.url, default_headers={"X-Desk": "rates"}) as client,
    ):
        client.get_server_time()
        client.get_server_time(extra_headers={"X-Incident": "INC-7"})
        client.with_options(default_headers={"X-Desk": "fx", "X-Run": "r1"}).get_server_time()
        client.cancel_orders(symbol="BTCUSDT", order_ids=["123"], extra_headers={"X-Incident": "INC-8"}, settle=False)
    first, second, third, cancel = server.requests
    agent = f"bitget-batch-cancel/{__version__} python/{sys.version_info.major}.{sys.version_info.minor} httpx/"
    assert all(r.headers["user-agent"].startswith(agent) for r in server.requests)
    assert first.headers["x-desk"] == "rates" and "x-incident" not in first.headers
    assert second.headers["x-incident"] == "INC-7" and second.headers["x-desk"] == "rates"
    assert third.headers["x-desk"] == "fx" and third.headers["x-run"] == "r1"
    assert cancel.headers["x-incident"] == "INC-8" and "access-sign" in cancel.headers


def test_default_headers_may_set_the_user_agent_but_not_the_signature() -> None:
    with SILENT(honest, reads=_time) as server:
        with BitgetClient(**CREDS, base_url=server.url, default_headers={"User-Agent": "desk-bot/2"}) as client:
            client.get_server_time()
        assert server.requests[0].headers["user-agent"] == "desk-bot/2"
    with pytest.raises(ValueError, match="default_headers"):
        BitgetClient(**CREDS, default_headers={"access-passphrase": "x"})


def test_with_options_shares_pool_budget_and_clock_not_settings() -> None:
    with BitgetClient(**CREDS, timeout=5, max_retries=3) as client:
        fast = client.with_options(timeout=1.5, max_retries=0, locale="zh-CN")
        assert fast._api is client._api
        assert fast.limiter is client.limiter
        assert fast.clock is client.clock
        assert (fast.timeout_s, fast.retry.max_retries, fast.locale) == (1.5, 0, "zh-CN")
        assert (client.timeout_s, client.retry.max_retries, client.locale) == (5.0, 3, None)
        with pytest.raises(ValueError, match="timeout"):
            client.with_options(timeout=-1)
        with pytest.raises(TypeError, match="base_url"):
            client.with_options(base_url="http://x")  # type: ignore[call-arg]


def test_a_derived_client_keeps_the_budget_registered_after_its_parent_is_gone() -> None:
    derived = BitgetClient(**CREDS).with_options(timeout=2)
    gc.collect()
    with BitgetClient(**CREDS) as other:
        assert other.limiter is derived.limiter  # one budget per key, still shared


def test_the_generated_client_is_not_public_and_custom_transports_stay_signed() -> None:
    with BitgetClient(**CREDS) as client:
        assert not hasattr(client, "api")
    with (
        SILENT(honest) as server,
        BitgetClient(**CREDS, base_url=server.url, httpx_args={"transport": httpx.HTTPTransport(retries=0)}) as client,
    ):
        client.cancel_orders(symbol="BTCUSDT", order_ids=["123"], settle=False)
        headers = server.requests[0].headers
        assert {"access-key", "access-sign", "access-timestamp", "access-passphrase"} <= headers.keys()


def _503_then_honest(req: Request, book: Book) -> Reply:
    if req.n == 0:
        return http(503, envelope("50001", "busy"))
    return honest(req, book)


def test_httpx_event_hooks_see_every_attempt_retries_included() -> None:
    """The README's metrics example: count statuses and latency per attempt with httpx event hooks."""
    statuses: list[int] = []
    latencies: list[float] = []

    def on_request(request: httpx.Request) -> None:
        request.extensions["started"] = time.perf_counter()

    def on_response(response: httpx.Response) -> None:
        statuses.append(response.status_code)
        latencies.append(time.perf_counter() - response.request.extensions["started"])

    hooks = {"request": [on_request], "response": [on_response]}
    with (
        SILENT(_503_then_honest) as server,
        BitgetClient(**CREDS, base_url=server.url, backoff_base_s=0.01, httpx_args={"event_hooks": hooks}) as client,
    ):
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=["123"], settle=False)
    assert statuses == [503, 200]
    assert len(latencies) == 2 and all(x >= 0 for x in latencies)
    assert [r.http_status for r in report.requests] == [503, 200]


def test_async_event_hooks_and_per_call_headers() -> None:
    seen: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        seen.append(request.headers.get("x-incident", "-"))

    async def main(url: str) -> None:
        hooks = {"request": [on_request]}
        async with AsyncBitgetClient(**CREDS, base_url=url, httpx_args={"event_hooks": hooks}) as client:
            await client.get_server_time(extra_headers={"X-Incident": "INC-9"})
            fast = client.with_options(timeout=1)
            await fast.get_server_time()
            assert fast.timeout_s == 1.0 and client.timeout_s == 10.0

    with SILENT(honest, reads=_time) as server:
        asyncio.run(main(server.url))
    assert seen == ["INC-9", "-"]


def test_user_agent_is_seen_by_the_mock(mock: MockClient) -> None:
    orders = mock.seed(count=1)
    with BitgetClient(**CREDS, base_url=mock.server.url) as client:
        client.cancel_orders(symbol="BTCUSDT", order_ids=[orders[0]["orderId"]])
        agent = client.user_agent
    stats = mock.http.get("/mock/stats").json()
    assert re.fullmatch(r"bitget-batch-cancel/\d+\.\d+\.\d+\S* python/\d+\.\d+ httpx/\d+\.\d+", agent)
    assert stats["userAgents"] == {agent: stats["byPath"][PATH]["200"]}
