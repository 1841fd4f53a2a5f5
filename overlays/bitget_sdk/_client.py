"""`BitgetClient` and `AsyncBitgetClient`: the contract's operations, signed, limited, retried and
classified by one runtime core, plus `cancel_orders` (batching, per-order reports).

The generated package does the contract's part: each operation's public `build_request` gives the
request (method, path, sorted query, JSON body, header parameters), its models parse the answers, and
`bitget_api.facts` holds the contract's facts (paths, limits, error codes). This layer adds what a
contract cannot: `BitgetAuth` signs the exact bytes sent, each attempt afresh (`_wire`: the request is
prepared once per call and handed to the httpx client's transport); a budget per UID and operation (the
contract's `x-rate-limit`); a deadline per attempt; retries; and what an answer means (engine.py).
Every operation goes through `_attempt` and `_drive`, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import json
import logging
import os
import queue
import random
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Literal, Self, Unpack

import anyio.lowlevel
import attrs
import httpx

from bitget_api import AuthenticatedClient
from bitget_api.models import (
    Order,
    OrderListResponse,
)
from bitget_api.types import UNSET

from ._core import options
from ._core.batching import Batch, BatchModeOption, OrderItem, plan
from ._core.credentials import Credentials
from ._core.engine import (
    MAX_ANSWER_BYTES,
    Attempt,
    Attempts,
    CancelRun,
    LazyJitter,
    ProgressCallback,
    Resolved,
    RetryPolicy,
    Send,
    Sleep,
    SyncClock,
    attempt_steps,
    classify_response,
    classify_transport,
    describe,
    out_of_time,
    redacted_headers,
)
from ._core.errors import BatchValidationError, BitgetAPIError, BitgetError, BitgetTransportError
from ._core.logs import configure_logging
from ._core.operations import (
    BATCH_CANCEL,
    CANCEL_SYMBOL,
    HISTORY_ORDERS,
    OPERATIONS,
    SERVER_TIME,
    UNFILLED_ORDERS,
    Operation,
)
from ._core.params import (
    CLIENT_OPTIONS,
    ClientOptions,
    RequestOptions,
    Strategy,
    cancel_all_args,
    check_deadline,
    check_request_options,
    page_query,
)
from ._core.raw import RawResponse, raw_response
from ._core.report import CancelReport
from ._core.signing import BitgetAuth, Clock
from ._http.aio import AsyncPoolTransport
from ._http.transport import (
    AnswerTooLarge,
    DeadlineTransport,
    aread_capped,
    context_for,
    deadline_scope,
    default_ssl_context,
    proxy_for,
    read_capped,
    tls_context,
)
from ._http.wire import Prepared, Wire, encode_body
from ._limits.ip import Budget, agated, check_ip_rate_limit, gated, ip_budget, origin_of
from ._limits.redis_window import check_backend_url
from ._limits.registry import release_limiter, shared_limiter
from ._limits.window import Limiter, OutOfTime, Permit, SlidingWindowLimiter, server_clock
from ._runs.cancel_all import (
    CancelBatches,
    CancelSymbols,
    Listed,
    ListOpen,
    Pause,
    as_unknown,
    cancel_all_steps,
    merge,
    settled_report,
    to_settle,
)
from ._runs.drivers import TaskSettler, ThreadSettler
from ._runs.journal import Journal
from ._runs.resume import restore_run
from ._runs.resume import stored_report as _stored_report
from ._runs.settle import PAGE, Read, Wait, settle_steps
from ._surface import AsyncOperations, AsyncRawOperations, Operations, RawOperations
from ._version import __version__

log = logging.getLogger("bitget_sdk")

DEFAULT_BASE_URL = "https://api.bitget.com"
Locale = Literal["en-US", "zh-CN"]
# cancel_open_orders' batch strategy cancels what it lists this many orders at a time (10 batches)
# while the next pages are listed.
STREAM_CHUNK = 500
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
        rate_limit: int | None = None,
        rate_limit_margin_s: float = 0.002,
        clock_offset_ms: int = 0,
        auto_sync_time: bool = True,
        max_concurrency: int = 10,
        retry_seed: int | None = None,
        settle_lag_s: float = 2.0,
        rate_limit_backend: str | None = None,
        ip_rate_limit: tuple[int, float] | int | None = None,
        uid: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        proxy: str | None = None,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        """Credentials as arguments, or `credentials=`; `private_key=` (PKCS#8 PEM) instead of `secret_key` for RSA.

        Every option is checked here (ValueError naming it), so nothing fails later at send time.
        `timeout` bounds each attempt as a whole, connect to last byte (the generated client has none).
        Rate limits are the contract's `x-rate-limit`, one budget per API key and operation for the whole
        process, shared by every client of the key whatever its base URL; `rate_limit=N` sets the batch
        cancel budget instead, `rate_limit=0` turns client-side limiting off. `httpx_args` go to the
        underlying httpx client (e.g. `transport=` for tests or proxies). `auto_sync_time`: on a timestamp
        rejection (40008), measure the clock offset once and resend. `settle_lag_s`: how long settling
        keeps looking for an order the reads do not show yet (read-after-write lag) before it is "not found".
        `rate_limit_backend="redis://host:port/db"` (the `redis` extra) keeps the key's budgets in Redis,
        shared by every process and host using it; unreachable here, it is a `RateLimitBackendError`.
        `uid`: the account's UID; Bitget counts per UID, so every key given the same `uid` shares one
        budget (without it, each API key has its own).
        Every request also takes a slot of the server's per-IP budget: Bitget caps all requests from one
        address at the contract's top-level `x-rate-limit` (6,000 a minute, then 429 to everything for 5
        minutes), so every client of the process talking to one server (all keys and sub-accounts, sync
        and async) is paced together to just under it (and every process on `rate_limit_backend`, by
        origin). `ip_rate_limit=(limit, window_s)` sets another cap (tests, or an embedder's own share of
        the address), `ip_rate_limit=0` turns that budget off; `rate_limit=0` turns it off too.
        `proxy`: a forward proxy URL (`http://user:pass@host:port`), plain for http:// exchanges and a
        CONNECT tunnel for https://; without it, `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY`
        from the environment apply as in httpx (unless `httpx_args={"trust_env": False}`).
        `default_headers`: headers added to every request (not the signer's ACCESS-* ones); the
        User-Agent is `bitget-batch-cancel/<version> python/<x.y> httpx/<x.y>` unless given here.
        `BITGET_SDK_LOG=debug|info` in the environment sends the SDK's log to stderr (see `_logs`).
        """
        configure_logging()
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
        self._httpx_timeout = httpx.Timeout(self.timeout_s)
        self._headers = {"User-Agent": options.user_agent(__version__)}
        self._headers.update(options.check_headers("default_headers", default_headers))
        self._root: _BaseClient | None = None  # a derived client keeps the one that owns the budgets alive
        self.locale: Locale | None = options.check_locale(locale)
        self.demo_trading = options.check_bool("demo_trading", demo_trading)
        self.auto_sync_time = options.check_bool("auto_sync_time", auto_sync_time)
        self.max_concurrency = options.check_int("max_concurrency", max_concurrency, 1)
        self.retry = RetryPolicy(
            options.check_int("max_retries", max_retries, 0),
            options.check_number("backoff_base_s", backoff_base_s, positive=False),
            options.check_number("backoff_max_s", backoff_max_s, positive=False),
        )
        if rate_limit is not None:
            options.check_int("rate_limit", rate_limit, 0)
        margin = options.check_number("rate_limit_margin_s", rate_limit_margin_s, positive=False)
        offset = options.check_int("clock_offset_ms", clock_offset_ms, -(10**12))
        if retry_seed is not None:
            options.check_int("retry_seed", retry_seed, -(2**63))
        extra = options.check_httpx_args(httpx_args)
        self.settle_lag_s = options.check_number("settle_lag_s", settle_lag_s, positive=False)
        self.clock = Clock(offset)
        self.auth = BitgetAuth(credentials, self.clock)
        self._redactor = credentials.redactor()
        self._rng = random.Random(retry_seed)
        self._rng_lock = threading.Lock()
        backend = None if rate_limit_backend is None else check_backend_url(rate_limit_backend)
        self.uid = options.check_uid(uid)
        owner = f"uid:{self.uid}" if self.uid is not None else f"key:{credentials.api_key}"
        self._owner = owner
        self._owner_hint = f"uid {self.uid}" if self.uid is not None else f"API key {credentials.api_key[:6]}..."
        self._releases: list[weakref.finalize[Any, Any]] = []
        self._limiters = self._budgets(owner, rate_limit, margin, backend)
        ip_cap = check_ip_rate_limit(ip_rate_limit)
        self._ip: Budget | None = None
        if ip_cap is not None and rate_limit != 0:
            self._ip = ip_budget(origin_of(self.base_url), *ip_cap, backend=backend)
        proxy = options.check_proxy(proxy)
        if "proxy" in extra:  # httpx's own spelling, kept: the same proxy on the clients' transports
            if proxy is not None:
                raise ValueError("give proxy= or httpx_args={'proxy': ...}, not both")
            proxy = options.check_proxy(extra.pop("proxy"))
        self._proxy = proxy_for(self.base_url, proxy, extra.get("trust_env", True))
        if not {"transport", "mounts"} & extra.keys():
            extra.update(self._default_transport(extra))
        # What `_wire` sends through: the one transport (ours, or the caller's `transport=`), or, with the
        # caller's `mounts=`, the httpx client's own `send` (which picks the mount).
        self._transport: Any = None if "mounts" in extra else extra.get("transport")
        verify = extra.pop("verify", True)  # the generated client takes it as `verify_ssl`
        # The generated client (its httpx client's transport, mounts, hooks and default headers serve
        # `_wire`; its own calls are signed by BitgetAuth as an httpx.Auth).
        # Private: its `set_httpx_client` would drop the signer (custom transports go in `httpx_args`).
        self._api = AuthenticatedClient(
            base_url=self.base_url,
            token=credentials.api_key,
            prefix="",
            auth_header_name="ACCESS-KEY",
            timeout=httpx.Timeout(self.timeout_s),
            follow_redirects=False,
            raise_on_unexpected_status=False,
            verify_ssl=verify,
            httpx_args={"auth": self.auth, **extra},
        )

    def _budgets(self, owner: str, rate_limit: int | None, margin: float, backend: str | None) -> dict[str, Limiter]:
        """One shared budget per (UID or IP scope, operation), from the contract unless `rate_limit` says;
        the UID-scoped ones in `backend` (Redis) when given (an IP's budget is per host anyway)."""
        out: dict[str, Limiter] = {}
        url = httpx.URL(self.base_url)
        server = f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"
        # Each permit is taken for this server: a budget shared with clients of other origins learns
        # each origin's arrivals apart (`SlidingWindowLimiter`).
        self._server = server_clock(server)
        for op in OPERATIONS.values():
            limit = op.rate_limit if rate_limit is None or op is not BATCH_CANCEL else rate_limit
            if rate_limit == 0 or limit == 0:
                out[op.id] = SlidingWindowLimiter(0)
                continue
            key = f"{'ip' if op.rate_scope == 'ip' else owner}:{op.id}"
            shared = backend if op.rate_scope != "ip" else None
            hold = self.timeout_s + 1.0  # an attempt holds a permit at most its deadline
            out[op.id] = shared_limiter(
                key, limit, margin, window_s=op.rate_window_s, backend=shared, hold_s=hold, server=server
            )
            # Released when the client is closed, or (if it never is) when it is collected: once either way.
            self._releases.append(weakref.finalize(self, release_limiter, key))
        return out

    def _release_budgets(self) -> None:
        """This client no longer uses its budgets (each stays in the process while it has history)."""
        for release in self._releases:
            release()

    @property
    def limiter(self) -> Limiter:
        """The batch cancel budget (see `limiter_for` for the others)."""
        return self._limiters[BATCH_CANCEL.id]

    def limiter_for(self, operation_id: str) -> Limiter:
        return self._limiters[operation_id]

    def _default_transport(self, extra: dict[str, Any]) -> dict[str, Any]:
        """The transport when the caller gives none: httpx's connection pool, with the TLS context shared
        by every client of default TLS settings, and `limits`, `http1`, `http2` from `httpx_args`."""
        raise NotImplementedError

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> Self:
        """Credentials from BITGET_API_KEY, BITGET_SECRET_KEY (or BITGET_PRIVATE_KEY_FILE), BITGET_PASSPHRASE;
        base URL from BITGET_BASE_URL, the shared rate limit backend from BITGET_RATE_LIMIT_BACKEND and
        the account's UID from BITGET_UID, if set."""
        env = os.environ if env is None else env
        if env.get("BITGET_BASE_URL") and "base_url" not in options:
            options["base_url"] = env["BITGET_BASE_URL"]
        if env.get("BITGET_RATE_LIMIT_BACKEND") and "rate_limit_backend" not in options:
            options["rate_limit_backend"] = env["BITGET_RATE_LIMIT_BACKEND"]
        if env.get("BITGET_UID") and "uid" not in options:
            options["uid"] = env["BITGET_UID"]
        return cls(credentials=Credentials.from_env(env), **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth!r})"

    def with_options(self, **changes: Unpack[ClientOptions]) -> Self:
        """A client like this one with some options changed (`timeout`, `max_retries`, `default_headers`
        merged, ... see `ClientOptions`), sharing its connection pool, rate budgets, clock offset and
        credentials: `client.with_options(timeout=2).cancel_orders(...)`. Checked here (ValueError).
        Closing either closes the shared pool: close the client you built.
        """
        unknown = sorted(set(changes) - CLIENT_OPTIONS)
        if unknown:
            raise TypeError(
                f"with_options cannot change {', '.join(unknown)} (it can: {', '.join(sorted(CLIENT_OPTIONS))}); "
                "credentials, base URL, UID, rate limits and httpx arguments need a new client"
            )
        clone = copy.copy(self)
        clone._root = self._root or self
        for name, value in changes.items():
            clone._set_option(name, value)
        return clone

    def _set_option(self, name: str, value: Any) -> None:
        """One option of a derived client, checked like the constructor's (ValueError naming it)."""
        if name == "timeout":
            self.timeout_s = options.check_number("timeout", value, positive=True)
            self._httpx_timeout = httpx.Timeout(self.timeout_s)
        elif name in ("max_retries", "backoff_base_s", "backoff_max_s"):
            if name == "max_retries":
                self.retry = attrs.evolve(self.retry, max_retries=options.check_int(name, value, 0))
            elif name == "backoff_base_s":
                self.retry = attrs.evolve(self.retry, backoff_base_s=options.check_number(name, value, positive=False))
            else:
                self.retry = attrs.evolve(self.retry, backoff_max_s=options.check_number(name, value, positive=False))
        elif name in ("default_headers", "extra_headers"):
            self._headers = {**self._headers, **options.check_headers(name, value)}
        elif name == "locale":
            self.locale = options.check_locale(value)
        elif name in ("demo_trading", "auto_sync_time"):
            setattr(self, name, options.check_bool(name, value))
        elif name == "max_concurrency":
            self.max_concurrency = options.check_int(name, value, 1)
        elif name == "settle_lag_s":
            self.settle_lag_s = options.check_number(name, value, positive=False)
        else:  # pragma: no cover - the option sets above are the checked names
            raise TypeError(f"unknown option {name!r}")

    def _per_call(self, given: Mapping[str, Any]) -> tuple[Self, float | None]:
        """The client a call runs on (this one, or a derived one for its options) and the call's deadline
        (time.monotonic). A bad value is a BatchValidationError naming the option, before any I/O."""
        chosen = check_request_options(given)
        deadline_s = check_deadline(chosen.pop("deadline_s", None))
        deadline = None if deadline_s is None else time.monotonic() + deadline_s
        if not chosen:
            return self, deadline
        clone = copy.copy(self)
        clone._root = self._root or self
        for name, value in chosen.items():
            try:
                clone._set_option(name, value)
            except ValueError as exc:
                raise BatchValidationError(name, str(exc).removeprefix(f"{name} ")) from None
        return clone, deadline

    @property
    def user_agent(self) -> str:
        return self._headers["User-Agent"]

    # --- the runtime core, shared by every operation ------------------------------------------

    @property
    def _wire(self) -> Wire:
        """The httpx client's transport, hooks and defaults, as requests are sent (see `_wire`)."""
        raise NotImplementedError

    def _request(self, op: Operation, **params: Any) -> Prepared:
        """The generated builder's request, with the client's header options (signed operations take them),
        prepared once for all its attempts (see `_wire`)."""
        if op.signed:
            params["locale"] = self.locale if self.locale is not None else UNSET
            params["paptrading"] = "1" if self.demo_trading else UNSET
        kwargs = op.build(**op.builder_args(params))
        wire = self._wire
        method = kwargs["method"].upper()
        return Prepared(
            method,
            wire.url(method, kwargs["url"], kwargs.get("params")),
            encode_body(kwargs["json"]) if "json" in kwargs else b"",
            wire.headers(self._headers, kwargs.get("headers") or {}, signed=op.signed),
            {"timeout": self._httpx_timeout.as_dict()},
            self.auth if op.signed else None,
        )

    def _steps(
        self,
        retry_uncertain: bool,
        should_stop: Callable[[], bool] | None,
        deadline: float | None,
        patient: bool,
        prior: int = 0,
    ) -> Generator[Sleep | Send | SyncClock, Attempt | None, Attempts]:
        return attempt_steps(
            self.retry,
            self._jitter_rng(),
            retry_uncertain=retry_uncertain,
            resync_clock=self.auto_sync_time,
            should_stop=should_stop,
            time_left=None if deadline is None else lambda: deadline - time.monotonic(),
            patient=patient,
            prior_uncertain=prior,
        )

    def _jitter_rng(self) -> LazyJitter:
        with self._rng_lock:
            return LazyJitter(self._rng.random())

    def _classify(self, op: Operation, response: httpx.Response, content: bytes | None, elapsed: float) -> Attempt:
        status = response.status_code
        location = response.headers.get("location") if 300 <= status < 400 else None
        attempt = classify_response(
            status,
            content,
            self._redactor.redact(response.reason_phrase),
            None if location is None else self._redactor.redact(location),
            self._redactor,
            op.data_ok,
            response.headers.get("retry-after") if status == 429 else None,
            response.headers,
            elapsed,
        )
        if log.isEnabledFor(logging.DEBUG):
            code = attempt.error.code if isinstance(attempt.error, BitgetAPIError) else "00000"
            log.debug("%s %s -> HTTP %s code %s (%s)", op.method, op.path, status, code, attempt.kind)
        return attempt

    def _transport_failure(
        self, op: Operation, exc: Exception, deadline: float | None = None, elapsed: float = 0.0
    ) -> Attempt:
        attempt = classify_transport(exc, op.method, self.base_url + op.path, elapsed)
        if isinstance(attempt.error, BitgetTransportError):
            text = str(attempt.error)
            if deadline is not None and isinstance(exc, httpx.TimeoutException) and time.monotonic() >= deadline:
                text = f"the run's deadline (deadline_s) passed before the answer came ({type(exc).__name__})"
            attempt.error.args = (self._redactor.redact(text),)
        log.debug("%s %s -> %s (sent=%s)", op.method, op.path, type(exc).__name__, attempt.uncertain)
        return attempt

    @staticmethod
    def _result(op: Operation, result: Attempts) -> Any:
        """The generated response model of a successful attempt, or the error that ended the attempts."""
        if result.final.kind == "ok":
            assert result.final.payload is not None
            try:
                return op.model.from_dict(result.final.payload)
            except (ValueError, KeyError, TypeError) as exc:  # e.g. a status the contract does not list
                raise BitgetAPIError("00000", f"answer does not fit the contract's model: {exc}", 200) from None
        error = result.final.error
        assert error is not None
        raise error

    def _raw(self, op: Operation, result: Attempts) -> RawResponse[Any]:
        """`_result` with the final answer's HTTP details (see `with_raw_response`)."""
        parsed = self._result(op, result)
        final = result.final
        headers = redacted_headers(final.headers, self._redactor)
        return raw_response(parsed, final.http_status, headers, final.request_time_ms, result.count, final.elapsed_s)

    def _log_retry(self, op: Operation, attempt: Attempt | None, seconds: float) -> None:
        if attempt is not None and log.isEnabledFor(logging.INFO):
            log.info("%s %s: %s; retrying in %.2f s", op.method, op.path, describe(attempt), seconds)

    def _plan(
        self,
        symbol: str | None,
        order_ids: Iterable[str] | None,
        client_oids: Iterable[str] | None,
        orders: Iterable[Mapping[str, Any]] | None,
        batch_mode: BatchModeOption,
        on_progress: ProgressCallback | None,
        deadline_s: float | None,
    ) -> CancelRun:
        batches = plan(symbol, order_ids, client_oids, orders, batch_mode)
        log.debug("cancel_orders: %d orders in %d batches", sum(b.size for b in batches), len(batches))
        return self._new_run(batches, on_progress, deadline_s)

    def _new_run(
        self, batches: Sequence[Batch], on_progress: ProgressCallback | None, deadline_s: float | None
    ) -> CancelRun:
        if on_progress is not None and not callable(on_progress):
            raise BatchValidationError("on_progress", "must be callable (orders_done, orders_total)")
        deadline_s = check_deadline(deadline_s)
        deadline = None if deadline_s is None else time.monotonic() + deadline_s
        return CancelRun(
            batches, on_progress, target=self.base_url + BATCH_CANCEL.path, deadline=deadline, deadline_s=deadline_s
        )

    def _journal_for(self, run: CancelRun, path: str | os.PathLike[str] | None, settle: bool) -> Journal | None:
        """A new journal for this run (before anything is sent), listening to it."""
        if path is None:
            return None
        if not isinstance(path, str | os.PathLike):
            raise BatchValidationError("journal", f"must be a file path, not {type(path).__name__}")
        book = Journal.create(
            path, run.batches, owner=self._owner, owner_hint=self._owner_hint, base_url=self.base_url, settle=settle
        )
        run.listener = book
        return book

    def _restore(
        self, path: str | os.PathLike[str], deadline_s: float | None, on_progress: ProgressCallback | None
    ) -> tuple[Journal, CancelRun, bool]:
        """A run rebuilt from its journal: recorded outcomes filed, batches sent without a recorded
        answer filed as unknown (they may have cancelled their orders), the rest left to send."""
        if not isinstance(path, str | os.PathLike):
            raise BatchValidationError("journal", f"must be a file path, not {type(path).__name__}")
        book = Journal.open(path)
        try:
            book.check(self._owner, self.base_url)
            run = self._new_run(book.batches(), on_progress, deadline_s)
            run.listener = book
            restore_run(run, book)
        except BaseException:
            book.close()
            raise
        return book, run, book.meta().get("settle") == "1"

    def _cancel_all_steps(
        self, names: tuple[str, ...] | None, strategy: Strategy, deadline: float | None
    ) -> Generator[Any, Any, CancelReport]:
        return cancel_all_steps(
            names,
            strategy,
            out_of_time=lambda: deadline is not None and time.monotonic() >= deadline,
            rate=self.limiter.limit or BATCH_CANCEL.rate_limit,
            symbol_rate=CANCEL_SYMBOL.rate_limit,
            read_rate=UNFILLED_ORDERS.rate_limit,
            lag_s=self.settle_lag_s,
        )

    def _attempt_deadline(self, deadline: float | None) -> float:
        """An attempt ends by `timeout` from now, or by the run's deadline if that comes first."""
        ends = time.monotonic() + self.timeout_s
        return ends if deadline is None else min(ends, deadline)

    def _out_of_time(self, op: Operation) -> Attempt:
        log.debug("%s %s -> not sent (deadline)", op.method, op.path)
        return out_of_time(op.method, self.base_url + op.path)

    def _time_error(self, exc: Exception) -> BitgetTransportError:
        sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        message = self._redactor.redact(f"{type(exc).__name__}: {exc}")
        return BitgetTransportError(message, sent=sent, method="GET", url=self.base_url + SERVER_TIME.path)


# A run's other workers start connecting this long after its first. When many runs start together
# (20 sub-accounts), every worker's connection was begun before any could complete, so even the first
# request of each run waited for all 200 connections' set-up (~0.1 s of CPU); now each run's first
# request goes out after 20 connections, and its first window is spread as its later ones must be. On
# a real link a connection takes longer than this, and the others' overlap it as before.
_FOLLOWERS_AFTER_S = 0.005


def _listed(order: Order) -> Listed:
    coid = order.client_oid if isinstance(order.client_oid, str) and order.client_oid else None
    return Listed(order.symbol, order.order_id, coid)


class BitgetClient(Operations, _BaseClient):
    """Synchronous client. Thread-safe; reuse one instance (it keeps connections alive)."""

    def _default_transport(self, extra: dict[str, Any]) -> dict[str, Any]:
        trust_env = extra.get("trust_env", True)
        context = tls_context(extra) or context_for(self.base_url)
        pool = {k: extra[k] for k in ("limits", "http1", "http2") if k in extra}
        return {"transport": DeadlineTransport(ssl_context=context, trust_env=trust_env, proxy=self._proxy, **pool)}

    @functools.cached_property
    def _wire(self) -> Wire:
        return Wire(self._api.get_httpx_client(), self._transport)

    def _fetch(
        self, prepared: Prepared, deadline: float | None = None, permit: Permit | None = None
    ) -> tuple[httpx.Response, bytes | None]:
        """One request, bounded by `timeout` (or the run's deadline) as a whole (DeadlineTransport) and by
        the answer size cap. `permit` learns when the request was written and answered."""
        ends = self._attempt_deadline(deadline)
        if ends <= time.monotonic():
            raise OutOfTime
        with deadline_scope(ends):
            response = self._wire.send(prepared.request(None if permit is None else permit.trace))
            try:
                return response, read_capped(response, MAX_ANSWER_BYTES, ends)
            except AnswerTooLarge:
                return response, None
            finally:
                response.close()

    def _attempt(
        self,
        op: Operation,
        prepared: Prepared,
        deadline: float | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> Attempt:
        """One attempt within the operation's budget; the permit learns when the request arrived.
        `on_send()` runs once the permit is held, just before the request goes out (a journal then
        records it as possibly sent; a crash while waiting for the permit leaves it unsent)."""
        started = time.perf_counter()
        try:
            with gated(self._limiters[op.id], self._ip, deadline, self._server) as permit:
                if on_send is not None:
                    on_send()
                started = time.perf_counter()
                response, content = self._fetch(prepared, deadline, permit)
                attempt = self._classify(op, response, content, time.perf_counter() - started)
                permit.answered(attempt.request_time_ms, throttled=attempt.throttled)
        except OutOfTime:
            return self._out_of_time(op)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return self._transport_failure(op, exc, deadline, time.perf_counter() - started)
        return attempt

    def _drive(
        self,
        op: Operation,
        prepared: Prepared,
        *,
        retry_uncertain: bool,
        run: CancelRun | None = None,
        index: int | None = None,
        deadline: float | None = None,
        patient: bool = False,
    ) -> Attempts:
        """One request through its retries. With `run` and `index`: batch `index` of the run (counted,
        journaled, recorded); with `run` alone: a settling read of the run (recorded)."""
        batch = run is not None and index is not None
        stop = run.should_stop if batch and run is not None else None
        prior = run.prior(index) if run is not None and index is not None else 0
        steps = self._steps(retry_uncertain, stop, deadline, patient, prior)
        records: list[int] = []  # a settling read's attempts, recorded in the run
        attempt: Attempt | None = None
        step = next(steps)
        try:
            while True:
                if isinstance(step, Sleep):
                    self._log_retry(op, attempt, step.seconds)
                    time.sleep(_clip(step.seconds, deadline))
                    step = steps.send(None)
                elif isinstance(step, SyncClock):
                    with contextlib.suppress(BitgetError):
                        self.sync_time()
                    step = steps.send(None)
                elif run is not None and index is not None:
                    attempt = self._attempt(op, prepared, deadline, functools.partial(run.sending, index))
                    run.observe(index, attempt)
                    step = steps.send(attempt)
                else:
                    attempt = self._attempt(op, prepared, deadline)
                    if run is not None and not attempt.not_sent:
                        records.append(run.read_attempt(op.id, len(records) + 1, attempt))
                    step = steps.send(attempt)
        except StopIteration as stop:
            result: Attempts = stop.value
            if run is not None and records:
                run.read_ended(records, result.final.kind == "ok")
            return result

    def _call(
        self,
        op: Operation,
        *,
        deadline: float | None = None,
        patient: bool = False,
        run: CancelRun | None = None,
        raw: bool = False,
        **params: Any,
    ) -> Any:
        """One operation: signed, limited, retried (reads always; a cancel only while surely without effect).
        `patient`: part of a run, so a 429 is retried while time remains (see `attempt_steps`); `run`:
        its attempts are recorded in that run's report; `raw`: a `RawResponse` instead of the model."""
        prepared = self._request(op, **params)
        result = self._drive(op, prepared, retry_uncertain=op.idempotent, run=run, deadline=deadline, patient=patient)
        return self._raw(op, result) if raw else self._result(op, result)

    def _op(self, operation_id: str, given: Mapping[str, Any], args: dict[str, Any]) -> Any:
        """A public operation call (the methods `_surface` generates): its arguments checked against the
        contract before any I/O, with its per-call options."""
        op = OPERATIONS[operation_id]
        params = op.check_args(args)
        client, deadline = self._per_call(given)
        return client._call(op, deadline=deadline, **params)

    def _op_raw(self, operation_id: str, given: Mapping[str, Any], args: dict[str, Any]) -> RawResponse[Any]:
        op = OPERATIONS[operation_id]
        params = op.check_args(args)
        client, deadline = self._per_call(given)
        result: RawResponse[Any] = client._call(op, deadline=deadline, raw=True, **params)
        return result

    @property
    def with_raw_response(self) -> RawOperations:
        """The operations answered as `RawResponse` (status, headers, requestTime, parsed model)."""
        return RawOperations(self)

    # --- the batch job -------------------------------------------------------------------------

    def cancel_orders(
        self,
        *,
        symbol: str | None = None,
        order_ids: Iterable[str] | None = None,
        client_oids: Iterable[str] | None = None,
        orders: Iterable[OrderItem | Mapping[str, str]] | None = None,
        batch_mode: BatchModeOption = "auto",
        on_progress: ProgressCallback | None = None,
        settle: bool = True,
        deadline_s: float | None = None,
        journal: str | os.PathLike[str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """Cancel any number of orders: validated up front, split into valid batches, sent within the rate
        limit with retries, and accounted for order by order in the returned `CancelReport`.

        `journal="run.db"` records the run in a new SQLite file as it goes (the plan, each attempt before
        it is sent, each answer and outcome), so that if this process dies, `resume("run.db")` finishes
        the run from another one (JournalError if the file already exists).

        `deadline_s` bounds the whole run (sending, retries, settling): when it passes, batches not sent
        are `failed` ("not sent"), attempts in flight are cut short (`unknown`), settling stops, and the
        report is returned as things stand (`report.deadline_passed`). A 429 is retried while time
        remains (the deadline, else `THROTTLED_PATIENCE_S`): the exchange refused it before any effect.

        With `settle` (the default), every order whose outcome is unknown, and every "does not exist"
        failure, is then read back from the exchange (orderInfo, or the open and closed order lists):
        cancelled, filled (failed, with `status="filled"`), still live (failed), or not found (failed);
        `unknown` remains only where the reads themselves failed. `settle=False` skips the reads.

        Raises `BatchValidationError` before any I/O. Any other `BitgetError` that ends the run carries
        `.report` for every order: refused credentials (`AuthenticationError`, `TimestampError`,
        `PermissionDeniedError`), an unreachable exchange (`BitgetTransportError`), `CancelAbortedError`.
        `on_progress(orders_done, orders_total)` is called after each batch (from worker threads).
        KeyboardInterrupt propagates with `.report` set on it.
        """
        client, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
        run = client._plan(symbol, order_ids, client_oids, orders, batch_mode, on_progress, deadline_s)
        book = client._journal_for(run, journal, settle)
        try:
            report = client._execute(run, settle, range(len(run.batches)))
            if book is not None:
                book.finished(report)
            return report
        finally:
            if book is not None:
                book.close()

    def resume(
        self,
        journal: str | os.PathLike[str],
        *,
        deadline_s: float | None = None,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """Finish the run recorded in `journal` (see `cancel_orders(journal=...)`) after its process died.

        Batches never sent are sent; a batch sent without a recorded answer may have cancelled its
        orders, so they are `unknown` and settled through the order-state reads (if the run settled);
        recorded outcomes stand. The report accounts for every order of the original input once. A
        finished run's journal gives back its report without any I/O. `JournalError` for a journal of
        another API key or UID, or of another contract version.
        """
        if timeout is not None or max_retries is not None or extra_headers is not None:
            scoped, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
            return scoped.resume(journal, deadline_s=deadline_s, on_progress=on_progress)
        book, run, settle = self._restore(journal, deadline_s, on_progress)
        try:
            if book.meta().get("finished") == "1":
                return _stored_report(book, run)
            report = self._execute(run, settle, run.pending())
            book.finished(report)
            return report
        finally:
            book.close()

    def _execute(self, run: CancelRun, settle: bool, todo: Iterable[int]) -> CancelReport:
        """Send batches `todo` of the run (threads), settle, and report."""
        deadline = run.deadline
        todo = list(todo)
        settler = ThreadSettler(run, self.settle_lag_s, lambda r: self._read(r, deadline, run)) if settle else None

        def send(i: int) -> None:
            if not run.begin(i):
                return
            try:
                prepared = self._request(BATCH_CANCEL, body=run.batches[i].body())
                result = self._drive(
                    BATCH_CANCEL, prepared, retry_uncertain=True, run=run, index=i, deadline=deadline, patient=True
                )
                ended = run.record(i, result)
                if settler is not None:
                    settler.offer(ended)
            except Exception as exc:  # a bug must not lose the report: the batch is in flight, so unknown
                run.fail(i, exc)

        try:
            if self.max_concurrency == 1 or len(todo) <= 1:
                for i in todo:
                    send(i)
            else:
                with ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="bitget-cancel") as pool:
                    futures = [pool.submit(send, i) for i in todo]
                    try:
                        for future in futures:
                            future.result()
                    except BaseException as exc:  # KeyboardInterrupt: start nothing new, let in-flight finish
                        run.interrupt(exc)
                        raise
            if settler is not None:
                cancels_ended = time.perf_counter()
                settler.finish()
                run.settling_added(time.perf_counter() - cancels_ended)
        except BaseException as exc:
            run.interrupt(exc)
            if settler is not None:
                settler.stop()
            with contextlib.suppress(AttributeError):
                exc.report = run.snapshot()  # type: ignore[attr-defined]
            raise
        report = run.report()
        if log.isEnabledFor(logging.INFO):  # counting 5,000 rows for a line nobody reads is not free
            log.info("cancel_orders: %s", report.summary())
        return report

    def iter_unfilled_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Iterator[Order]:
        """Every open order (of `symbol`, or of the account), newest first, page after page (100 a page,
        within the read limit)."""
        client, deadline = self._per_call(options)  # deadline_s bounds the whole iteration
        return client._pages(UNFILLED_ORDERS, symbol, start_time, end_time, deadline)

    def iter_history_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Iterator[Order]:
        """Every filled or cancelled order of the last 90 days (of `symbol`, or of the account), newest first."""
        client, deadline = self._per_call(options)  # deadline_s bounds the whole iteration
        return client._pages(HISTORY_ORDERS, symbol, start_time, end_time, deadline)

    def _pages(self, op: Operation, symbol: Any, start: Any, end: Any, deadline: float | None) -> Iterator[Order]:
        query = page_query(op, symbol, start, end, None, PAGE, None)  # checked before the first read
        while True:
            page: OrderListResponse = self._call(op, deadline=deadline, **query)
            yield from page.data
            if len(page.data) < PAGE:
                return
            query["id_less_than"] = page.data[-1].order_id

    def cancel_open_orders(
        self,
        *,
        symbols: Iterable[str] | None = None,
        all_symbols: bool = False,
        strategy: Strategy = "auto",
        deadline_s: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """Cancel everything open on `symbols` (or, `all_symbols=True`, on the whole account) and prove it:
        list what is open, cancel it, list again, until nothing is open or `deadline_s` passes, catching
        orders placed meanwhile. `strategy`: "batch" (batch cancels at the full rate), "symbol"
        (cancel-symbol-order, asynchronous, then read back), or "auto" (whichever is faster per round).

        Returns a `CancelReport` of every order that was open at any listing, exactly once (`cancelled`
        only when an answer or a read said so), with `rounds` and `remaining` (still open at the end).
        """
        if timeout is not None or max_retries is not None or extra_headers is not None:
            scoped, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
            return scoped.cancel_open_orders(
                symbols=symbols, all_symbols=all_symbols, strategy=strategy, deadline_s=deadline_s
            )
        names, strategy, deadline_s = cancel_all_args(symbols, all_symbols, strategy, deadline_s)
        deadline = None if deadline_s is None else time.monotonic() + deadline_s
        steps = self._cancel_all_steps(names, strategy, deadline)
        start = time.perf_counter()
        action = next(steps)
        try:
            while True:
                if isinstance(action, ListOpen) and action.stream:
                    found: Any = self._list_and_cancel(action.symbols, deadline)
                elif isinstance(action, ListOpen):
                    try:
                        found = [
                            _listed(o)
                            for name in action.symbols or [None]
                            for o in self._pages(UNFILLED_ORDERS, name, None, None, deadline)
                        ]
                    except BitgetError as exc:
                        found = exc
                elif isinstance(action, CancelBatches):
                    orders = [{"symbol": o.symbol, "orderId": o.order_id} for o in action.orders]
                    found = self.cancel_orders(orders=orders, deadline_s=_left(deadline))
                elif isinstance(action, Pause):
                    time.sleep(_clip(action.seconds, deadline))
                    found = None
                else:
                    found = self._cancel_symbols(action, deadline)
                action = steps.send(found)
        except StopIteration as stop:
            report: CancelReport = stop.value
        report.elapsed_s = time.perf_counter() - start
        return report

    def _list_and_cancel(self, symbols: tuple[str, ...] | None, deadline: float | None) -> Any:
        """List open orders on a worker thread and cancel them, STREAM_CHUNK at a time, as they come:
        the first cancels go out after one page instead of after every page."""
        chunks: queue.SimpleQueue[list[Listed] | BaseException | None] = queue.SimpleQueue()

        def produce() -> None:
            try:
                chunk: list[Listed] = []
                for name in symbols or [None]:
                    for order in self._pages(UNFILLED_ORDERS, name, None, None, deadline):
                        chunk.append(_listed(order))
                        if len(chunk) >= STREAM_CHUNK:
                            chunks.put(chunk)
                            chunk = []
                if chunk:
                    chunks.put(chunk)
            except BaseException as exc:  # handed to the consumer, which raises or reports it
                chunks.put(exc)
            finally:
                chunks.put(None)

        worker = threading.Thread(target=produce, name="bitget-list", daemon=True)
        worker.start()
        listed: list[Listed] = []
        reports: list[CancelReport] = []
        failure: BaseException | None = None
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                failure = item
                continue
            listed += item
            orders = [{"symbol": o.symbol, "orderId": o.order_id} for o in item]
            reports.append(self.cancel_orders(orders=orders, deadline_s=_left(deadline), settle=False))
        worker.join()
        if failure is not None and not listed:
            return failure
        merged = merge(reports)
        targets = to_settle(merged)  # settled once for the round, not once a chunk (each would wait the lag)
        if targets:
            merged = settled_report(merged, *self._settle_targets(targets, deadline))
        return listed, merged

    def _cancel_symbols(self, action: CancelSymbols, deadline: float | None) -> tuple[Any, dict[str, str], int, int]:
        errors: dict[str, str] = {}
        for symbol in action.symbols:
            try:
                body = CANCEL_SYMBOL.check_args({"symbol": symbol})["body"]
                self._call(CANCEL_SYMBOL, deadline=deadline, patient=True, body=body)
            except BitgetError as exc:
                errors[symbol] = f"cancel-symbol-order failed: {exc}"
        settled, count = self._settle_targets(as_unknown(action.orders), deadline)
        return settled, errors, len(action.symbols), count

    def _settle_targets(self, targets: list[Resolved], deadline: float | None) -> tuple[list[Resolved], int]:
        """Read these outcomes back (written now): their new resolutions, and the reads made."""
        sent_at = time.monotonic()
        reads = settle_steps(targets, lag_s=self.settle_lag_s, written_at={r.position: sent_at for r in targets})
        try:
            step = next(reads)
            while True:
                if isinstance(step, Wait):
                    time.sleep(_clip(step.seconds, deadline))
                    step = reads.send(None)
                    continue
                try:
                    answer: Any = self._read(step, deadline)
                except BitgetError as exc:
                    answer = exc
                step = reads.send(answer)
        except StopIteration as stop:
            settled, count = stop.value
        return settled, count

    def _read(self, read: Read, deadline: float | None = None, run: CancelRun | None = None) -> Any:
        """One settling read, checked against the contract like any call (recorded in `run`'s report)."""
        return self._call(read.op, deadline=deadline, patient=True, run=run, **read.op.check_query(read.params))

    def sync_time(self) -> int:
        """Measure the offset to Bitget's clock (one GET /api/v2/public/time) and sign with it from now on."""
        start = time.time()
        try:
            with gated(self._limiters[SERVER_TIME.id], self._ip, None, self._server):
                response, content = self._fetch(self._request(SERVER_TIME))
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._time_error(exc) from None
        self.clock.offset_ms = _offset(response.status_code, content, start, time.time())
        return self.clock.offset_ms

    def close(self) -> None:
        self._release_budgets()
        self._api.get_httpx_client().close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncBitgetClient(AsyncOperations, _BaseClient):
    """asyncio client with the same methods as `BitgetClient`; batches go out concurrently."""

    def _default_transport(self, extra: dict[str, Any]) -> dict[str, Any]:
        context = tls_context(extra) or context_for(self.base_url) or default_ssl_context(extra.get("trust_env", True))
        pool = {k: extra[k] for k in ("limits", "http1", "http2") if k in extra}
        return {"transport": AsyncPoolTransport(context, proxy=self._proxy, **pool)}

    @functools.cached_property
    def _wire(self) -> Wire:
        return Wire(self._api.get_async_httpx_client(), self._transport)

    async def _fetch(
        self, prepared: Prepared, deadline: float | None = None, permit: Permit | None = None
    ) -> tuple[httpx.Response, bytes | None]:
        """One request, bounded by `timeout` (or the run's deadline) as a whole (asyncio.timeout) and by
        the answer size cap.

        httpx's own per-phase timeouts equal `timeout` and fire first while connecting, so a connection
        that cannot be made is still told apart (nothing sent) from an answer that never came.
        """
        bound = self.timeout_s + _ASYNC_GRACE_S
        if deadline is not None:
            bound = min(bound, deadline - time.monotonic())
            if bound <= 0:
                raise OutOfTime
        try:
            async with asyncio.timeout(bound):
                await self._wire.apreconnect(prepared.url, prepared.extensions["timeout"])
                response = await self._wire.asend(prepared.request(None if permit is None else permit.atrace))
                try:
                    return response, await aread_capped(response, MAX_ANSWER_BYTES)
                except AnswerTooLarge:
                    return response, None
                finally:
                    await response.aclose()
        except TimeoutError:
            raise httpx.ReadTimeout(f"no complete answer within the {self.timeout_s:g} s timeout") from None

    async def _preconnect(self, deadline: float | None) -> None:
        """A run's worker connects before it prepares its first request (see `_wire.apreconnect`): the
        run's workers all start together, and each then prepares while the others' connections are
        being made, instead of all preparing before any connection is there. Any failure is left to
        the attempt, which connects again and reports it (so nothing here can fail a batch); this wait
        is bounded by the run's deadline."""
        url = self._wire.url("POST", BATCH_CANCEL.path, None)
        with contextlib.suppress(Exception):
            async with asyncio.timeout(_left(deadline)):
                await self._wire.apreconnect(url, self._httpx_timeout.as_dict())

    async def _attempt(
        self,
        op: Operation,
        prepared: Prepared,
        deadline: float | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> Attempt:
        """See `BitgetClient._attempt`."""
        started = time.perf_counter()
        try:
            async with agated(self._limiters[op.id], self._ip, deadline, self._server) as permit:
                if on_send is not None:
                    on_send()
                started = time.perf_counter()
                response, content = await self._fetch(prepared, deadline, permit)
                attempt = self._classify(op, response, content, time.perf_counter() - started)
                permit.answered(attempt.request_time_ms, throttled=attempt.throttled)
        except OutOfTime:
            return self._out_of_time(op)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return self._transport_failure(op, exc, deadline, time.perf_counter() - started)
        return attempt

    async def _drive(
        self,
        op: Operation,
        prepared: Prepared,
        *,
        retry_uncertain: bool,
        run: CancelRun | None = None,
        index: int | None = None,
        deadline: float | None = None,
        patient: bool = False,
    ) -> Attempts:
        """See `BitgetClient._drive`."""
        batch = run is not None and index is not None
        stop = run.should_stop if batch and run is not None else None
        prior = run.prior(index) if run is not None and index is not None else 0
        steps = self._steps(retry_uncertain, stop, deadline, patient, prior)
        records: list[int] = []  # a settling read's attempts, recorded in the run
        attempt: Attempt | None = None
        step = next(steps)
        try:
            while True:
                if isinstance(step, Sleep):
                    self._log_retry(op, attempt, step.seconds)
                    await asyncio.sleep(_clip(step.seconds, deadline))
                    step = steps.send(None)
                elif isinstance(step, SyncClock):
                    with contextlib.suppress(BitgetError):
                        await self.sync_time()
                    step = steps.send(None)
                elif run is not None and index is not None:
                    attempt = await self._attempt(op, prepared, deadline, functools.partial(run.sending, index))
                    run.observe(index, attempt)
                    step = steps.send(attempt)
                else:
                    attempt = await self._attempt(op, prepared, deadline)
                    if run is not None and not attempt.not_sent:
                        records.append(run.read_attempt(op.id, len(records) + 1, attempt))
                    step = steps.send(attempt)
        except StopIteration as stop:
            result: Attempts = stop.value
            if run is not None and records:
                run.read_ended(records, result.final.kind == "ok")
            return result

    async def _call(
        self,
        op: Operation,
        *,
        deadline: float | None = None,
        patient: bool = False,
        run: CancelRun | None = None,
        raw: bool = False,
        **params: Any,
    ) -> Any:
        """See `BitgetClient._call`."""
        prepared = self._request(op, **params)
        result = await self._drive(
            op, prepared, retry_uncertain=op.idempotent, run=run, deadline=deadline, patient=patient
        )
        return self._raw(op, result) if raw else self._result(op, result)

    async def _op(self, operation_id: str, given: Mapping[str, Any], args: dict[str, Any]) -> Any:
        """See `BitgetClient._op`."""
        op = OPERATIONS[operation_id]
        params = op.check_args(args)
        client, deadline = self._per_call(given)
        return await client._call(op, deadline=deadline, **params)

    async def _op_raw(self, operation_id: str, given: Mapping[str, Any], args: dict[str, Any]) -> RawResponse[Any]:
        op = OPERATIONS[operation_id]
        params = op.check_args(args)
        client, deadline = self._per_call(given)
        result: RawResponse[Any] = await client._call(op, deadline=deadline, raw=True, **params)
        return result

    @property
    def with_raw_response(self) -> AsyncRawOperations:
        """See `BitgetClient.with_raw_response`."""
        return AsyncRawOperations(self)

    # --- the batch job -------------------------------------------------------------------------

    async def cancel_orders(
        self,
        *,
        symbol: str | None = None,
        order_ids: Iterable[str] | None = None,
        client_oids: Iterable[str] | None = None,
        orders: Iterable[OrderItem | Mapping[str, str]] | None = None,
        batch_mode: BatchModeOption = "auto",
        on_progress: ProgressCallback | None = None,
        settle: bool = True,
        deadline_s: float | None = None,
        journal: str | os.PathLike[str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """See `BitgetClient.cancel_orders`; up to `max_concurrency` batches are in flight at once.

        Cancelling the task (`task.cancel()`, `asyncio.wait_for`) lets it finish cancelling its requests
        and re-raises CancelledError with `.report` set: every order accounted for as things stood.
        """
        client, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
        run = client._plan(symbol, order_ids, client_oids, orders, batch_mode, on_progress, deadline_s)
        book = client._journal_for(run, journal, settle)
        try:
            report = await client._execute(run, settle, range(len(run.batches)))
            if book is not None:
                book.finished(report)
            return report
        finally:
            if book is not None:
                book.close()

    async def resume(
        self,
        journal: str | os.PathLike[str],
        *,
        deadline_s: float | None = None,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """See `BitgetClient.resume`."""
        if timeout is not None or max_retries is not None or extra_headers is not None:
            scoped, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
            return await scoped.resume(journal, deadline_s=deadline_s, on_progress=on_progress)
        book, run, settle = self._restore(journal, deadline_s, on_progress)
        try:
            if book.meta().get("finished") == "1":
                return _stored_report(book, run)
            report = await self._execute(run, settle, run.pending())
            book.finished(report)
            return report
        finally:
            book.close()

    async def _execute(self, run: CancelRun, settle: bool, todo: Iterable[int]) -> CancelReport:
        """See `BitgetClient._execute` (tasks instead of threads)."""
        deadline = run.deadline
        settler = TaskSettler(run, self.settle_lag_s, lambda r: self._read(r, deadline, run)) if settle else None
        todo = list(todo)
        batches = iter(todo)
        to_warm = min(self.max_concurrency, len(todo))
        warming = to_warm  # workers that connect first (the first of them at once)

        async def worker() -> None:
            # `max_concurrency` workers taking batches in order, rather than a task per batch behind a
            # semaphore: a 5,000-order run then starts 10 tasks, not 100 (20 accounts at once: 200, not
            # 2,000, all created before the first request could go out).
            nonlocal to_warm
            if to_warm > 0:
                to_warm -= 1
                if to_warm < warming - 1:  # not the run's first worker
                    await asyncio.sleep(_FOLLOWERS_AFTER_S)
                await self._preconnect(deadline)
            for i in batches:
                if not run.begin(i):
                    continue
                try:
                    prepared = self._request(BATCH_CANCEL, body=run.batches[i].body())
                    result = await self._drive(
                        BATCH_CANCEL, prepared, retry_uncertain=True, run=run, index=i, deadline=deadline, patient=True
                    )
                    ended = run.record(i, result)
                    if settler is not None:
                        settler.offer(ended)
                except Exception as exc:  # a bug must not lose the report: the batch is in flight, so unknown
                    run.fail(i, exc)

        try:
            await asyncio.gather(*(worker() for _ in range(self.max_concurrency)))
            if settler is not None:
                cancels_ended = time.perf_counter()
                await settler.finish()
                run.settling_added(time.perf_counter() - cancels_ended)
        except BaseException as exc:
            run.interrupt(exc)
            if settler is not None:
                await settler.stop()
            with contextlib.suppress(AttributeError):
                exc.report = run.snapshot()  # type: ignore[attr-defined]
            raise
        report = run.report()
        if log.isEnabledFor(logging.INFO):
            log.info("cancel_orders: %s", report.summary())
        return report

    def iter_unfilled_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncIterator[Order]:
        """See `BitgetClient.iter_unfilled_orders` (`async for`)."""
        client, deadline = self._per_call(options)  # deadline_s bounds the whole iteration
        return client._pages(UNFILLED_ORDERS, symbol, start_time, end_time, deadline)

    def iter_history_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncIterator[Order]:
        """See `BitgetClient.iter_history_orders` (`async for`)."""
        client, deadline = self._per_call(options)  # deadline_s bounds the whole iteration
        return client._pages(HISTORY_ORDERS, symbol, start_time, end_time, deadline)

    async def _pages(
        self, op: Operation, symbol: Any, start: Any, end: Any, deadline: float | None
    ) -> AsyncIterator[Order]:
        query = page_query(op, symbol, start, end, None, PAGE, None)
        while True:
            page: OrderListResponse = await self._call(op, deadline=deadline, **query)
            for order in page.data:
                yield order
            if len(page.data) < PAGE:
                return
            query["id_less_than"] = page.data[-1].order_id

    async def cancel_open_orders(
        self,
        *,
        symbols: Iterable[str] | None = None,
        all_symbols: bool = False,
        strategy: Strategy = "auto",
        deadline_s: float | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """See `BitgetClient.cancel_open_orders`."""
        if timeout is not None or max_retries is not None or extra_headers is not None:
            scoped, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
            return await scoped.cancel_open_orders(
                symbols=symbols, all_symbols=all_symbols, strategy=strategy, deadline_s=deadline_s
            )
        names, strategy, deadline_s = cancel_all_args(symbols, all_symbols, strategy, deadline_s)
        deadline = None if deadline_s is None else time.monotonic() + deadline_s
        steps = self._cancel_all_steps(names, strategy, deadline)
        start = time.perf_counter()
        action = next(steps)
        try:
            while True:
                if isinstance(action, ListOpen) and action.stream:
                    found: Any = await self._list_and_cancel(action.symbols, deadline)
                elif isinstance(action, ListOpen):
                    found = []
                    try:
                        for name in action.symbols or [None]:
                            found += [
                                _listed(o) async for o in self._pages(UNFILLED_ORDERS, name, None, None, deadline)
                            ]
                    except BitgetError as exc:
                        found = exc
                elif isinstance(action, CancelBatches):
                    orders = [{"symbol": o.symbol, "orderId": o.order_id} for o in action.orders]
                    found = await self.cancel_orders(orders=orders, deadline_s=_left(deadline))
                elif isinstance(action, Pause):
                    await asyncio.sleep(_clip(action.seconds, deadline))
                    found = None
                else:
                    found = await self._cancel_symbols(action, deadline)
                action = steps.send(found)
        except StopIteration as stop:
            report: CancelReport = stop.value
        report.elapsed_s = time.perf_counter() - start
        return report

    async def _list_and_cancel(self, symbols: tuple[str, ...] | None, deadline: float | None) -> Any:
        """See `BitgetClient._list_and_cancel` (a listing task instead of a thread)."""
        chunks: asyncio.Queue[list[Listed] | BaseException | None] = asyncio.Queue()

        async def produce() -> None:
            try:
                chunk: list[Listed] = []
                for name in symbols or [None]:
                    async for order in self._pages(UNFILLED_ORDERS, name, None, None, deadline):
                        chunk.append(_listed(order))
                        if len(chunk) >= STREAM_CHUNK:
                            chunks.put_nowait(chunk)
                            chunk = []
                if chunk:
                    chunks.put_nowait(chunk)
            except Exception as exc:
                chunks.put_nowait(exc)
            finally:
                chunks.put_nowait(None)

        task = asyncio.ensure_future(produce())
        listed: list[Listed] = []
        reports: list[CancelReport] = []
        failure: BaseException | None = None
        try:
            while (item := await chunks.get()) is not None:
                if isinstance(item, BaseException):
                    failure = item
                    continue
                listed += item
                orders = [{"symbol": o.symbol, "orderId": o.order_id} for o in item]
                reports.append(await self.cancel_orders(orders=orders, deadline_s=_left(deadline), settle=False))
        finally:
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if failure is not None and not listed:
            return failure
        merged = merge(reports)
        targets = to_settle(merged)
        if targets:
            merged = settled_report(merged, *await self._settle_targets(targets, deadline))
        return listed, merged

    async def _cancel_symbols(
        self, action: CancelSymbols, deadline: float | None
    ) -> tuple[Any, dict[str, str], int, int]:
        errors: dict[str, str] = {}
        for symbol in action.symbols:
            try:
                body = CANCEL_SYMBOL.check_args({"symbol": symbol})["body"]
                await self._call(CANCEL_SYMBOL, deadline=deadline, patient=True, body=body)
            except BitgetError as exc:
                errors[symbol] = f"cancel-symbol-order failed: {exc}"
        settled, count = await self._settle_targets(as_unknown(action.orders), deadline)
        return settled, errors, len(action.symbols), count

    async def _settle_targets(self, targets: list[Resolved], deadline: float | None) -> tuple[list[Resolved], int]:
        """See `BitgetClient._settle_targets`."""
        sent_at = time.monotonic()
        reads = settle_steps(targets, lag_s=self.settle_lag_s, written_at={r.position: sent_at for r in targets})
        try:
            step = next(reads)
            while True:
                if isinstance(step, Wait):
                    await asyncio.sleep(_clip(step.seconds, deadline))
                    step = reads.send(None)
                    continue
                try:
                    answer: Any = await self._read(step, deadline)
                except BitgetError as exc:
                    answer = exc
                step = reads.send(answer)
        except StopIteration as stop:
            settled, count = stop.value
        return settled, count

    async def _read(self, read: Read, deadline: float | None = None, run: CancelRun | None = None) -> Any:
        """See `BitgetClient._read`."""
        return await self._call(read.op, deadline=deadline, patient=True, run=run, **read.op.check_query(read.params))

    async def sync_time(self) -> int:
        """See `BitgetClient.sync_time`."""
        start = time.time()
        try:
            async with agated(self._limiters[SERVER_TIME.id], self._ip, None, self._server):
                response, content = await self._fetch(self._request(SERVER_TIME))
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._time_error(exc) from None
        self.clock.offset_ms = _offset(response.status_code, content, start, time.time())
        return self.clock.offset_ms

    async def aclose(self) -> None:
        self._release_budgets()
        await self._api.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        """Readies what the first request would otherwise make while the clock runs: the httpx client
        and its transport, and anyio's asyncio backend, which httpcore's async pool imports on first
        use (~90 ms in a fresh process). A client opened before an incident then starts sending at once."""
        self._api.get_async_httpx_client()
        await anyio.lowlevel.checkpoint()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _left(deadline: float | None) -> float | None:
    """What remains of the deadline (at least 1 ms: a round that starts is given its chance)."""
    return None if deadline is None else max(0.001, deadline - time.monotonic())


def _clip(seconds: float, deadline: float | None) -> float:
    """A wait, cut at the deadline."""
    return seconds if deadline is None else max(0.0, min(seconds, deadline - time.monotonic()))


def _offset(status: int, content: bytes | None, sent_at: float, received_at: float) -> int:
    """Server time minus the local midpoint of the round trip, in ms."""
    try:
        server_ms = int(json.loads(content or b"")["data"]["serverTime"])
    except (ValueError, KeyError, TypeError, RecursionError):
        raise BitgetAPIError(str(status), "unexpected server time response", status) from None
    return server_ms - int((sent_at + received_at) * 500)
