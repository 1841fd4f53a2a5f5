"""The generated client: its shape, and lossless round trips of every documented example."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest

from bitget_api.api.spot_trade import batch_cancel_orders
from bitget_api.models import (
    BatchCancelFailureItem,
    BatchCancelOrderItem,
    BatchCancelRequest,
    BatchCancelResponse,
    ErrorResponse,
)

from .spec_support import examples_for, load_spec

SPEC = load_spec()


def test_operation_has_sync_and_async_calls() -> None:
    for name in ["sync", "sync_detailed"]:
        assert callable(getattr(batch_cancel_orders, name))
    for name in ["asyncio", "asyncio_detailed"]:
        assert inspect.iscoroutinefunction(getattr(batch_cancel_orders, name))
    params = inspect.signature(batch_cancel_orders.sync_detailed).parameters
    # Credentials are security schemes, injected by the signer, never per-call arguments.
    assert set(params) == {"client", "body", "locale", "paptrading"}


def test_order_item_stays_typed() -> None:
    # The "orderId or clientOid" rule must not turn the item into Any (it does with anyOf).
    fields = {a.name: a.type for a in BatchCancelOrderItem.__attrs_attrs__}  # type: ignore[attr-defined]
    assert set(fields) == {"symbol", "order_id", "client_oid"}


@pytest.mark.parametrize(("name", "value"), sorted(examples_for(SPEC, "request").items()))
def test_request_examples_round_trip(name: str, value: dict[str, Any]) -> None:
    assert BatchCancelRequest.from_dict(value).to_dict() == value


@pytest.mark.parametrize(("name", "value"), sorted(examples_for(SPEC, "200").items()))
def test_success_examples_round_trip(name: str, value: dict[str, Any]) -> None:
    parsed = BatchCancelResponse.from_dict(value)
    assert parsed.to_dict() == value
    assert len(parsed.data.success_list) == len(value["data"]["successList"])
    assert len(parsed.data.failure_list) == len(value["data"]["failureList"])


@pytest.mark.parametrize(
    ("status", "name", "value"),
    [(s, n, v) for s in ["400", "401", "429", "5XX"] for n, v in sorted(examples_for(SPEC, s).items())],
)
def test_error_examples_round_trip(status: str, name: str, value: dict[str, Any]) -> None:
    parsed = ErrorResponse.from_dict(value)
    assert parsed.data is None
    assert parsed.to_dict() == value


@pytest.mark.parametrize("request_time", [1695808949356, "1695808949356"])
def test_request_time_as_integer_and_string(request_time: int | str) -> None:
    value = {
        "code": "00000",
        "msg": "success",
        "requestTime": request_time,
        "data": {"successList": [], "failureList": []},
    }
    parsed = BatchCancelResponse.from_dict(value)
    assert parsed.request_time == request_time
    assert parsed.to_dict() == value


def test_failure_item_without_error_code_and_unknown_fields_survive() -> None:
    # errorCode is in the doc's table but not its example; fields Bitget adds later must not be lost.
    value = {"orderId": "1", "clientOid": "xxx001", "errorMsg": "duplicate clientOrderId", "newField": 7}
    item = BatchCancelFailureItem.from_dict(value)
    assert item.error_msg == "duplicate clientOrderId"
    assert item.to_dict() == value


@pytest.mark.parametrize(
    ("status", "content"),
    [(520, b"<html>origin unreachable</html>"), (502, b"Bad Gateway"), (200, b"not json"), (499, b"")],
)
def test_generated_calls_survive_gateway_answers(status: int, content: bytes) -> None:
    # Our template fixes openapi-python-client #1442: non-IANA statuses and non-JSON bodies give a
    # Response with parsed=None instead of a ValueError from HTTPStatus() or response.json().
    from bitget_api import Client
    from bitget_api.api.spot_trade import get_unfilled_orders

    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=content))
    client = Client(base_url="https://bitget.test", httpx_args={"transport": transport})
    response = get_unfilled_orders.sync_detailed(client=client, symbol="BTCUSDT")
    assert int(response.status_code) == status
    assert response.parsed is None
    assert response.content == content


def test_build_request_is_public_and_sorts_the_query() -> None:
    from bitget_api.api.spot_trade import get_unfilled_orders

    kwargs = get_unfilled_orders.build_request(symbol="BTCUSDT", limit=20, id_less_than="7")
    assert kwargs["method"] == "get"
    assert list(kwargs["params"]) == ["idLessThan", "limit", "symbol"]
