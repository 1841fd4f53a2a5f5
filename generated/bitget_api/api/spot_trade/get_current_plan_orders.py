from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.locale import Locale
from ...models.pap_trading import PapTrading
from ...models.plan_order_page_response import PlanOrderPageResponse
from ...types import UNSET, Response, Unset


def build_request(
    *,
    symbol: str | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
    id_less_than: str | Unset = UNSET,
    limit: int | Unset = 20,
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

    params["symbol"] = symbol

    params["startTime"] = start_time

    params["endTime"] = end_time

    params["idLessThan"] = id_less_than

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v2/spot/trade/current-plan-order",
        "params": dict(sorted(params.items())),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PlanOrderPageResponse | None:
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
) -> ErrorResponse | PlanOrderPageResponse | None:
    if response.status_code == 200:
        response_200 = PlanOrderPageResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | PlanOrderPageResponse]:
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
    symbol: str | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
    id_less_than: str | Unset = UNSET,
    limit: int | Unset = 20,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> Response[ErrorResponse | PlanOrderPageResponse]:
    """Open plan (trigger) orders, newest first

     Lists the plan (trigger) orders not yet triggered, newest first, at most `limit` (≤ 100, 20 by
    default) a page; the next page: `idLessThan` = the page's `data.idLessThan` (while
    `data.nextFlag`). A plan order lives apart from the ordinary orders: `unfilled-orders` does not
    list it and `batch-cancel-order` does not cancel it, and when its trigger fires it places an
    ordinary order. A cancel-all that leaves plan orders lets new orders appear mid-incident.

    Args:
        symbol (str | Unset):
        start_time (int | Unset):
        end_time (int | Unset):
        id_less_than (str | Unset):
        limit (int | Unset):  Default: 20.
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PlanOrderPageResponse]
    """

    kwargs = build_request(
        symbol=symbol,
        start_time=start_time,
        end_time=end_time,
        id_less_than=id_less_than,
        limit=limit,
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
    symbol: str | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
    id_less_than: str | Unset = UNSET,
    limit: int | Unset = 20,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> ErrorResponse | PlanOrderPageResponse | None:
    """Open plan (trigger) orders, newest first

     Lists the plan (trigger) orders not yet triggered, newest first, at most `limit` (≤ 100, 20 by
    default) a page; the next page: `idLessThan` = the page's `data.idLessThan` (while
    `data.nextFlag`). A plan order lives apart from the ordinary orders: `unfilled-orders` does not
    list it and `batch-cancel-order` does not cancel it, and when its trigger fires it places an
    ordinary order. A cancel-all that leaves plan orders lets new orders appear mid-incident.

    Args:
        symbol (str | Unset):
        start_time (int | Unset):
        end_time (int | Unset):
        id_less_than (str | Unset):
        limit (int | Unset):  Default: 20.
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PlanOrderPageResponse
    """

    return sync_detailed(
        client=client,
        symbol=symbol,
        start_time=start_time,
        end_time=end_time,
        id_less_than=id_less_than,
        limit=limit,
        locale=locale,
        paptrading=paptrading,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    symbol: str | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
    id_less_than: str | Unset = UNSET,
    limit: int | Unset = 20,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> Response[ErrorResponse | PlanOrderPageResponse]:
    """Open plan (trigger) orders, newest first

     Lists the plan (trigger) orders not yet triggered, newest first, at most `limit` (≤ 100, 20 by
    default) a page; the next page: `idLessThan` = the page's `data.idLessThan` (while
    `data.nextFlag`). A plan order lives apart from the ordinary orders: `unfilled-orders` does not
    list it and `batch-cancel-order` does not cancel it, and when its trigger fires it places an
    ordinary order. A cancel-all that leaves plan orders lets new orders appear mid-incident.

    Args:
        symbol (str | Unset):
        start_time (int | Unset):
        end_time (int | Unset):
        id_less_than (str | Unset):
        limit (int | Unset):  Default: 20.
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PlanOrderPageResponse]
    """

    kwargs = build_request(
        symbol=symbol,
        start_time=start_time,
        end_time=end_time,
        id_less_than=id_less_than,
        limit=limit,
        locale=locale,
        paptrading=paptrading,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    symbol: str | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
    id_less_than: str | Unset = UNSET,
    limit: int | Unset = 20,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> ErrorResponse | PlanOrderPageResponse | None:
    """Open plan (trigger) orders, newest first

     Lists the plan (trigger) orders not yet triggered, newest first, at most `limit` (≤ 100, 20 by
    default) a page; the next page: `idLessThan` = the page's `data.idLessThan` (while
    `data.nextFlag`). A plan order lives apart from the ordinary orders: `unfilled-orders` does not
    list it and `batch-cancel-order` does not cancel it, and when its trigger fires it places an
    ordinary order. A cancel-all that leaves plan orders lets new orders appear mid-incident.

    Args:
        symbol (str | Unset):
        start_time (int | Unset):
        end_time (int | Unset):
        id_less_than (str | Unset):
        limit (int | Unset):  Default: 20.
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PlanOrderPageResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            symbol=symbol,
            start_time=start_time,
            end_time=end_time,
            id_less_than=id_less_than,
            limit=limit,
            locale=locale,
            paptrading=paptrading,
        )
    ).parsed
