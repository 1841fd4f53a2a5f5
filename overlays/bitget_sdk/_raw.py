"""`client.with_raw_response.<operation>(...)`: the same calls, answered with the HTTP status, headers
and `requestTime` beside the parsed model (openai-python's pattern). Errors raise as usual, and carry
`.http_status`, `.headers` and `.request_time` themselves.

The requests are built by the same checks (`_params`) and sent by the same runtime core as the plain
methods; only what comes back differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, Unpack

import attrs

from bitget_api.models import (
    BatchCancelOrderItem,
    BatchCancelResponse,
    CancelOrderResponse,
    CancelSymbolResponse,
    OrderListResponse,
    ServerTimeResponse,
    UnfilledOrderListResponse,
)

from ._batching import OrderItem
from ._operations import (
    BATCH_CANCEL,
    CANCEL_ORDER,
    CANCEL_SYMBOL,
    HISTORY_ORDERS,
    ORDER_INFO,
    SERVER_TIME,
    UNFILLED_ORDERS,
)
from ._params import (
    RequestOptions,
    batch_cancel_body,
    cancel_order_request,
    cancel_symbol_request,
    order_info_params,
    page_query,
)

if TYPE_CHECKING:
    from ._client import AsyncBitgetClient, BitgetClient

T = TypeVar("T")


@attrs.frozen
class RawResponse(Generic[T]):
    """An operation's answer with its HTTP details. `headers`: as received, any secret a server echoed
    scrubbed; `request_time`: the envelope's `requestTime` (the exchange's clock, ms); `attempts`: how
    many attempts the call made (retries included); `elapsed_s`: the last attempt's duration."""

    http_status: int
    headers: Mapping[str, str]
    parsed: T
    request_time: int | None
    attempts: int
    elapsed_s: float


class RawOperations:
    """`BitgetClient.with_raw_response`: every operation of the contract, answered as a `RawResponse`."""

    def __init__(self, client: BitgetClient) -> None:
        self._client = client

    def batch_cancel_orders(
        self,
        *,
        symbol: str | None = None,
        batch_mode: Literal["single", "multiple"] | None = None,
        order_list: Sequence[OrderItem | Mapping[str, str] | BatchCancelOrderItem],
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchCancelResponse]:
        body = batch_cancel_body(symbol, batch_mode, order_list)
        return self._client._op_raw(BATCH_CANCEL, options, body=body)

    def get_server_time(self, **options: Unpack[RequestOptions]) -> RawResponse[ServerTimeResponse]:
        return self._client._op_raw(SERVER_TIME, options)

    def get_order_info(
        self,
        *,
        order_id: str | None = None,
        client_oid: str | None = None,
        request_time: int | None = None,
        receive_window: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[OrderListResponse]:
        params = order_info_params(order_id, client_oid, request_time=request_time, receive_window=receive_window)
        return self._client._op_raw(ORDER_INFO, options, **params)

    def get_unfilled_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        id_less_than: str | None = None,
        limit: int | None = None,
        order_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[UnfilledOrderListResponse]:
        query = page_query(UNFILLED_ORDERS, symbol, start_time, end_time, id_less_than, limit, order_id)
        return self._client._op_raw(UNFILLED_ORDERS, options, **query)

    def get_history_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        id_less_than: str | None = None,
        limit: int | None = None,
        order_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[OrderListResponse]:
        query = page_query(HISTORY_ORDERS, symbol, start_time, end_time, id_less_than, limit, order_id)
        return self._client._op_raw(HISTORY_ORDERS, options, **query)

    def cancel_order(
        self,
        *,
        symbol: str,
        order_id: str | None = None,
        client_oid: str | None = None,
        tpsl_type: Literal["normal", "tpsl"] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[CancelOrderResponse]:
        body = cancel_order_request(symbol, order_id, client_oid, tpsl_type)
        return self._client._op_raw(CANCEL_ORDER, options, body=body)

    def cancel_symbol_orders(
        self, *, symbol: str, **options: Unpack[RequestOptions]
    ) -> RawResponse[CancelSymbolResponse]:
        body = cancel_symbol_request(symbol)
        return self._client._op_raw(CANCEL_SYMBOL, options, body=body)


class AsyncRawOperations:
    """`AsyncBitgetClient.with_raw_response`: see `RawOperations`."""

    def __init__(self, client: AsyncBitgetClient) -> None:
        self._client = client

    async def batch_cancel_orders(
        self,
        *,
        symbol: str | None = None,
        batch_mode: Literal["single", "multiple"] | None = None,
        order_list: Sequence[OrderItem | Mapping[str, str] | BatchCancelOrderItem],
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchCancelResponse]:
        body = batch_cancel_body(symbol, batch_mode, order_list)
        return await self._client._op_raw(BATCH_CANCEL, options, body=body)

    async def get_server_time(self, **options: Unpack[RequestOptions]) -> RawResponse[ServerTimeResponse]:
        return await self._client._op_raw(SERVER_TIME, options)

    async def get_order_info(
        self,
        *,
        order_id: str | None = None,
        client_oid: str | None = None,
        request_time: int | None = None,
        receive_window: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[OrderListResponse]:
        params = order_info_params(order_id, client_oid, request_time=request_time, receive_window=receive_window)
        return await self._client._op_raw(ORDER_INFO, options, **params)

    async def get_unfilled_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        id_less_than: str | None = None,
        limit: int | None = None,
        order_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[UnfilledOrderListResponse]:
        query = page_query(UNFILLED_ORDERS, symbol, start_time, end_time, id_less_than, limit, order_id)
        return await self._client._op_raw(UNFILLED_ORDERS, options, **query)

    async def get_history_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        id_less_than: str | None = None,
        limit: int | None = None,
        order_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[OrderListResponse]:
        query = page_query(HISTORY_ORDERS, symbol, start_time, end_time, id_less_than, limit, order_id)
        return await self._client._op_raw(HISTORY_ORDERS, options, **query)

    async def cancel_order(
        self,
        *,
        symbol: str,
        order_id: str | None = None,
        client_oid: str | None = None,
        tpsl_type: Literal["normal", "tpsl"] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[CancelOrderResponse]:
        body = cancel_order_request(symbol, order_id, client_oid, tpsl_type)
        return await self._client._op_raw(CANCEL_ORDER, options, body=body)

    async def cancel_symbol_orders(
        self, *, symbol: str, **options: Unpack[RequestOptions]
    ) -> RawResponse[CancelSymbolResponse]:
        body = cancel_symbol_request(symbol)
        return await self._client._op_raw(CANCEL_SYMBOL, options, body=body)


def raw_response(
    parsed: Any, status: int | None, headers: Mapping[str, str], stamp: int | None, n: int, elapsed: float
) -> RawResponse[Any]:
    return RawResponse(status if status is not None else 200, headers, parsed, stamp, n, elapsed)
