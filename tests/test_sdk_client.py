"""The SDK against the real mock on loopback: every public method, sync and async, and every outcome."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bitget_api.models import BatchCancelResponse
from bitget_mock import MockExchange, MockServer, Settings
from bitget_sdk import (
    AsyncBitgetClient,
    AuthenticationError,
    BitgetClient,
    BitgetTransportError,
    CancelReport,
    ParameterError,
    RateLimitError,
    ServerError,
    TimestampError,
)
from bitget_sdk._core.errors import ERROR_CLASSES, PermissionDeniedError, error_class

from .conftest import DEMO, MockClient
from .spec_support import load_spec

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}


def sync_client(url: str, **kw: Any) -> BitgetClient:
    kw.setdefault("rate_limit", 0)
    kw.setdefault("backoff_base_s", 0.01)
    kw.setdefault("settle_lag_s", 0.3)
    return BitgetClient(**{**CREDS, **kw}, base_url=url)


def async_client(url: str, **kw: Any) -> AsyncBitgetClient:
    kw.setdefault("rate_limit", 0)
    kw.setdefault("backoff_base_s", 0.01)
    kw.setdefault("settle_lag_s", 0.3)
    return AsyncBitgetClient(**{**CREDS, **kw}, base_url=url)


def cancel(url: str, mode: str, **kwargs: Any) -> CancelReport:
    """cancel_orders through the sync or the async client: one test body serves both."""
    client_kw = kwargs.pop("client_kw", {})
    if mode == "sync":
        with sync_client(url, **client_kw) as client:
            return client.cancel_orders(**kwargs)

    async def run() -> CancelReport:
        async with async_client(url, **client_kw) as client:
            return await client.cancel_orders(**kwargs)

    return asyncio.run(run())


def assert_each_once(report: CancelReport, expected: int) -> None:
    keys = [(o.order_id, o.client_oid) for o in report.cancelled + report.failed + report.unknown]
    assert len(keys) == expected == report.total
    assert len(set(keys)) == expected


MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("count", "requests"), [(1, 1), (50, 1), (51, 2), (1000, 20)])
def test_chunking(mock: MockClient, mode: str, count: int, requests: int) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", count)]
    report = cancel(mock.server.url, mode, symbol="BTCUSDT", order_ids=ids)
    assert [o.order_id for o in report.cancelled] == ids
    assert report.ok
    assert report.request_count == requests
    assert mock.orders(status="live") == []


@pytest.mark.parametrize("mode", MODES)
def test_by_client_oid_fills_in_order_ids(mock: MockClient, mode: str) -> None:
    seeded = mock.seed("ETHUSDT", 3)
    report = cancel(mock.server.url, mode, symbol="ETHUSDT", client_oids=[o["clientOid"] for o in seeded])
    assert [(o.order_id, o.client_oid) for o in report.cancelled] == [(o["orderId"], o["clientOid"]) for o in seeded]


@pytest.mark.parametrize("mode", MODES)
def test_mixed_symbols_and_identifier_kinds(mock: MockClient, mode: str) -> None:
    orders: list[dict[str, str]] = []
    for sym in ("BTCUSDT", "ETHUSDT", "XRPUSDT"):
        seeded = mock.seed(sym, 40)
        orders += [{"symbol": sym, "orderId": o["orderId"]} for o in seeded[:20]]
        orders += [{"symbol": sym, "clientOid": o["clientOid"]} for o in seeded[20:]]
    report = cancel(mock.server.url, mode, orders=orders)
    assert len(report.cancelled) == 120
    assert report.request_count == 4  # 60 by orderId + 60 by clientOid, packed in multiple mode
    assert mock.orders(status="live") == []
    assert_each_once(report, 120)


@pytest.mark.parametrize("mode", MODES)
def test_partial_failures_keep_bitgets_codes(mock: MockClient, mode: str) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 1000)]
    unknown = [str(900_000 + i) for i in range(20)]
    report = cancel(mock.server.url, mode, symbol="BTCUSDT", order_ids=ids + unknown)
    assert len(report.cancelled) == 1000
    assert [o.order_id for o in report.failed] == unknown
    assert {o.error_code for o in report.failed} == {"43001"}
    assert all((o.error_msg or "").startswith("The order does not exist; confirmed") for o in report.failed)
    assert {o.status for o in report.failed} == {"not_found"}  # settled: read back, and really not there
    assert report.unknown == []
    assert "1000 cancelled, 20 failed, 0 unknown" in str(report)
    assert json.loads(json.dumps(report.to_dict()))["counts"] == {"cancelled": 1000, "failed": 20, "unknown": 0}


@pytest.fixture(scope="module")
def limited_server() -> Iterator[MockServer]:
    with MockServer(MockExchange([DEMO], Settings(rate_limit=10))) as server:
        yield server


@pytest.mark.parametrize("mode", MODES)
def test_rate_limit_held_at_the_mocks_default_limit(limited_server: MockServer, mode: str) -> None:
    limited_server.exchange.reset()
    mock = MockClient(limited_server)
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 1000)]
    report = cancel(limited_server.url, mode, symbol="BTCUSDT", order_ids=ids, client_kw={"rate_limit": 10})
    assert len(report.cancelled) == 1000
    assert limited_server.exchange.stats.as_dict()["statuses"].get("429", 0) == 0
    assert report.retry_count == 0


@pytest.mark.parametrize("mode", MODES)
def test_batch_cancel_orders_returns_the_typed_response(mock: MockClient, mode: str) -> None:
    order = mock.seed("BTCUSDT", 1)[0]
    kwargs: dict[str, Any] = {"symbol": "BTCUSDT", "order_list": [{"orderId": order["orderId"]}, {"orderId": "404"}]}
    if mode == "sync":
        with sync_client(mock.server.url) as client:
            response = client.batch_cancel_orders(**kwargs)
    else:

        async def run() -> BatchCancelResponse:
            async with async_client(mock.server.url) as client:
                return await client.batch_cancel_orders(**kwargs)

        response = asyncio.run(run())
    assert isinstance(response, BatchCancelResponse)
    assert response.data.success_list[0].order_id == order["orderId"]
    assert response.data.failure_list[0].error_code == "43001"


def test_multiple_mode_raw_call(mock: MockClient) -> None:
    btc, eth = mock.seed("BTCUSDT", 1)[0], mock.seed("ETHUSDT", 1)[0]
    with sync_client(mock.server.url, demo_trading=True, locale="en-US") as client:
        response = client.batch_cancel_orders(
            batch_mode="multiple",
            order_list=[
                {"symbol": "BTCUSDT", "orderId": btc["orderId"]},
                {"symbol": "ETHUSDT", "orderId": eth["orderId"]},
            ],
        )
    assert len(response.data.success_list) == 2


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_authentication_error_carries_a_complete_report(mock: MockClient, mode: str) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 120)]
    with pytest.raises(AuthenticationError) as info:
        cancel(
            mock.server.url, mode, symbol="BTCUSDT", order_ids=ids, client_kw={"max_concurrency": 1, "secret_key": "x"}
        )
    err = info.value
    assert (err.code, err.msg, err.http_status) == ("40009", "sign signature error", 400)
    assert err.request_time is not None
    assert err.report is not None
    assert len(err.report.failed) == 120
    assert err.report.request_count == 1  # stopped after the first refusal
    assert len(mock.orders(status="live")) == 120


def test_timestamp_error(mock: MockClient) -> None:
    client = sync_client(mock.server.url, clock_offset_ms=-120_000, auto_sync_time=False)
    with client, pytest.raises(TimestampError) as info:
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])
    assert info.value.code == "40008"
    with sync_client(mock.server.url, clock_offset_ms=-120_000, auto_sync_time=False) as client:
        client.sync_time()
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])


@pytest.mark.parametrize("mode", MODES)
def test_a_skewed_clock_is_resynced_once_automatically(mock: MockClient, mode: str) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 60)]
    report = cancel(mock.server.url, mode, symbol="BTCUSDT", order_ids=ids, client_kw={"clock_offset_ms": -120_000})
    assert len(report.cancelled) == 60
    # At most one rejected attempt per batch (batches in flight together may each see the old clock).
    assert 3 <= report.request_count <= 4
    assert mock.orders(status="live") == []


def test_a_single_call_gives_up_on_429_after_max_retries(mock: MockClient) -> None:
    mock.http.post("/mock/faults", json={"throttle_rate": 1.0})
    with sync_client(mock.server.url, max_retries=2) as client, pytest.raises(RateLimitError) as info:
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])
    assert info.value.http_status == 429
    assert mock.http.get("/mock/faults").json()["injected"]["throttle"] == 3


def test_cancel_orders_retries_429_until_its_deadline_then_reports_them_failed(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    mock.http.post("/mock/faults", json={"throttle_rate": 1.0})
    with sync_client(mock.server.url, max_retries=2, backoff_base_s=0.05, backoff_max_s=0.2) as client:
        started = time.monotonic()
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, deadline_s=1.5)
        took = time.monotonic() - started
    assert report.counts == {"cancelled": 0, "failed": 3, "unknown": 0}
    assert report.failed[0].error_code == "429"
    assert report.failed[0].attempts > 3  # max_retries does not end a 429's retries; the deadline does
    assert took < 1.5 + 0.5
    assert mock.orders(status="live") != []


def test_a_429_storm_that_ends_before_the_deadline_fails_no_order(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 500)]
    mock.http.post("/mock/faults", json={"throttle_rate": 0.5, "throttle_burst": 3, "seed": 7})
    with sync_client(mock.server.url, max_retries=0, backoff_base_s=0.05, backoff_max_s=0.2) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, deadline_s=60)
    assert mock.http.get("/mock/faults").json()["injected"]["throttle"] > 5
    assert report.counts == {"cancelled": 500, "failed": 0, "unknown": 0}
    assert not report.deadline_passed


def test_server_error_is_not_retried_by_the_raw_call_and_resolved_by_cancel_orders(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 5)]
    mock.http.post("/mock/faults", json={"error_rate": 1.0})
    with sync_client(mock.server.url, max_retries=2) as client:
        with pytest.raises(ServerError) as info:
            client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": ids[0]}])
        assert (info.value.http_status, info.value.code) == (503, "50001")
        unsettled = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, settle=False)
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
    assert len(unsettled.unknown) == 5
    assert all("outcome unknown after 3 attempts" in (o.error_msg or "") for o in unsettled.unknown)
    # Settled: the 5xx came before anything was cancelled, and the reads say so.
    assert [(o.status, o.error_msg) for o in report.failed] == [("live", "still live (live) after every attempt")] * 5


def test_5xx_then_success_is_cancelled(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 50)]
    mock.http.post("/mock/faults", json={"error_rate": 0.5, "seed": 3})
    with sync_client(mock.server.url, max_retries=10) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
    assert len(report.cancelled) == 50


class LoseFirstAnswer(httpx.HTTPTransport):
    """The first request reaches the exchange and takes effect; its answer is lost (a read timeout)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.calls += 1
        if self.calls == 1:
            response.read()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


def test_lost_answer_then_not_found_is_unknown_never_failed(mock: MockClient) -> None:
    live = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    transport = LoseFirstAnswer()
    with sync_client(mock.server.url, httpx_args={"transport": transport}) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[*live, "777"], settle=False)
    assert transport.calls == 2
    assert report.cancelled == []
    assert report.failed == []
    assert [o.order_id for o in report.unknown] == [*live, "777"]
    assert "the lost attempt may have cancelled it, or it never existed" in (report.unknown[0].error_msg or "")
    assert mock.orders(status="live") == []  # the truth: the lost attempt did cancel them


@pytest.mark.parametrize("mode", MODES)
def test_settling_reads_back_what_a_lost_answer_did(mock: MockClient, mode: str) -> None:
    live = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    transport: Any = LoseFirstAnswer() if mode == "sync" else None
    if transport is None:
        report = cancel(mock.server.url, mode, symbol="BTCUSDT", order_ids=[*live, "777"])  # no loss: baseline
        assert [o.order_id for o in report.failed] == ["777"] and report.failed[0].status == "not_found"
        return
    with sync_client(mock.server.url, httpx_args={"transport": transport}) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[*live, "777"])
    assert [(o.order_id, o.status) for o in report.cancelled] == [(i, "cancelled") for i in live]
    assert [(o.order_id, o.status, o.error_code) for o in report.failed] == [("777", "not_found", "43001")]
    assert report.unknown == []
    assert report.settled_count == 4 and report.read_count >= 4


def test_raw_call_does_not_retry_an_uncertain_attempt(mock: MockClient) -> None:
    order = mock.seed("BTCUSDT", 1)[0]
    client = sync_client(mock.server.url, httpx_args={"transport": LoseFirstAnswer()})
    with client, pytest.raises(BitgetTransportError) as info:
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": order["orderId"]}])
    assert info.value.sent is True
    assert "ReadTimeout" in str(info.value)


def test_connection_refused_is_a_transport_error_and_nothing_was_sent() -> None:
    with sync_client("http://127.0.0.1:9", max_retries=1) as client:
        with pytest.raises(BitgetTransportError) as info:
            client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])
        assert info.value.sent is False
        assert "127.0.0.1:9" in str(info.value)
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=["1", "2"])
    assert len(report.failed) == 2
    assert report.unknown == []


def test_parameter_error_fails_the_batch_orders() -> None:
    body = {"code": "40017", "msg": "Parameter verification failed", "requestTime": 1, "data": None}
    transport = httpx.MockTransport(lambda r: httpx.Response(400, json=body))
    with sync_client("https://bitget.test", httpx_args={"transport": transport}) as client:
        with pytest.raises(ParameterError):
            client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=["1", "2"])
    assert [(o.error_code, o.attempts) for o in report.failed] == [("40017", 1), ("40017", 1)]


def test_non_json_gateway_error_and_odd_status_are_handled() -> None:
    answers = iter([httpx.Response(520, text="<html>bad gateway</html>"), httpx.Response(502, text="")])
    transport = httpx.MockTransport(lambda r: next(answers))
    with sync_client("https://bitget.test", max_retries=1, httpx_args={"transport": transport}) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], settle=False)
    assert report.unknown[0].error_code == "502"


def test_order_missing_from_both_lists_is_unknown() -> None:
    body = {"code": "00000", "msg": "success", "requestTime": 1, "data": {"successList": [], "failureList": []}}
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=body))
    with sync_client("https://bitget.test", httpx_args={"transport": transport}) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], settle=False)
    assert report.unknown[0].error_msg == "the exchange listed this order in neither successList nor failureList"


def test_error_classes_agree_with_the_contracts_catalogue() -> None:
    categories = {
        "authentication": AuthenticationError,
        "timestamp": TimestampError,
        "permission": PermissionDeniedError,
        "parameter": ParameterError,
        "rate-limit": RateLimitError,
        "server": ServerError,
    }
    catalogue = load_spec()["components"]["schemas"]["ErrorResponse"]["x-error-codes"]
    for entry in catalogue:
        if entry["category"] in categories:
            assert error_class(entry["code"], entry["http-status"]) is categories[entry["category"]], entry
    assert error_class("401", 401) is AuthenticationError  # a gateway's bare 401
    assert error_class("403", 403) is PermissionDeniedError
    assert error_class("404", 404) is ParameterError
    documented = {e["code"] for e in catalogue}
    assert set(ERROR_CLASSES) <= documented


# --- construction ----------------------------------------------------------------------------


def test_from_env_and_connection_reuse(mock: MockClient) -> None:
    env = {
        "BITGET_API_KEY": DEMO.api_key,
        "BITGET_SECRET_KEY": "demo-secret-key",
        "BITGET_PASSPHRASE": "demo-passphrase",
        "BITGET_BASE_URL": mock.server.url,
    }
    with BitgetClient.from_env(env, rate_limit=0) as client:
        assert client.base_url == mock.server.url
        http = client._api.get_httpx_client()
        client.cancel_orders(symbol="BTCUSDT", order_ids=["1"])
        client.cancel_orders(symbol="BTCUSDT", order_ids=["2"])
        assert client._api.get_httpx_client() is http
        assert http.timeout.read == 10.0  # a timeout is on by default
    with pytest.raises(ValueError, match="BITGET_SECRET_KEY"):
        BitgetClient.from_env({"BITGET_API_KEY": "k", "BITGET_PASSPHRASE": "p"})


def test_limiter_is_shared_per_api_key() -> None:
    a = BitgetClient("shared-key", "s", "p", base_url="https://bitget.test")
    b = AsyncBitgetClient("shared-key", "s2", "p", base_url="https://bitget.test")
    c = BitgetClient("other-key", "s", "p", base_url="https://bitget.test")
    assert a.limiter is b.limiter
    assert a.limiter is not c.limiter
