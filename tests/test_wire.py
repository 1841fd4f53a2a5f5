"""The SDK's own send path (`_wire`): what `httpx.Client.send` did for a Bitget call is still done —
the client's mounts pick the transport, its default headers and hooks apply, each attempt is signed
once over the bytes sent, a closed client refuses — and what the API does not use is dropped (cookies)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest

from bitget_api.api.spot_trade import batch_cancel_orders
from bitget_api.models import BatchCancelOrderItem, BatchCancelRequest, BatchCancelSuccessItem
from bitget_sdk import AsyncBitgetClient, BatchValidationError, BitgetClient

CREDS: dict[str, Any] = {"api_key": "bg_wire_key", "secret_key": "wire-secret", "passphrase": "wire-pass"}
OK = {"code": "00000", "msg": "success", "requestTime": 1, "data": {"successList": [], "failureList": []}}


def _answer(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    ids = [{"orderId": item["orderId"], "clientOid": ""} for item in body["orderList"]]
    data = {**OK, "data": {"successList": ids, "failureList": []}}
    return httpx.Response(200, json=data, headers={"Set-Cookie": "session=stolen; Path=/"})


def _expected_sign(request: httpx.Request) -> str:
    ts = request.headers["ACCESS-TIMESTAMP"]
    message = ts.encode() + request.method.encode() + request.url.raw_path + request.content
    return base64.b64encode(hmac.new(b"wire-secret", message, hashlib.sha256).digest()).decode()


def test_mounts_pick_the_transport_and_each_attempt_is_signed_once_over_the_bytes_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _answer(request) if len(seen) > 1 else httpx.Response(429, json={"code": "429", "msg": "slow down"})

    mounts = {"https://bitget.test": httpx.MockTransport(handler)}
    with BitgetClient(
        **CREDS, base_url="https://bitget.test", backoff_base_s=0.001, httpx_args={"mounts": mounts}
    ) as client:
        answer = client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}, {"orderId": "2"}])
    assert [item.order_id for item in answer.data.success_list] == ["1", "2"]
    assert len(seen) == 2
    for request in seen:
        assert request.headers.get_list("ACCESS-KEY") == ["bg_wire_key"]
        assert request.headers.get_list("ACCESS-SIGN") == [_expected_sign(request)]
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["User-Agent"].startswith("bitget-batch-cancel/")
        assert json.loads(request.content) == {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}, {"orderId": "2"}]}
        assert request.extensions["timeout"]["read"] == 10.0


def test_server_cookies_are_not_sent_back() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _answer(request)

    transport = httpx.MockTransport(handler)
    with BitgetClient(**CREDS, base_url="https://bitget.test", httpx_args={"transport": transport}) as client:
        client.cancel_orders(symbol="BTCUSDT", order_ids=["1"], settle=False)
        client.cancel_orders(symbol="BTCUSDT", order_ids=["2"], settle=False)
    assert len(seen) == 2 and "cookie" not in seen[1].headers


def test_a_closed_client_refuses_to_send() -> None:
    transport = httpx.MockTransport(_answer)
    client = BitgetClient(**CREDS, base_url="https://bitget.test", httpx_args={"transport": transport})
    client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])


def test_async_client_sends_through_its_mounts_signed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _answer(request)

    async def main() -> list[str]:
        mounts = {"https://bitget.test": httpx.MockTransport(handler)}
        async with AsyncBitgetClient(**CREDS, base_url="https://bitget.test", httpx_args={"mounts": mounts}) as c:
            report = await c.cancel_orders(symbol="BTCUSDT", order_ids=["7", "8"], settle=False)
        return sorted(o.order_id or "" for o in report.cancelled)

    assert asyncio.run(main()) == ["7", "8"]
    assert len(seen) == 1 and seen[0].headers["ACCESS-SIGN"] == _expected_sign(seen[0])


def test_generated_builder_sends_a_checked_mapping_as_the_model_would() -> None:
    model = BatchCancelRequest(
        order_list=[BatchCancelOrderItem(order_id="1"), BatchCancelOrderItem(order_id="2")], symbol="BTCUSDT"
    )
    as_dict = model.to_dict()
    assert batch_cancel_orders.build_request(body=as_dict)["json"] is as_dict
    assert batch_cancel_orders.build_request(body=model)["json"] == as_dict


def test_generated_from_dict_keeps_unknown_keys_apart_and_requires_required_ones() -> None:
    item = BatchCancelSuccessItem.from_dict({"orderId": "1", "clientOid": "c", "extra": 5})
    assert (item.order_id, item.client_oid, item.additional_properties) == ("1", "c", {"extra": 5})
    plain = BatchCancelSuccessItem.from_dict({"orderId": "1"})
    assert plain == BatchCancelSuccessItem(order_id="1") and plain.additional_properties == {}
    with pytest.raises(KeyError):
        BatchCancelRequest.from_dict({"symbol": "BTCUSDT"})  # orderList is required


@pytest.mark.parametrize(
    ("order_list", "field"),
    [
        ([{"orderId": "1"}, {"clientOid": "x"}], "orderList[1].orderId"),  # mixed identifiers
        ([{"orderId": "1"}, {"orderId": ""}], "orderList[1].orderId"),
        ([{"orderId": "1"}, {"orderId": 2}], "orderList[1].orderId"),
        ([{"orderId": "1"}, {"orderId": "1", "price": "3"}], "orderList[1].price"),
        ([{"orderId": "1"}, "2"], "orderList[1]"),
        ([{"orderId": "1"}, {"orderId": "\ud800"}], "orderList[1].orderId"),
        ([{"orderId": str(i)} for i in range(51)], "orderList"),
    ],
)
def test_a_batch_the_quick_check_refuses_is_named_by_the_full_one(order_list: list[Any], field: str) -> None:
    transport = httpx.MockTransport(lambda request: pytest.fail("nothing may be sent"))
    with (
        BitgetClient(**CREDS, base_url="https://bitget.test", httpx_args={"transport": transport}) as client,
        pytest.raises(BatchValidationError) as info,
    ):
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=order_list)
    assert info.value.field == field
