"""`BitgetClient` and `AsyncBitgetClient`: the generated `bitget_api` client plus signing, validation,
batching, rate limiting, retries and per-order reports.

The generated client does the HTTP plumbing (request building via the generated operation module,
typed models, the httpx client it owns); this layer plugs `BitgetAuth` into it through `httpx_args`
and never edits it. Status dispatch is done here because the generated one raises on a non-JSON
5xx body and on non-IANA status codes, both of which real gateways send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import threading
import time
from collections.abc import Generator, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Literal, Self, cast

import httpx

from bitget_api import AuthenticatedClient
from bitget_api.api.spot_trade import batch_cancel_orders as _operation
from bitget_api.models import BatchCancelRequest, BatchCancelResponse
from bitget_api.types import UNSET

from .batching import Batch, BatchModeOption, collect_orders, plan_batches
from .credentials import Credentials
from .engine import (
    Attempt,
    Attempts,
    CancelRun,
    ProgressCallback,
    RetryPolicy,
    Send,
    Sleep,
    SyncClock,
    attempt_steps,
    classify_response,
    classify_transport,
)
from .errors import BitgetAPIError, BitgetError, BitgetTransportError
from .ratelimit import SlidingWindowLimiter, shared_limiter
from .report import CancelReport
from .signing import BitgetAuth, Clock
from .validation import validate_batch

log = logging.getLogger("bitget_sdk")

DEFAULT_BASE_URL = "https://api.bitget.com"
SERVER_TIME_PATH = "/api/v2/public/time"
Locale = Literal["en-US", "zh-CN"]


class _BaseClient:
    def __init__(
        self,
        api_key: str | None = None,
        secret_key: str | None = None,
        passphrase: str | None = None,
        *,
        private_key: str | None = None,
        credentials: Credentials | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = 10.0,
        locale: Locale | None = None,
        demo_trading: bool = False,
        max_retries: int = 3,
        backoff_base_s: float = 0.25,
        backoff_max_s: float = 5.0,
        rate_limit: int = 10,
        rate_limit_margin_s: float = 0.005,
        clock_offset_ms: int = 0,
        auto_sync_time: bool = True,
        max_concurrency: int = 4,
        retry_seed: int | None = None,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        """Credentials as arguments, or `credentials=`; `private_key=` (PKCS#8 PEM) instead of `secret_key` for RSA.

        `timeout` is on by default (the generated client has none). `rate_limit` requests per second
        per API key (0 = off) is shared by every client of the same key and base URL in this process.
        `httpx_args` go to the underlying httpx client (e.g. `transport=` for tests or proxies).
        `auto_sync_time`: on a timestamp rejection (40008), measure the clock offset once and resend.
        """
        if credentials is None:
            if api_key is None or passphrase is None:
                raise ValueError("api_key and passphrase are required (or credentials=, or from_env())")
            credentials = Credentials(
                api_key=api_key, passphrase=passphrase, secret_key=secret_key, private_key=private_key
            )
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        if locale is not None and locale not in ("en-US", "zh-CN"):
            raise ValueError("locale must be 'en-US' or 'zh-CN'")
        self.base_url = base_url.rstrip("/")
        self.clock = Clock(clock_offset_ms)
        self.auth = BitgetAuth(credentials, self.clock)
        self.retry = RetryPolicy(max_retries, backoff_base_s, backoff_max_s)
        self.limiter: SlidingWindowLimiter = shared_limiter(
            self.base_url, credentials.api_key, rate_limit, rate_limit_margin_s
        )
        self.max_concurrency = max_concurrency
        self.auto_sync_time = auto_sync_time
        self.locale = locale
        self.demo_trading = demo_trading
        self._rng = random.Random(retry_seed)
        self._rng_lock = threading.Lock()
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        # The generated client: ACCESS-KEY rides on its token header; BitgetAuth adds the other three.
        self.api = AuthenticatedClient(
            base_url=self.base_url,
            token=credentials.api_key,
            prefix="",
            auth_header_name="ACCESS-KEY",
            timeout=self._timeout,
            raise_on_unexpected_status=False,
            httpx_args={"auth": self.auth, **(httpx_args or {})},
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> Self:
        """Credentials from BITGET_API_KEY, BITGET_SECRET_KEY (or BITGET_PRIVATE_KEY_FILE), BITGET_PASSPHRASE;
        base URL from BITGET_BASE_URL if set."""
        env = os.environ if env is None else env
        if env.get("BITGET_BASE_URL") and "base_url" not in options:
            options["base_url"] = env["BITGET_BASE_URL"]
        return cls(credentials=Credentials.from_env(env), **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth!r})"

    # --- shared pieces ---------------------------------------------------------------------

    def _request_kwargs(self, body: dict[str, Any]) -> dict[str, Any]:
        return _operation._get_kwargs(
            body=cast(BatchCancelRequest, _ValidatedBody(body)),
            locale=self.locale if self.locale is not None else UNSET,
            paptrading="1" if self.demo_trading else UNSET,
        )

    def _steps(self, retry_uncertain: bool) -> Generator[Sleep | Send | SyncClock, Attempt | None, Attempts]:
        return attempt_steps(
            self.retry, self._jitter_rng(), retry_uncertain=retry_uncertain, resync_clock=self.auto_sync_time
        )

    def _jitter_rng(self) -> random.Random:
        with self._rng_lock:
            return random.Random(self._rng.random())

    def _classify(self, response: httpx.Response) -> Attempt:
        attempt = classify_response(response.status_code, response.content, response.reason_phrase)
        if log.isEnabledFor(logging.DEBUG):
            code = attempt.error.code if isinstance(attempt.error, BitgetAPIError) else "00000"
            log.debug("POST %s -> HTTP %s code %s (%s)", _operation_path(), response.status_code, code, attempt.kind)
        return attempt

    def _transport_failure(self, exc: httpx.TransportError) -> Attempt:
        attempt = classify_transport(exc, "POST", self.base_url + _operation_path())
        log.debug("POST %s -> %s (sent=%s)", _operation_path(), type(exc).__name__, attempt.uncertain)
        return attempt

    @staticmethod
    def _raise_for(result: Attempts) -> BatchCancelResponse:
        if result.final.kind == "ok":
            assert result.final.payload is not None
            return BatchCancelResponse.from_dict(result.final.payload)
        error = result.final.error
        assert error is not None
        raise error

    def _plan(
        self,
        symbol: str | None,
        order_ids: Iterable[str] | None,
        client_oids: Iterable[str] | None,
        orders: Iterable[Mapping[str, Any]] | None,
        batch_mode: BatchModeOption,
    ) -> list[Batch]:
        refs = collect_orders(symbol=symbol, order_ids=order_ids, client_oids=client_oids, orders=orders)
        batches = plan_batches(refs, batch_mode)
        log.debug("cancel_orders: %d orders in %d batches", len(refs), len(batches))
        return batches


def _operation_path() -> str:
    return "/api/v2/spot/trade/batch-cancel-order"


class _ValidatedBody:
    """Stands in for the generated BatchCancelRequest in the generated request builder, which only calls
    `to_dict()`: the body is already a valid contract dict, so building 50 attrs objects to turn them
    back into the same dict would only cost time (tests check the two serializations are equal)."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return self._data


class BitgetClient(_BaseClient):
    """Synchronous client. Thread-safe; reuse one instance (it keeps connections alive)."""

    def _attempt(self, body: dict[str, Any]) -> Attempt:
        try:
            with self.limiter.slot():
                response = self.api.get_httpx_client().request(**self._request_kwargs(body))
        except httpx.TransportError as exc:
            return self._transport_failure(exc)
        return self._classify(response)

    def _drive(self, body: dict[str, Any], *, retry_uncertain: bool) -> Attempts:
        steps = self._steps(retry_uncertain)
        step = next(steps)
        try:
            while True:
                if isinstance(step, Sleep):
                    time.sleep(step.seconds)
                    step = steps.send(None)
                elif isinstance(step, SyncClock):
                    with contextlib.suppress(BitgetError):
                        self.sync_time()
                    step = steps.send(None)
                else:
                    step = steps.send(self._attempt(body))
        except StopIteration as stop:
            result: Attempts = stop.value
            return result

    def batch_cancel_orders(
        self,
        *,
        symbol: str | None = None,
        batch_mode: Literal["single", "multiple"] | None = None,
        order_list: Sequence[Any],
    ) -> BatchCancelResponse:
        """Exactly one validated, signed request (at most 50 orders), returned as the generated response model.

        Retried only when it surely had no effect (429, connection not made). Raises `BitgetAPIError`
        subclasses for error envelopes and `BitgetTransportError` when the outcome is unknown.
        Per-order failures are in `response.data.failure_list`: use `cancel_orders` for a checked report.
        """
        body = validate_batch(symbol, batch_mode, order_list)
        return self._raise_for(self._drive(body, retry_uncertain=False))

    def cancel_orders(
        self,
        *,
        symbol: str | None = None,
        order_ids: Iterable[str] | None = None,
        client_oids: Iterable[str] | None = None,
        orders: Iterable[Mapping[str, Any]] | None = None,
        batch_mode: BatchModeOption = "auto",
        on_progress: ProgressCallback | None = None,
    ) -> CancelReport:
        """Cancel any number of orders: validated up front, split into valid batches, sent within the rate
        limit with retries, and accounted for order by order in the returned `CancelReport`.

        Raises `BatchValidationError` before any I/O; raises an `AuthenticationError`, `TimestampError` or
        `PermissionDeniedError` (with `.report` for every order) if the exchange refuses the credentials.
        `on_progress(orders_done, orders_total)` is called after each batch (from worker threads).
        """
        run = CancelRun(self._plan(symbol, order_ids, client_oids, orders, batch_mode), on_progress)

        def send(i: int) -> None:
            if run.begin(i):
                run.record(i, self._drive(run.batches[i].body(), retry_uncertain=True))

        if self.max_concurrency == 1 or len(run.batches) == 1:
            for i in range(len(run.batches)):
                send(i)
        else:
            with ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="bitget-cancel") as pool:
                list(pool.map(send, range(len(run.batches))))
        return run.report()

    def sync_time(self) -> int:
        """Measure the offset to Bitget's clock (GET /api/v2/public/time) and sign with it from now on."""
        self.clock.offset_ms = _offset_from(self._get_server_time)
        return self.clock.offset_ms

    def _get_server_time(self) -> httpx.Response:
        try:
            return self.api.get_httpx_client().get(SERVER_TIME_PATH, auth=None)
        except httpx.TransportError as exc:
            raise BitgetTransportError(str(exc), sent=True, method="GET", url=self.base_url + SERVER_TIME_PATH) from exc

    def close(self) -> None:
        self.api.get_httpx_client().close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncBitgetClient(_BaseClient):
    """asyncio client with the same methods as `BitgetClient`; batches go out concurrently."""

    async def _attempt(self, body: dict[str, Any]) -> Attempt:
        try:
            async with self.limiter.aslot():
                response = await self.api.get_async_httpx_client().request(**self._request_kwargs(body))
        except httpx.TransportError as exc:
            return self._transport_failure(exc)
        return self._classify(response)

    async def _drive(self, body: dict[str, Any], *, retry_uncertain: bool) -> Attempts:
        steps = self._steps(retry_uncertain)
        step = next(steps)
        try:
            while True:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                    step = steps.send(None)
                elif isinstance(step, SyncClock):
                    with contextlib.suppress(BitgetError):
                        await self.sync_time()
                    step = steps.send(None)
                else:
                    step = steps.send(await self._attempt(body))
        except StopIteration as stop:
            result: Attempts = stop.value
            return result

    async def batch_cancel_orders(
        self,
        *,
        symbol: str | None = None,
        batch_mode: Literal["single", "multiple"] | None = None,
        order_list: Sequence[Any],
    ) -> BatchCancelResponse:
        """See `BitgetClient.batch_cancel_orders`."""
        body = validate_batch(symbol, batch_mode, order_list)
        return self._raise_for(await self._drive(body, retry_uncertain=False))

    async def cancel_orders(
        self,
        *,
        symbol: str | None = None,
        order_ids: Iterable[str] | None = None,
        client_oids: Iterable[str] | None = None,
        orders: Iterable[Mapping[str, Any]] | None = None,
        batch_mode: BatchModeOption = "auto",
        on_progress: ProgressCallback | None = None,
    ) -> CancelReport:
        """See `BitgetClient.cancel_orders`; up to `max_concurrency` batches are in flight at once."""
        run = CancelRun(self._plan(symbol, order_ids, client_oids, orders, batch_mode), on_progress)
        gate = asyncio.Semaphore(self.max_concurrency)

        async def send(i: int) -> None:
            async with gate:
                if run.begin(i):
                    run.record(i, await self._drive(run.batches[i].body(), retry_uncertain=True))

        await asyncio.gather(*(send(i) for i in range(len(run.batches))))
        return run.report()

    async def sync_time(self) -> int:
        """See `BitgetClient.sync_time`."""
        start = time.time()
        try:
            response = await self.api.get_async_httpx_client().get(SERVER_TIME_PATH, auth=None)
        except httpx.TransportError as exc:
            raise BitgetTransportError(str(exc), sent=True, method="GET", url=self.base_url + SERVER_TIME_PATH) from exc
        self.clock.offset_ms = _offset(response, start, time.time())
        return self.clock.offset_ms

    async def aclose(self) -> None:
        await self.api.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _offset(response: httpx.Response, sent_at: float, received_at: float) -> int:
    """Server time minus the local midpoint of the round trip, in ms."""
    try:
        server_ms = int(response.json()["data"]["serverTime"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BitgetAPIError(
            str(response.status_code), "unexpected server time response", response.status_code
        ) from exc
    return server_ms - int((sent_at + received_at) * 500)


def _offset_from(get: Any) -> int:
    start = time.time()
    response = get()
    return _offset(response, start, time.time())
