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
import json
import logging
import os
import random
import threading
import time
import weakref
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Literal, Self, cast

import httpx

from bitget_api import AuthenticatedClient
from bitget_api.api.spot_trade import batch_cancel_orders as _operation
from bitget_api.models import BatchCancelRequest, BatchCancelResponse
from bitget_api.types import UNSET

from . import options
from .batching import BatchModeOption, collect_orders, plan_batches
from .credentials import Credentials
from .engine import (
    MAX_ANSWER_BYTES,
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
from .errors import BatchValidationError, BitgetAPIError, BitgetError, BitgetTransportError
from .ratelimit import SlidingWindowLimiter, release_limiter, shared_limiter
from .report import CancelReport
from .signing import BitgetAuth, Clock
from .transport import AnswerTooLarge, DeadlineTransport, aread_capped, deadline_scope, read_capped
from .validation import validate_batch

log = logging.getLogger("bitget_sdk")

DEFAULT_BASE_URL = "https://api.bitget.com"
SERVER_TIME_PATH = "/api/v2/public/time"
Locale = Literal["en-US", "zh-CN"]
# The async client's overall bound is `timeout` plus this, so httpx's connect timeout (= `timeout`) fires
# first when a connection cannot be made: that attempt is then known not to have been sent.
_ASYNC_GRACE_S = 0.05


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
        timeout: float = 10.0,
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

        Every option is checked here (ValueError naming it), so nothing fails later at send time.
        `timeout` bounds each attempt as a whole, connect to last byte (the generated client has none).
        `rate_limit` requests per second (0 = off) is one budget per API key for the whole process,
        shared by every client of the key whatever its base URL. `httpx_args` go to the underlying httpx
        client (e.g. `transport=` for tests or proxies). `auto_sync_time`: on a timestamp rejection
        (40008), measure the clock offset once and resend.
        """
        if credentials is None:
            if api_key is None or passphrase is None:
                raise ValueError("api_key and passphrase are required (or credentials=, or from_env())")
            credentials = Credentials(
                api_key=api_key, passphrase=passphrase, secret_key=secret_key, private_key=private_key
            )
        elif not isinstance(credentials, Credentials):
            raise ValueError(f"credentials must be a Credentials, not {type(credentials).__name__}")
        self.base_url = options.check_base_url(base_url)
        self.timeout_s = options.check_number("timeout", timeout, positive=True)
        self.locale: Locale | None = options.check_locale(locale)
        self.demo_trading = options.check_bool("demo_trading", demo_trading)
        self.auto_sync_time = options.check_bool("auto_sync_time", auto_sync_time)
        self.max_concurrency = options.check_int("max_concurrency", max_concurrency, 1)
        self.retry = RetryPolicy(
            options.check_int("max_retries", max_retries, 0),
            options.check_number("backoff_base_s", backoff_base_s, positive=False),
            options.check_number("backoff_max_s", backoff_max_s, positive=False),
        )
        rate_limit = options.check_int("rate_limit", rate_limit, 0)
        margin = options.check_number("rate_limit_margin_s", rate_limit_margin_s, positive=False)
        offset = options.check_int("clock_offset_ms", clock_offset_ms, -(10**12))
        if retry_seed is not None:
            options.check_int("retry_seed", retry_seed, -(2**63))
        extra = options.check_httpx_args(httpx_args)
        self.clock = Clock(offset)
        self.auth = BitgetAuth(credentials, self.clock)
        self._redactor = credentials.redactor()
        self._rng = random.Random(retry_seed)
        self._rng_lock = threading.Lock()
        if rate_limit:
            self.limiter = shared_limiter(credentials.api_key, rate_limit, margin)
            weakref.finalize(self, release_limiter, credentials.api_key)
        else:
            self.limiter = SlidingWindowLimiter(0)
        if not {"transport", "mounts", "proxy"} & extra.keys():
            extra.update(self._default_transport())
        # The generated client: ACCESS-KEY rides on its token header; BitgetAuth adds the other three.
        self.api = AuthenticatedClient(
            base_url=self.base_url,
            token=credentials.api_key,
            prefix="",
            auth_header_name="ACCESS-KEY",
            timeout=httpx.Timeout(self.timeout_s),
            follow_redirects=False,
            raise_on_unexpected_status=False,
            httpx_args={"auth": self.auth, **extra},
        )

    def _default_transport(self) -> dict[str, Any]:
        return {}

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

    def _steps(
        self, retry_uncertain: bool, should_stop: Callable[[], bool] | None = None
    ) -> Generator[Sleep | Send | SyncClock, Attempt | None, Attempts]:
        return attempt_steps(
            self.retry,
            self._jitter_rng(),
            retry_uncertain=retry_uncertain,
            resync_clock=self.auto_sync_time,
            should_stop=should_stop,
        )

    def _jitter_rng(self) -> random.Random:
        with self._rng_lock:
            return random.Random(self._rng.random())

    def _classify(self, response: httpx.Response, content: bytes | None) -> Attempt:
        status = response.status_code
        location = response.headers.get("location") if 300 <= status < 400 else None
        attempt = classify_response(
            status,
            content,
            self._redactor.redact(response.reason_phrase),
            None if location is None else self._redactor.redact(location),
            self._redactor,
        )
        if log.isEnabledFor(logging.DEBUG):
            code = attempt.error.code if isinstance(attempt.error, BitgetAPIError) else "00000"
            log.debug("POST %s -> HTTP %s code %s (%s)", _operation_path(), response.status_code, code, attempt.kind)
        return attempt

    def _transport_failure(self, exc: Exception) -> Attempt:
        attempt = classify_transport(exc, "POST", self.base_url + _operation_path())
        if isinstance(attempt.error, BitgetTransportError):
            attempt.error.args = (self._redactor.redact(str(attempt.error)),)
        log.debug("POST %s -> %s (sent=%s)", _operation_path(), type(exc).__name__, attempt.uncertain)
        return attempt

    def _time_error(self, exc: Exception) -> BitgetTransportError:
        sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        message = self._redactor.redact(f"{type(exc).__name__}: {exc}")
        return BitgetTransportError(message, sent=sent, method="GET", url=self.base_url + SERVER_TIME_PATH)

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
        on_progress: ProgressCallback | None,
    ) -> CancelRun:
        if on_progress is not None and not callable(on_progress):
            raise BatchValidationError("on_progress", "must be callable (orders_done, orders_total)")
        refs = collect_orders(symbol=symbol, order_ids=order_ids, client_oids=client_oids, orders=orders)
        batches = plan_batches(refs, batch_mode)
        log.debug("cancel_orders: %d orders in %d batches", len(refs), len(batches))
        return CancelRun(batches, on_progress, target=self.base_url + _operation_path())


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

    def _default_transport(self) -> dict[str, Any]:
        return {"transport": DeadlineTransport()}

    def _fetch(self, kwargs: dict[str, Any], *, signed: bool = True) -> tuple[httpx.Response, bytes | None]:
        """One request, bounded by `timeout` as a whole (DeadlineTransport) and by the answer size cap."""
        deadline = time.monotonic() + self.timeout_s
        extra: dict[str, Any] = {} if signed else {"auth": None}
        with deadline_scope(deadline), self.api.get_httpx_client().stream(**kwargs, **extra) as response:
            try:
                return response, read_capped(response, MAX_ANSWER_BYTES, deadline)
            except AnswerTooLarge:
                return response, None

    def _attempt(self, body: dict[str, Any]) -> Attempt:
        kwargs = self._request_kwargs(body)
        try:
            with self.limiter.slot():
                response, content = self._fetch(kwargs)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return self._transport_failure(exc)
        return self._classify(response, content)

    def _drive(
        self, body: dict[str, Any], *, retry_uncertain: bool, run: CancelRun | None = None, index: int = 0
    ) -> Attempts:
        steps = self._steps(retry_uncertain, run.should_stop if run is not None else None)
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
                    if run is not None:
                        run.sending(index)
                    attempt = self._attempt(body)
                    if run is not None:
                        run.observe(index, attempt)
                    step = steps.send(attempt)
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
        run = self._plan(symbol, order_ids, client_oids, orders, batch_mode, on_progress)

        def send(i: int) -> None:
            if not run.begin(i):
                return
            try:
                run.record(i, self._drive(run.batches[i].body(), retry_uncertain=True, run=run, index=i))
            except Exception as exc:  # a bug must not lose the report: the batch is in flight, so unknown
                run.fail(i, exc)

        try:
            if self.max_concurrency == 1 or len(run.batches) == 1:
                for i in range(len(run.batches)):
                    send(i)
            else:
                with ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="bitget-cancel") as pool:
                    futures = [pool.submit(send, i) for i in range(len(run.batches))]
                    try:
                        for future in futures:
                            future.result()
                    except BaseException as exc:  # KeyboardInterrupt: start nothing new, let in-flight finish
                        run.interrupt(exc)
                        raise
        except BaseException as exc:
            run.interrupt(exc)
            with contextlib.suppress(AttributeError):
                exc.report = run.snapshot()  # type: ignore[attr-defined]
            raise
        return run.report()

    def sync_time(self) -> int:
        """Measure the offset to Bitget's clock (GET /api/v2/public/time) and sign with it from now on."""
        start = time.time()
        try:
            response, content = self._fetch({"method": "GET", "url": SERVER_TIME_PATH}, signed=False)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._time_error(exc) from None
        self.clock.offset_ms = _offset(response.status_code, content, start, time.time())
        return self.clock.offset_ms

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

    async def _fetch(self, kwargs: dict[str, Any], *, signed: bool = True) -> tuple[httpx.Response, bytes | None]:
        """One request, bounded by `timeout` as a whole (asyncio.timeout) and by the answer size cap.

        httpx's own per-phase timeouts equal `timeout` and fire first while connecting, so a connection
        that cannot be made is still told apart (nothing sent) from an answer that never came.
        """
        extra: dict[str, Any] = {} if signed else {"auth": None}
        try:
            async with (
                asyncio.timeout(self.timeout_s + _ASYNC_GRACE_S),
                self.api.get_async_httpx_client().stream(**kwargs, **extra) as response,
            ):
                try:
                    return response, await aread_capped(response, MAX_ANSWER_BYTES)
                except AnswerTooLarge:
                    return response, None
        except TimeoutError:
            raise httpx.ReadTimeout(f"no complete answer within the {self.timeout_s:g} s timeout") from None

    async def _attempt(self, body: dict[str, Any]) -> Attempt:
        kwargs = self._request_kwargs(body)
        try:
            async with self.limiter.aslot():
                response, content = await self._fetch(kwargs)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return self._transport_failure(exc)
        return self._classify(response, content)

    async def _drive(
        self, body: dict[str, Any], *, retry_uncertain: bool, run: CancelRun | None = None, index: int = 0
    ) -> Attempts:
        steps = self._steps(retry_uncertain, run.should_stop if run is not None else None)
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
                    if run is not None:
                        run.sending(index)
                    attempt = await self._attempt(body)
                    if run is not None:
                        run.observe(index, attempt)
                    step = steps.send(attempt)
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
        """See `BitgetClient.cancel_orders`; up to `max_concurrency` batches are in flight at once.

        Cancelling the task (`task.cancel()`, `asyncio.wait_for`) lets it finish cancelling its requests
        and re-raises CancelledError with `.report` set: every order accounted for as things stood.
        """
        run = self._plan(symbol, order_ids, client_oids, orders, batch_mode, on_progress)
        gate = asyncio.Semaphore(self.max_concurrency)

        async def send(i: int) -> None:
            async with gate:
                if not run.begin(i):
                    return
                try:
                    result = await self._drive(run.batches[i].body(), retry_uncertain=True, run=run, index=i)
                    run.record(i, result)
                except Exception as exc:  # a bug must not lose the report: the batch is in flight, so unknown
                    run.fail(i, exc)

        try:
            await asyncio.gather(*(send(i) for i in range(len(run.batches))))
        except BaseException as exc:
            run.interrupt(exc)
            with contextlib.suppress(AttributeError):
                exc.report = run.snapshot()  # type: ignore[attr-defined]
            raise
        return run.report()

    async def sync_time(self) -> int:
        """See `BitgetClient.sync_time`."""
        start = time.time()
        try:
            response, content = await self._fetch({"method": "GET", "url": SERVER_TIME_PATH}, signed=False)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._time_error(exc) from None
        self.clock.offset_ms = _offset(response.status_code, content, start, time.time())
        return self.clock.offset_ms

    async def aclose(self) -> None:
        await self.api.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _offset(status: int, content: bytes | None, sent_at: float, received_at: float) -> int:
    """Server time minus the local midpoint of the round trip, in ms."""
    try:
        server_ms = int(json.loads(content or b"")["data"]["serverTime"])
    except (ValueError, KeyError, TypeError, RecursionError):
        raise BitgetAPIError(str(status), "unexpected server time response", status) from None
    return server_ms - int((sent_at + received_at) * 500)
