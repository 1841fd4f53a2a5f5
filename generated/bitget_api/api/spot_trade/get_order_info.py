from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.locale import Locale
from ...models.order_info_query import OrderInfoQuery
from ...models.order_list_response import OrderListResponse
from ...models.pap_trading import PapTrading
from ...types import UNSET, Response, Unset


def build_request(
    *,
    order: OrderInfoQuery,
    request_time: int | Unset = UNSET,
    receive_window: int | Unset = UNSET,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation (method, url, params, json, headers).

    Public so that a runtime layer (signing, limiting, retrying) can send the request itself. Query
    parameters are sorted by name, so the query string sent (and signed) is the same for every client.
    """
    headers: dict[str, Any] = {}
    if not isinstance(locale, Unset):
        headers["locale"] = str(locale)

    if not isinstance(paptrading, Unset):
        headers["PAPTRADING"] = str(paptrading)

    params: dict[str, Any] = {}

    json_order = order.to_dict()
    params.update(json_order)

    params["requestTime"] = request_time

    params["receiveWindow"] = receive_window

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v2/spot/trade/orderInfo",
        "params": dict(sorted(params.items())),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | OrderListResponse | None:
    try:
        return _parse_known(client=client, response=response)
    except (ValueError, KeyError, TypeError):
        # A gateway's non-JSON 5xx, or JSON of another shape: not a documented answer.
        if client.raise_on_unexpected_status:
            raise errors.UnexpectedStatus(
                response.status_code, response.content
            ) from None
        return None


def _parse_known(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | OrderListResponse | None:
    if response.status_code == 200:
        response_200 = OrderListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = ErrorResponse.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | OrderListResponse]:
    try:
        status_code = HTTPStatus(response.status_code)
    except (
        ValueError
    ):  # statuses outside IANA's list (520, 499, ...) that gateways send
        status_code = cast(HTTPStatus, response.status_code)
    return Response(
        status_code=status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    order: OrderInfoQuery,
    request_time: int | Unset = UNSET,
    receive_window: int | Unset = UNSET,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> Response[ErrorResponse | OrderListResponse]:
    """One order's state, by orderId or clientOid

     Reads one order. Give `orderId` or `clientOid` (one is required; with both, `orderId` is
    used). `data` is an array: one order, or empty when none is found.

    * **By clientOid only while unfilled.** A lookup by `clientOid` finds an order only while
      it is open (`live`, `partially_filled`); a filled or cancelled order can come back
      empty. By `orderId`, every status is found.
    * **Read-after-write lag.** A state change may reach this endpoint with a delay: a
      "not found" right after a lost cancel proves nothing; read again within a bounded time.

    Args:
        order (OrderInfoQuery): The identifier of the order to read; `orderId` or `clientOid` is
            required.
        request_time (int | Unset):
        receive_window (int | Unset):
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | OrderListResponse]
    """

    kwargs = build_request(
        order=order,
        request_time=request_time,
        receive_window=receive_window,
        locale=locale,
        paptrading=paptrading,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    order: OrderInfoQuery,
    request_time: int | Unset = UNSET,
    receive_window: int | Unset = UNSET,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> ErrorResponse | OrderListResponse | None:
    """One order's state, by orderId or clientOid

     Reads one order. Give `orderId` or `clientOid` (one is required; with both, `orderId` is
    used). `data` is an array: one order, or empty when none is found.

    * **By clientOid only while unfilled.** A lookup by `clientOid` finds an order only while
      it is open (`live`, `partially_filled`); a filled or cancelled order can come back
      empty. By `orderId`, every status is found.
    * **Read-after-write lag.** A state change may reach this endpoint with a delay: a
      "not found" right after a lost cancel proves nothing; read again within a bounded time.

    Args:
        order (OrderInfoQuery): The identifier of the order to read; `orderId` or `clientOid` is
            required.
        request_time (int | Unset):
        receive_window (int | Unset):
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | OrderListResponse
    """

    return sync_detailed(
        client=client,
        order=order,
        request_time=request_time,
        receive_window=receive_window,
        locale=locale,
        paptrading=paptrading,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    order: OrderInfoQuery,
    request_time: int | Unset = UNSET,
    receive_window: int | Unset = UNSET,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> Response[ErrorResponse | OrderListResponse]:
    """One order's state, by orderId or clientOid

     Reads one order. Give `orderId` or `clientOid` (one is required; with both, `orderId` is
    used). `data` is an array: one order, or empty when none is found.

    * **By clientOid only while unfilled.** A lookup by `clientOid` finds an order only while
      it is open (`live`, `partially_filled`); a filled or cancelled order can come back
      empty. By `orderId`, every status is found.
    * **Read-after-write lag.** A state change may reach this endpoint with a delay: a
      "not found" right after a lost cancel proves nothing; read again within a bounded time.

    Args:
        order (OrderInfoQuery): The identifier of the order to read; `orderId` or `clientOid` is
            required.
        request_time (int | Unset):
        receive_window (int | Unset):
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | OrderListResponse]
    """

    kwargs = build_request(
        order=order,
        request_time=request_time,
        receive_window=receive_window,
        locale=locale,
        paptrading=paptrading,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    order: OrderInfoQuery,
    request_time: int | Unset = UNSET,
    receive_window: int | Unset = UNSET,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> ErrorResponse | OrderListResponse | None:
    """One order's state, by orderId or clientOid

     Reads one order. Give `orderId` or `clientOid` (one is required; with both, `orderId` is
    used). `data` is an array: one order, or empty when none is found.

    * **By clientOid only while unfilled.** A lookup by `clientOid` finds an order only while
      it is open (`live`, `partially_filled`); a filled or cancelled order can come back
      empty. By `orderId`, every status is found.
    * **Read-after-write lag.** A state change may reach this endpoint with a delay: a
      "not found" right after a lost cancel proves nothing; read again within a bounded time.

    Args:
        order (OrderInfoQuery): The identifier of the order to read; `orderId` or `clientOid` is
            required.
        request_time (int | Unset):
        receive_window (int | Unset):
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | OrderListResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            order=order,
            request_time=request_time,
            receive_window=receive_window,
            locale=locale,
            paptrading=paptrading,
        )
    ).parsed
