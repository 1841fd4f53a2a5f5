"""Fidelity to Bitget, judged by what Bitget sent, not by our own contract: the mock's answers carry the
keys and JSON types of the recorded real answers and documented examples kept in the contract
(`x-source` examples), and the mock checks GET signatures over the decoded query as Bitget does."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml

from .conftest import DEMO, MockClient, hmac_sign

SPEC = yaml.safe_load((Path(__file__).resolve().parent.parent / "openapi" / "openapi.yaml").read_text("utf-8"))


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def recorded(operation_id: str) -> list[dict[str, Any]]:
    """The 200 answers of an operation that the contract marks as recorded or documented (`x-source`)."""
    for item in SPEC["paths"].values():
        for op in item.values():
            if op["operationId"] == operation_id:
                content = _resolve(op["responses"]["200"])["content"]["application/json"]
                examples = [_resolve(e) for e in content.get("examples", {}).values()]
                found = [e["value"] for e in examples if "x-source" in e]
                assert found, f"{operation_id}: no recorded example in the contract"
                return found
    raise KeyError(operation_id)


def shape(item: dict[str, Any]) -> dict[str, str]:
    return {k: type(v).__name__ for k, v in item.items()}


def assert_same_shape(
    got: dict[str, Any],
    want: dict[str, Any],
    optional: frozenset[str] = frozenset(),
    nullable: frozenset[str] = frozenset(),
) -> None:
    """`got` has exactly `want`'s keys (those in `optional` may be missing or extra), each of its JSON type;
    null only where `want` has null or the key is in `nullable` (an identifier the request did not give)."""
    missing = set(want) - set(got) - optional
    extra = set(got) - set(want) - optional
    assert not missing and not extra, f"missing {sorted(missing)}, extra {sorted(extra)} in {got}"
    for key, value in got.items():
        if key not in want:
            continue
        if value is None:
            assert want[key] is None or key in nullable, f"{key}: null, recorded {shape(want)[key]}"
        elif want[key] is not None:
            assert type(value) is type(want[key]), f"{key}: {type(value).__name__}, recorded {shape(want)[key]}"


def _signed_get(mock: MockClient, path: str, params: dict[str, str], *, sign_encoded: bool = False) -> httpx.Response:
    """A GET signed as ccxt (since PR #28890) and the official SDKs sign: the URL percent-encoded, the
    signature over the same pairs decoded. `sign_encoded`: over the bytes as sent instead."""
    items = sorted(params.items())
    sent = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in items)
    signed = sent if sign_encoded else "&".join(f"{k}={v}" for k, v in items)
    ts = str(int(time.time() * 1000))
    headers = {
        "ACCESS-KEY": DEMO.api_key,
        "ACCESS-SIGN": hmac_sign("demo-secret-key", f"{ts}GET{path}{'?' if signed else ''}{signed}".encode()),
        "ACCESS-TIMESTAMP": ts,
        "ACCESS-PASSPHRASE": "demo-passphrase",
    }
    return mock.http.get(f"{path}?{sent}" if sent else path, headers=headers)


def _signed_post(mock: MockClient, path: str, payload: Any) -> httpx.Response:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    ts = str(int(time.time() * 1000))
    headers = {
        "ACCESS-KEY": DEMO.api_key,
        "ACCESS-SIGN": hmac_sign("demo-secret-key", ts.encode() + b"POST" + path.encode() + body),
        "ACCESS-TIMESTAMP": ts,
        "ACCESS-PASSPHRASE": "demo-passphrase",
        "Content-Type": "application/json",
    }
    return mock.http.post(path, content=body, headers=headers)


def _data(response: httpx.Response) -> Any:
    payload = response.json()
    assert response.status_code == 200 and payload["code"] == "00000", payload
    return payload["data"]


def _seed(mock: MockClient, client_oid: str, symbol: str = "BTCUSDT") -> dict[str, str]:
    r = mock.http.post("/mock/orders", json={"orders": [{"symbol": symbol, "clientOid": client_oid}]})
    r.raise_for_status()
    order: dict[str, str] = r.json()["orders"][0]
    return order


RESERVED = ["bot:7 x/y", "a+b $c%41&d=e", "ordre-été-✓", "!*'()~._-"]


@pytest.mark.parametrize("client_oid", RESERVED)
def test_a_query_signed_decoded_is_accepted(mock: MockClient, client_oid: str) -> None:
    order = _seed(mock, client_oid)
    data = _data(_signed_get(mock, "/api/v2/spot/trade/orderInfo", {"clientOid": client_oid}))
    assert [o["orderId"] for o in data] == [order["orderId"]]


@pytest.mark.parametrize("client_oid", [c for c in RESERVED if quote(c, safe="-_.~") != c])
def test_a_query_signed_over_its_encoded_form_is_refused_like_bitget_does(mock: MockClient, client_oid: str) -> None:
    _seed(mock, client_oid)
    r = _signed_get(mock, "/api/v2/spot/trade/orderInfo", {"clientOid": client_oid}, sign_encoded=True)
    assert (r.status_code, r.json()["code"]) == (400, "40009")


def test_a_non_ascii_symbol_is_signed_decoded(mock: MockClient) -> None:
    order = _seed(mock, "x1", symbol="龙虾USDT")
    data = _data(_signed_get(mock, "/api/v2/spot/trade/unfilled-orders", {"symbol": "龙虾USDT", "limit": "20"}))
    assert [o["orderId"] for o in data] == [order["orderId"]]
    refused = _signed_get(mock, "/api/v2/spot/trade/unfilled-orders", {"symbol": "龙虾USDT"}, sign_encoded=True)
    assert refused.json()["code"] == "40009"


def test_unfilled_orders_items_have_the_recorded_shape(mock: MockClient) -> None:
    live, part = _seed(mock, "a"), _seed(mock, "b")
    mock.http.post("/mock/fill", json={"orders": [{"orderId": part["orderId"], "fraction": 0.4}]}).raise_for_status()
    (want,) = (item for example in recorded("getUnfilledOrders") for item in example["data"])
    items = _data(_signed_get(mock, "/api/v2/spot/trade/unfilled-orders", {"symbol": "BTCUSDT"}))
    assert {o["orderId"] for o in items} == {live["orderId"], part["orderId"]}
    for item in items:
        assert_same_shape(item, want)
    partly = next(o for o in items if o["orderId"] == part["orderId"])
    # Bitget's names in this endpoint: priceAvg is the limit price, basePrice the average fill price.
    assert partly["priceAvg"] == "100" and partly["basePrice"] == "100" and partly["baseVolume"] == "0.4"


def test_history_and_order_info_items_have_the_recorded_shapes(mock: MockClient) -> None:
    filled, cancelled = _seed(mock, "f"), _seed(mock, "c")
    mock.http.post("/mock/fill", json={"orders": [{"orderId": filled["orderId"], "fraction": 1}]}).raise_for_status()
    _data(_signed_post(mock, "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT", "orderId": cancelled["orderId"]}))
    (history,) = (item for example in recorded("getHistoryOrders") for item in example["data"])
    items = {o["orderId"]: o for o in _data(_signed_get(mock, "/api/v2/spot/trade/history-orders", {}))}
    assert_same_shape(items[filled["orderId"]], history)
    # cancelReason is in the documented table, sent for cancelled orders (not in the recorded filled one).
    assert_same_shape(items[cancelled["orderId"]], history, optional=frozenset({"cancelReason"}))
    assert items[cancelled["orderId"]]["cancelReason"] == "normal_cancel"
    fee = json.loads(items[filled["orderId"]]["feeDetail"])  # a JSON-encoded string, as recorded
    assert fee["newFees"]["t"] < 0
    assert items[cancelled["orderId"]]["feeDetail"] == ""
    (info,) = (item for example in recorded("getOrderInfo") for item in example["data"])
    for oid in (filled["orderId"], cancelled["orderId"]):
        (got,) = _data(_signed_get(mock, "/api/v2/spot/trade/orderInfo", {"orderId": oid}))
        assert_same_shape(got, info)


def test_batch_cancel_items_have_the_documented_shape_with_both_identifiers(mock: MockClient) -> None:
    a, b = _seed(mock, "one"), _seed(mock, "two")
    (doc,) = recorded("batchCancelOrders")
    want_ok, want_fail = doc["data"]["successList"][0], doc["data"]["failureList"][0]
    by_oid = _data(mock.cancel({"symbol": "BTCUSDT", "orderList": [{"orderId": a["orderId"]}, {"orderId": "404"}]}))
    by_coid = _data(mock.cancel({"symbol": "BTCUSDT", "orderList": [{"clientOid": "two"}, {"clientOid": "nope"}]}))
    for data in (by_oid, by_coid):
        assert_same_shape(data["successList"][0], want_ok)
        # errorCode: in Bitget's response table (added 2023-11-16), not in its example.
        ids = frozenset({"orderId", "clientOid"})  # the one a failed item did not carry is null
        assert_same_shape(data["failureList"][0], want_fail, optional=frozenset({"errorCode"}), nullable=ids)
    assert by_oid["failureList"][0]["clientOid"] is None and by_oid["failureList"][0]["orderId"] == "404"
    assert by_coid["failureList"][0]["orderId"] is None and by_coid["failureList"][0]["clientOid"] == "nope"
    assert by_coid["successList"][0] == {"orderId": b["orderId"], "clientOid": "two"}


def test_cancel_order_answers_the_documented_shape_and_refuses_a_closed_order(mock: MockClient) -> None:
    order = _seed(mock, "single:1 x")
    (doc,) = recorded("cancelOrder")
    data = _data(
        _signed_post(mock, "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT", "clientOid": "single:1 x"})
    )
    assert_same_shape(data, doc["data"])
    assert data == {"orderId": order["orderId"], "clientOid": "single:1 x"}
    again = _signed_post(mock, "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT", "orderId": order["orderId"]})
    assert (again.status_code, again.json()["code"]) == (400, "43001")
    other = _seed(mock, "eth", symbol="ETHUSDT")
    wrong = _signed_post(mock, "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT", "orderId": other["orderId"]})
    assert wrong.json()["code"] == "43001"
    assert mock.orders(status="live") == [{"orderId": other["orderId"], "symbol": "ETHUSDT", "status": "live",
                                           "clientOid": "eth", "filledSize": "0"}]  # fmt: skip
    neither = _signed_post(mock, "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT"})
    assert neither.status_code == 400


def test_cancel_symbol_and_server_time_answers(mock: MockClient) -> None:
    _seed(mock, "s1")
    (doc,) = recorded("cancelSymbolOrders")
    data = _data(_signed_post(mock, "/api/v2/spot/trade/cancel-symbol-order", {"symbol": "BTCUSDT"}))
    assert_same_shape(data, doc["data"])
    time_answer = mock.http.get("/api/v2/public/time").json()
    assert set(time_answer) == {"code", "msg", "requestTime", "data"} and set(time_answer["data"]) == {"serverTime"}
    assert isinstance(time_answer["data"]["serverTime"], str) and time_answer["data"]["serverTime"].isdigit()
