"""The contract's order-state operations, end to end: generated builders and models, one runtime core,
both Python clients against the mock's order lifecycle, and per-operation rate limits."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from bitget_api import facts
from bitget_api.models import OrderListResponse, ServerTimeResponse
from bitget_mock import MockExchange, MockServer, Settings
from bitget_sdk import AsyncBitgetClient, BatchValidationError, BitgetClient

from .conftest import DEMO, MockClient, hmac_sign, signed_headers

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}
MODES = ["sync", "async"]


def call(url: str, mode: str, method: str, **kw: Any) -> Any:
    """`method` of a fresh client of either kind, with `kw`."""
    if mode == "sync":
        with BitgetClient(**CREDS, base_url=url, rate_limit=0) as client:
            return getattr(client, method)(**kw)

    async def go() -> Any:
        async with AsyncBitgetClient(**CREDS, base_url=url, rate_limit=0) as client:
            return await getattr(client, method)(**kw)

    return asyncio.run(go())


def _fill(mock: MockClient, **order: Any) -> None:
    r = mock.http.post("/mock/fill", json={"orders": [order]})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("mode", MODES)
def test_order_info_by_order_id_sees_every_state(mock: MockClient, mode: str) -> None:
    a, b, c = mock.seed("BTCUSDT", 3)
    _fill(mock, orderId=a["orderId"], fraction=0.25)
    _fill(mock, orderId=b["orderId"], fraction=1)
    call(mock.server.url, mode, "cancel_orders", symbol="BTCUSDT", order_ids=[a["orderId"]])
    states = {}
    for order in (a, b, c):
        answer = call(mock.server.url, mode, "get_order_info", order_id=order["orderId"])
        assert isinstance(answer, OrderListResponse)
        (item,) = answer.data
        states[order["orderId"]] = (item.status, item.base_volume, item.client_oid)
    assert states == {
        a["orderId"]: ("cancelled", "0.25", a["clientOid"]),  # cancelled after a partial fill keeps its fill
        b["orderId"]: ("filled", "1", b["clientOid"]),
        c["orderId"]: ("live", "0", c["clientOid"]),
    }
    assert call(mock.server.url, mode, "get_order_info", order_id="404").data == []


def test_order_info_by_client_oid_finds_only_unfilled_orders(mock: MockClient) -> None:
    live, filled = mock.seed("BTCUSDT", 2)
    _fill(mock, clientOid=filled["clientOid"], fraction=1)
    with BitgetClient(**CREDS, base_url=mock.server.url, rate_limit=0) as client:
        assert [o.order_id for o in client.get_order_info(client_oid=live["clientOid"]).data] == [live["orderId"]]
        assert client.get_order_info(client_oid=filled["clientOid"]).data == []  # Bitget's semantics
        assert client.get_order_info(order_id=filled["orderId"]).data[0].status == "filled"


def test_the_unfilled_only_rule_can_be_turned_off() -> None:
    settings = Settings(rate_limit=0, client_oid_lookup_unfilled_only=False)
    with MockServer(MockExchange([DEMO], settings)) as server:
        order = httpx.post(server.url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 1}).json()["orders"][0]
        httpx.post(server.url + "/mock/fill", json={"orders": [{"orderId": order["orderId"], "fraction": 1}]})
        with BitgetClient(**CREDS, base_url=server.url, rate_limit=0) as client:
            assert client.get_order_info(client_oid=order["clientOid"]).data[0].status == "filled"


@pytest.mark.parametrize("mode", MODES)
def test_lists_are_newest_first_and_paged_by_id_less_than(mock: MockClient, mode: str) -> None:
    orders = mock.seed("BTCUSDT", 250) + mock.seed("ETHUSDT", 5)
    cancelled = [o["orderId"] for o in orders[:120]]
    call(mock.server.url, mode, "cancel_orders", symbol="BTCUSDT", order_ids=cancelled)
    for method, expected in (
        ("get_unfilled_orders", [o["orderId"] for o in orders[120:250]]),
        ("get_history_orders", cancelled),
    ):
        seen: list[str] = []
        cursor = None
        while True:
            page = call(mock.server.url, mode, method, symbol="BTCUSDT", id_less_than=cursor)
            assert len(page.data) <= facts.PAGE_MAX_LIMIT
            if not page.data:
                break
            seen += [o.order_id for o in page.data]
            cursor = page.data[-1].order_id
        assert seen == expected[::-1], method  # newest first, every order once


def test_time_window_filters_by_creation_time(mock: MockClient) -> None:
    mock.seed("BTCUSDT", 2)
    after = int(time.time() * 1000) + 5
    time.sleep(0.02)
    late = mock.seed("BTCUSDT", 1)
    with BitgetClient(**CREDS, base_url=mock.server.url, rate_limit=0) as client:
        page = client.get_unfilled_orders(symbol="BTCUSDT", start_time=after)
    assert [o.order_id for o in page.data] == [late[0]["orderId"]]


@pytest.mark.parametrize("mode", MODES)
def test_server_time_is_a_typed_unsigned_read(mock: MockClient, mode: str) -> None:
    answer = call(mock.server.url, mode, "get_server_time")
    assert isinstance(answer, ServerTimeResponse)
    assert abs(int(answer.data.server_time) - time.time() * 1000) < 60_000


@pytest.mark.parametrize(
    ("method", "kwargs", "field"),
    [
        ("get_order_info", {}, "order_id"),
        ("get_order_info", {"order_id": ""}, "order_id"),
        ("get_order_info", {"order_id": 123}, "order_id"),
        ("get_unfilled_orders", {"limit": 101}, "limit"),
        ("get_unfilled_orders", {"limit": 0}, "limit"),
        ("get_history_orders", {"start_time": -1}, "start_time"),
        ("get_history_orders", {"symbol": "x" * 33}, "symbol"),
    ],
)
def test_read_parameters_are_checked_against_the_contract_before_any_io(
    method: str, kwargs: dict[str, Any], field: str
) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500))
    client = BitgetClient(**CREDS, base_url="https://bitget.test", httpx_args={"transport": transport})
    with pytest.raises(BatchValidationError) as info:
        getattr(client, method)(**kwargs)
    assert info.value.field == field
    assert sent == []


def test_a_get_is_signed_over_the_sorted_query_it_sends() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"code": "00000", "msg": "success", "data": []})

    transport = httpx.MockTransport(answer)
    client = BitgetClient(**CREDS, base_url="https://bitget.test", httpx_args={"transport": transport})
    client.get_unfilled_orders(symbol="BTCUSDT", limit=20, id_less_than="5")
    (request,) = seen
    assert request.url.query == b"idLessThan=5&limit=20&symbol=BTCUSDT"
    ts = request.headers["ACCESS-TIMESTAMP"]
    expected = hmac_sign("demo-secret-key", (ts + "GET" + request.url.raw_path.decode()).encode())
    assert request.headers["ACCESS-SIGN"] == expected


def test_reads_are_retried_after_a_lost_answer(mock: MockClient) -> None:
    calls = {"n": 0}
    real = httpx.HTTPTransport()

    class LoseFirst(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            calls["n"] += 1
            if calls["n"] == 1:
                raise httpx.ReadTimeout("lost", request=request)
            return real.handle_request(request)

    order = mock.seed("BTCUSDT", 1)[0]
    kw = {"base_url": mock.server.url, "rate_limit": 0, "backoff_base_s": 0.001}
    with BitgetClient(**CREDS, **kw, httpx_args={"transport": LoseFirst()}) as client:
        assert client.get_order_info(order_id=order["orderId"]).data[0].order_id == order["orderId"]
    assert calls["n"] == 2


def test_each_operation_has_its_own_budget_from_the_contract() -> None:
    with BitgetClient("budget-ops-key", "s", "p") as client:
        for op_id, fact in facts.OPERATIONS.items():
            assert client.limiter_for(op_id).limit == fact["rate_limit"], op_id
        distinct = {id(client.limiter_for(op_id)) for op_id in facts.OPERATIONS}
        assert len(distinct) == len(facts.OPERATIONS)


def test_the_mock_limits_each_read_per_uid_independently_of_cancels() -> None:
    with MockServer(MockExchange([DEMO], Settings())) as server:
        statuses = []
        with httpx.Client(base_url=server.url) as http:
            for _ in range(25):
                path = "/api/v2/spot/trade/unfilled-orders?limit=1"
                headers = signed_headers(b"", path=path)
                headers["ACCESS-SIGN"] = _sign_get(headers["ACCESS-TIMESTAMP"], path)
                statuses.append(http.get(path, headers=headers).status_code)
            cancel = http.post(
                "/api/v2/spot/trade/batch-cancel-order",
                content=b'{"symbol":"BTCUSDT","orderList":[{"orderId":"1"}]}',
                headers=signed_headers(b'{"symbol":"BTCUSDT","orderList":[{"orderId":"1"}]}'),
            )
    assert statuses.count(200) == facts.OPERATIONS["getUnfilledOrders"]["rate_limit"]
    assert statuses.count(429) == 25 - statuses.count(200)
    assert cancel.status_code == 200  # the batch cancel budget is untouched by reads


def _sign_get(ts: str, path: str) -> str:
    return hmac_sign("demo-secret-key", (ts + "GET" + path).encode())


def test_mock_fill_and_status_filter(mock: MockClient) -> None:
    a, b, c = mock.seed("BTCUSDT", 3)
    _fill(mock, orderId=a["orderId"], fraction=0.5)
    _fill(mock, clientOid=b["clientOid"], symbol="BTCUSDT", fraction=1)
    by_status = {s: [o["orderId"] for o in mock.orders(status=s)] for s in ("live", "partially_filled", "filled")}
    assert by_status == {"live": [c["orderId"]], "partially_filled": [a["orderId"]], "filled": [b["orderId"]]}
    for bad in (
        {"orders": [{"orderId": a["orderId"], "fraction": 0}]},
        {"orders": [{"orderId": a["orderId"], "fraction": 1.5}]},
        {"orders": [{"orderId": b["orderId"], "fraction": 0.5}]},  # already filled
        {"orders": [{"orderId": "404", "fraction": 0.5}]},
        {"orders": [{"fraction": 0.5}]},
        {"orders": []},
    ):
        assert mock.http.post("/mock/fill", json=bad).status_code == 400, bad
    # A filled order cannot be cancelled any more: "does not exist", as Bitget says.
    r = mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": b["orderId"]}, {"orderId": a["orderId"]}]})
    data = r.json()["data"]
    assert [f["errorCode"] for f in data["failureList"]] == ["43001"]
    assert [s["orderId"] for s in data["successList"]] == [a["orderId"]]
