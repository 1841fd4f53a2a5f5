from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.symbol_list_response import SymbolListResponse
from ...types import UNSET, Response, Unset


def build_request(
    *,
    symbol: str | Unset = UNSET,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation (method, url, params, json, headers).

    Public so that a runtime layer (signing, limiting, retrying) can send the request itself. Query
    parameters are sorted by name, so the query string sent (and signed) is the same for every client.
    """

    params: dict[str, Any] = {}

    params["symbol"] = symbol

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v2/spot/public/symbols",
        "params": dict(sorted(params.items())),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SymbolListResponse | None:
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
) -> ErrorResponse | SymbolListResponse | None:
    if response.status_code == 200:
        response_200 = SymbolListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

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
) -> Response[ErrorResponse | SymbolListResponse]:
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
) -> Response[ErrorResponse | SymbolListResponse]:
    """Spot symbols (trading pairs) the exchange lists

     Every spot trading pair the exchange lists, or the one `symbol` names. Needs no signature.
    Symbols are upper case without a separator (`BTCUSDT`); a symbol not in this list has no
    orders to cancel, so clients refuse it before sending any cancel (`btcusdt` is not
    `BTCUSDT`). What Bitget answers to `symbol=` of a pair it does not list is not documented:
    clients read the whole list.

    Args:
        symbol (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SymbolListResponse]
    """

    kwargs = build_request(
        symbol=symbol,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    symbol: str | Unset = UNSET,
) -> ErrorResponse | SymbolListResponse | None:
    """Spot symbols (trading pairs) the exchange lists

     Every spot trading pair the exchange lists, or the one `symbol` names. Needs no signature.
    Symbols are upper case without a separator (`BTCUSDT`); a symbol not in this list has no
    orders to cancel, so clients refuse it before sending any cancel (`btcusdt` is not
    `BTCUSDT`). What Bitget answers to `symbol=` of a pair it does not list is not documented:
    clients read the whole list.

    Args:
        symbol (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SymbolListResponse
    """

    return sync_detailed(
        client=client,
        symbol=symbol,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    symbol: str | Unset = UNSET,
) -> Response[ErrorResponse | SymbolListResponse]:
    """Spot symbols (trading pairs) the exchange lists

     Every spot trading pair the exchange lists, or the one `symbol` names. Needs no signature.
    Symbols are upper case without a separator (`BTCUSDT`); a symbol not in this list has no
    orders to cancel, so clients refuse it before sending any cancel (`btcusdt` is not
    `BTCUSDT`). What Bitget answers to `symbol=` of a pair it does not list is not documented:
    clients read the whole list.

    Args:
        symbol (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SymbolListResponse]
    """

    kwargs = build_request(
        symbol=symbol,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    symbol: str | Unset = UNSET,
) -> ErrorResponse | SymbolListResponse | None:
    """Spot symbols (trading pairs) the exchange lists

     Every spot trading pair the exchange lists, or the one `symbol` names. Needs no signature.
    Symbols are upper case without a separator (`BTCUSDT`); a symbol not in this list has no
    orders to cancel, so clients refuse it before sending any cancel (`btcusdt` is not
    `BTCUSDT`). What Bitget answers to `symbol=` of a pair it does not list is not documented:
    clients read the whole list.

    Args:
        symbol (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SymbolListResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            symbol=symbol,
        )
    ).parsed
