from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.server_time_response import ServerTimeResponse
from ...types import Response


def build_request() -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation (method, url, params, json, headers).

    Public so that a runtime layer (signing, limiting, retrying) can send the request itself. Query
    parameters are sorted by name, so the query string sent (and signed) is the same for every client.
    """

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v2/public/time",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ServerTimeResponse | None:
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
) -> ErrorResponse | ServerTimeResponse | None:
    if response.status_code == 200:
        response_200 = ServerTimeResponse.from_dict(response.json())

        return response_200

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
) -> Response[ErrorResponse | ServerTimeResponse]:
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
) -> Response[ErrorResponse | ServerTimeResponse]:
    """Server time

     The exchange's clock, in milliseconds since the Unix epoch (a decimal string). Clients
    measure their offset with it, since a signed request's `ACCESS-TIMESTAMP` must be within
    the server's window (code `40008` otherwise). Needs no signature.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ServerTimeResponse]
    """

    kwargs = build_request()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | ServerTimeResponse | None:
    """Server time

     The exchange's clock, in milliseconds since the Unix epoch (a decimal string). Clients
    measure their offset with it, since a signed request's `ACCESS-TIMESTAMP` must be within
    the server's window (code `40008` otherwise). Needs no signature.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ServerTimeResponse
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorResponse | ServerTimeResponse]:
    """Server time

     The exchange's clock, in milliseconds since the Unix epoch (a decimal string). Clients
    measure their offset with it, since a signed request's `ACCESS-TIMESTAMP` must be within
    the server's window (code `40008` otherwise). Needs no signature.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ServerTimeResponse]
    """

    kwargs = build_request()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorResponse | ServerTimeResponse | None:
    """Server time

     The exchange's clock, in milliseconds since the Unix epoch (a decimal string). Clients
    measure their offset with it, since a signed request's `ACCESS-TIMESTAMP` must be within
    the server's window (code `40008` otherwise). Needs no signature.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ServerTimeResponse
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
