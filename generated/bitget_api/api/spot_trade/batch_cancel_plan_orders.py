from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_cancel_plan_request import BatchCancelPlanRequest
from ...models.batch_cancel_plan_response import BatchCancelPlanResponse
from ...models.error_response import ErrorResponse
from ...models.locale import Locale
from ...models.pap_trading import PapTrading
from ...types import UNSET, Response, Unset


def build_request(
    *,
    body: BatchCancelPlanRequest,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> dict[str, Any]:
    """The keyword arguments of `httpx.Client.request` for this operation (method, url, params, json, headers).

    Public so that a runtime layer (signing, limiting, retrying) can send the request itself. Query
    parameters are sorted by name, so the query string sent (and signed) is the same for every client.
    `body` is the model, or its JSON object as a mapping, sent as given: the caller has checked it
    against the contract (the model is not a check either: the generated models check no constraints).
    """
    headers: dict[str, Any] = {}
    if not isinstance(locale, Unset):
        headers["locale"] = str(locale)

    if not isinstance(paptrading, Unset):
        headers["PAPTRADING"] = str(paptrading)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v2/spot/trade/batch-cancel-plan-order",
    }

    _kwargs["json"] = body if isinstance(body, Mapping) else body.to_dict()
    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchCancelPlanResponse | ErrorResponse | None:
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
) -> BatchCancelPlanResponse | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BatchCancelPlanResponse.from_dict(response.json())

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
) -> Response[BatchCancelPlanResponse | ErrorResponse]:
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
    client: AuthenticatedClient,
    body: BatchCancelPlanRequest,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> Response[BatchCancelPlanResponse | ErrorResponse]:
    """Cancel every plan (trigger) order of some symbols, or of the account

     Cancels the plan orders not yet triggered of the symbols in `symbolList`, or **every spot plan
    order of the account** when `symbolList` is absent. The answer lists what was cancelled
    (`successList`) and what was not (`failureList`, with `errorMsg`; no error code is documented).

    * **Frequency limit:** 5 requests per second per UID (Bitget's changelog, 2024-08-15: down from 10).

    Args:
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.
        body (BatchCancelPlanRequest): The symbols whose plan orders to cancel; without
            `symbolList`, every spot plan order of the account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchCancelPlanResponse | ErrorResponse]
    """

    kwargs = build_request(
        body=body,
        locale=locale,
        paptrading=paptrading,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: BatchCancelPlanRequest,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> BatchCancelPlanResponse | ErrorResponse | None:
    """Cancel every plan (trigger) order of some symbols, or of the account

     Cancels the plan orders not yet triggered of the symbols in `symbolList`, or **every spot plan
    order of the account** when `symbolList` is absent. The answer lists what was cancelled
    (`successList`) and what was not (`failureList`, with `errorMsg`; no error code is documented).

    * **Frequency limit:** 5 requests per second per UID (Bitget's changelog, 2024-08-15: down from 10).

    Args:
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.
        body (BatchCancelPlanRequest): The symbols whose plan orders to cancel; without
            `symbolList`, every spot plan order of the account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchCancelPlanResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        locale=locale,
        paptrading=paptrading,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchCancelPlanRequest,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> Response[BatchCancelPlanResponse | ErrorResponse]:
    """Cancel every plan (trigger) order of some symbols, or of the account

     Cancels the plan orders not yet triggered of the symbols in `symbolList`, or **every spot plan
    order of the account** when `symbolList` is absent. The answer lists what was cancelled
    (`successList`) and what was not (`failureList`, with `errorMsg`; no error code is documented).

    * **Frequency limit:** 5 requests per second per UID (Bitget's changelog, 2024-08-15: down from 10).

    Args:
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.
        body (BatchCancelPlanRequest): The symbols whose plan orders to cancel; without
            `symbolList`, every spot plan order of the account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchCancelPlanResponse | ErrorResponse]
    """

    kwargs = build_request(
        body=body,
        locale=locale,
        paptrading=paptrading,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BatchCancelPlanRequest,
    locale: Locale | Unset = UNSET,
    paptrading: PapTrading | Unset = UNSET,
) -> BatchCancelPlanResponse | ErrorResponse | None:
    """Cancel every plan (trigger) order of some symbols, or of the account

     Cancels the plan orders not yet triggered of the symbols in `symbolList`, or **every spot plan
    order of the account** when `symbolList` is absent. The answer lists what was cancelled
    (`successList`) and what was not (`failureList`, with `errorMsg`; no error code is documented).

    * **Frequency limit:** 5 requests per second per UID (Bitget's changelog, 2024-08-15: down from 10).

    Args:
        locale (Locale | Unset): Language of error messages.
        paptrading (PapTrading | Unset): `1` addresses demo trading (paper trading) instead of the
            live account.
        body (BatchCancelPlanRequest): The symbols whose plan orders to cancel; without
            `symbolList`, every spot plan order of the account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchCancelPlanResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            locale=locale,
            paptrading=paptrading,
        )
    ).parsed
