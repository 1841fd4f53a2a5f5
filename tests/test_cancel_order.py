"""cancelOrder (single cancel) on both clients, values with reserved and non-ASCII characters signed as
Bitget checks them, and the failure item's identifiers kept in the report."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bitget_api.models import CancelOrderResponse
from bitget_sdk import BatchValidationError, BitgetAPIError

from .conftest import MockClient
from .hostile import HostileServer, Reply, Request, envelope, http
from .test_sdk_client import async_client, sync_client

MODES = ["sync", "async"]
ODD_OID = "bot:7 x/y+$%é"


def _seed(mock: MockClient, client_oid: str, symbol: str = "BTCUSDT") -> dict[str, str]:
    r = mock.http.post("/mock/orders", json={"orders": [{"symbol": symbol, "clientOid": client_oid}]})
    r.raise_for_status()
    order: dict[str, str] = r.json()["orders"][0]
    return order


def _call(url: str, mode: str, method: str, **kwargs: Any) -> Any:
    if mode == "sync":
        with sync_client(url) as client:
            return getattr(client, method)(**kwargs)

    async def run() -> Any:
        async with async_client(url) as client:
            return await getattr(client, method)(**kwargs)

    return asyncio.run(run())


@pytest.mark.parametrize("mode", MODES)
def test_cancel_order_by_either_identifier(mock: MockClient, mode: str) -> None:
    a, b = _seed(mock, "plain-1"), _seed(mock, ODD_OID)
    by_id = _call(mock.server.url, mode, "cancel_order", symbol="BTCUSDT", order_id=a["orderId"])
    by_coid = _call(mock.server.url, mode, "cancel_order", symbol="BTCUSDT", client_oid=ODD_OID)
    assert isinstance(by_id, CancelOrderResponse)
    assert (by_id.data.order_id, by_id.data.client_oid) == (a["orderId"], "plain-1")
    assert (by_coid.data.order_id, by_coid.data.client_oid) == (b["orderId"], ODD_OID)
    assert mock.orders(status="live") == []


@pytest.mark.parametrize("mode", MODES)
def test_cancel_order_of_a_closed_order_raises_43001(mock: MockClient, mode: str) -> None:
    a = _seed(mock, "x")
    _call(mock.server.url, mode, "cancel_order", symbol="BTCUSDT", order_id=a["orderId"])
    with pytest.raises(BitgetAPIError) as info:
        _call(mock.server.url, mode, "cancel_order", symbol="BTCUSDT", order_id=a["orderId"])
    assert info.value.code == "43001"


def test_cancel_order_is_checked_before_the_network() -> None:
    with sync_client("http://127.0.0.1:9") as client:
        with pytest.raises(BatchValidationError, match="order_id"):
            client.cancel_order(symbol="BTCUSDT")
        with pytest.raises(BatchValidationError, match="tpsl_type"):
            client.cancel_order(symbol="BTCUSDT", order_id="1", tpsl_type="oco")  # type: ignore[arg-type]
        with pytest.raises(BatchValidationError, match="symbol"):
            client.cancel_order(symbol="", order_id="1")


def test_raw_cancel_order(mock: MockClient) -> None:
    a = _seed(mock, "raw")
    with sync_client(mock.server.url) as client:
        raw = client.with_raw_response.cancel_order(symbol="BTCUSDT", order_id=a["orderId"])
    assert raw.http_status == 200 and raw.parsed.data.order_id == a["orderId"]


@pytest.mark.parametrize("mode", MODES)
def test_reads_with_reserved_and_non_ascii_values_are_signed_as_bitget_checks(mock: MockClient, mode: str) -> None:
    odd = _seed(mock, ODD_OID)
    lobster = _seed(mock, "l1", symbol="龙虾USDT")
    info = _call(mock.server.url, mode, "get_order_info", client_oid=ODD_OID)
    assert [o.order_id for o in info.data] == [odd["orderId"]]
    page = _call(mock.server.url, mode, "get_unfilled_orders", symbol="龙虾USDT")
    assert [o.order_id for o in page.data] == [lobster["orderId"]]
    assert page.data[0].price_avg == "100" and page.data[0].base_price == "0"  # limit price / avg fill price


@pytest.mark.parametrize("mode", MODES)
def test_a_failure_items_identifiers_are_kept_in_the_report(mode: str) -> None:
    """Bitget's failure items carry both identifiers: the report keeps the clientOid the exchange named."""

    def both_ids(req: Request, book: Any) -> Reply:
        items = req.json()["orderList"]
        failures = [
            {"orderId": i["orderId"], "clientOid": f"coid-{i['orderId']}", "errorCode": "43001",
             "errorMsg": "The order does not exist"}
            for i in items
        ]  # fmt: skip
        return http(200, envelope("00000", "success", {"successList": [], "failureList": failures}))

    with HostileServer(both_ids) as server:
        report = _call(server.url, mode, "cancel_orders", symbol="BTCUSDT", order_ids=["11", "12"])
    assert [(o.order_id, o.client_oid) for o in report.failed] == [("11", "coid-11"), ("12", "coid-12")]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("style", ["null", "empty", "absent"])
def test_a_failure_item_without_the_other_identifier_is_read_in_every_documented_form(mode: str, style: str) -> None:
    """Bitget's examples give `""` for the identifier a request did not carry, one observation `null`;
    an absent key is the third form a client must take (facts A6)."""

    def one_id(req: Request, book: Any) -> Reply:
        failures = []
        for item in req.json()["orderList"]:
            failure = {"orderId": item["orderId"], "errorCode": "43001", "errorMsg": "The order does not exist"}
            if style != "absent":
                failure["clientOid"] = None if style == "null" else ""
            failures.append(failure)
        return http(200, envelope("00000", "success", {"successList": [], "failureList": failures}))

    with HostileServer(one_id) as server:
        report = _call(server.url, mode, "cancel_orders", symbol="BTCUSDT", order_ids=["21", "22"])
    assert [(o.order_id, o.client_oid, o.error_code) for o in report.failed] == [
        ("21", None, "43001"),
        ("22", None, "43001"),
    ]
    assert not report.unknown and not report.cancelled


def test_a_tpsl_order_is_cancelled_by_order_id_without_a_symbol(mock: MockClient) -> None:
    """Bitget's table: `symbol` is not required when tpslType is tpsl, and `orderId` then is."""
    r = mock.http.post(
        "/mock/orders", json={"orders": [{"symbol": "BTCUSDT", "clientOid": "tp-1", "tpslType": "tpsl"}]}
    )
    order = r.json()["orders"][0]
    with sync_client(mock.server.url) as client:
        with pytest.raises(BatchValidationError, match="order_id: is required when tpsl_type is 'tpsl'"):
            client.cancel_order(client_oid="tp-1", tpsl_type="tpsl")
        with pytest.raises(BatchValidationError, match="symbol: is required unless tpsl_type is 'tpsl'"):
            client.cancel_order(order_id=order["orderId"])
        with pytest.raises(BitgetAPIError) as normal:  # a normal cancel does not find a tpsl order
            client.cancel_order(symbol="BTCUSDT", order_id=order["orderId"])
        assert normal.value.code == "43001"
        done = client.cancel_order(order_id=order["orderId"], tpsl_type="tpsl")
    assert done.data.order_id == order["orderId"]
    assert mock.orders(status="cancelled")[0]["orderId"] == order["orderId"]
