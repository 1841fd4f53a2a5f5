"""What both clients share, written once: options and their checks, budgets, the request as prepared
for every attempt, what an answer means, and a run's plan and journal.

The generated package does the contract's part: each operation's public `build_request` gives the
request (method, path, sorted query, JSON body, header parameters), its models parse the answers, and
`bitget_api.facts` holds the contract's facts (paths, limits, error codes). This layer adds what a
contract cannot: `BitgetAuth` signs the exact bytes sent, each attempt afresh (`_http/wire.py`: the
request is prepared once per call and handed to the httpx client's transport); a budget per UID and
operation (the contract's `x-rate-limit`); a deadline per attempt; retries; and what an answer means
(`_core/engine.py`). The I/O around it is `_async/client.py`, from which `_sync/client.py` is generated.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import random
import threading
import time
import weakref
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence, Sized
from typing import Any, Literal, Self, Unpack

import attrs
import httpx

from bitget_api import AuthenticatedClient
from bitget_api.models import (
    Order,
)
from bitget_api.types import UNSET

from ._core import options
from ._core.batching import Batch, BatchModeOption, plan
from ._core.credentials import Credentials
from ._core.engine import (
    Attempt,
    Attempts,
    CancelRun,
    LazyJitter,
    ProgressCallback,
    RetryPolicy,
    Send,
    Sleep,
    StopFlag,
    SyncClock,
    attempt_steps,
    classify_response,
    classify_transport,
    describe,
    out_of_time,
    redacted_headers,
)
from ._core.errors import BatchValidationError, BitgetAPIError, BitgetTransportError, JournalError
from ._core.logs import configure_logging
from ._core.operations import (
    BATCH_CANCEL,
    CANCEL_SYMBOL,
    OPERATIONS,
    SERVER_TIME,
    UNFILLED_ORDERS,
    Operation,
)
from ._core.params import (
    CLIENT_OPTIONS,
    ClientOptions,
    Strategy,
    check_deadline,
    check_request_options,
)
from ._core.raw import RawResponse, raw_response
from ._core.report import CancelReport
from ._core.signing import BitgetAuth, Clock
from ._core.symbols import SymbolCache
from ._http.transport import (
    proxy_for,
)
from ._http.wire import Prepared, Wire, encode_body
from ._limits.ip import Budget, check_ip_rate_limit, ip_budget, origin_of
from ._limits.redis_window import check_backend_url
from ._limits.registry import release_limiter, shared_limiter
from ._limits.window import Limiter, SlidingWindowLimiter, server_clock
from ._runs.cancel_all import (
    Listed,
    cancel_all_steps,
)
from ._runs.journal import Journal
from ._runs.resume import restore_run
from ._version import __version__

log = logging.getLogger("bitget_sdk")

DEFAULT_BASE_URL = "https://api.bitget.com"
Locale = Literal["en-US", "zh-CN"]
HttpBackend = Literal["httpx", "pyreqwest"]
# cancel_open_orders' batch strategy cancels what it lists this many orders at a time (10 batches)
# while the next pages are listed.
STREAM_CHUNK = 500


class BaseClient:
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
        http_backend: HttpBackend = "httpx",
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
        `http_backend`: "httpx" (httpx's own pool) or "pyreqwest" (the `fast` extra: Rust's reqwest under
        httpx, less CPU per request; `verify=`/`cert=` then refused, the CA bundle from `SSL_CERT_FILE`).
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
        self._root: BaseClient | None = None  # a derived client keeps the one that owns the budgets alive
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
        self._symbols = SymbolCache()  # getSymbols' answer, shared with the clients with_options makes
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
        self._http_backend = options.check_http_backend(http_backend)
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
        """The transport when the caller gives none (the client's `backend.default_transport`)."""
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
            op.method,
            self.base_url + op.path,
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
        stop: StopFlag | None = None,
    ) -> CancelRun:
        batches = plan(symbol, order_ids, client_oids, orders, batch_mode)
        log.debug("cancel_orders: %d orders in %d batches", sum(b.size for b in batches), len(batches))
        return self._new_run(batches, on_progress, deadline_s, stop)

    def _new_run(
        self,
        batches: Sequence[Batch],
        on_progress: ProgressCallback | None,
        deadline_s: float | None,
        stop: StopFlag | None = None,
    ) -> CancelRun:
        if on_progress is not None and not callable(on_progress):
            raise BatchValidationError("on_progress", "must be callable (orders_done, orders_total)")
        if stop is not None and not callable(getattr(stop, "is_set", None)):
            raise BatchValidationError("stop", "must have is_set() (a threading.Event)")
        deadline_s = check_deadline(deadline_s)
        deadline = None if deadline_s is None else time.monotonic() + deadline_s
        run = CancelRun(
            batches,
            on_progress,
            target=self.base_url + BATCH_CANCEL.path,
            deadline=deadline,
            deadline_s=deadline_s,
            stop=stop,
        )
        run.context = {
            "base_url": self.base_url,
            "account": self._owner_hint,
            "uid": self.uid,
            "sdk_version": __version__,
        }
        return run

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
        run.context["journal"] = str(book.path)
        return book

    def _continues(self, run: CancelRun, path: str | os.PathLike[str] | None) -> bool:
        """Whether `path` is an existing journal of the same orders as `run` (a run started again with its
        own journal, as a supervisor restarts a command): then it is resumed, not refused. A journal of
        other orders is JournalError, before anything is sent."""
        if path is None or not isinstance(path, str | os.PathLike) or not os.path.lexists(path):
            return False
        book = Journal.open(path, lock=False)
        try:
            planned = book.batches()
        finally:
            book.close()

        def orders(batches: Sequence[Batch]) -> list[tuple[str, str, str]]:
            return sorted((o.symbol, o.order_id or "", o.client_oid or "") for b in batches for o in b.orders)

        had, asked = orders(planned), orders(run.batches)
        if had != asked:
            raise JournalError(
                f"journal {path} records another run ({len(had)} orders, not these {len(asked)}): resume it, "
                "or choose a new path"
            )
        return True

    def _restore(
        self,
        path: str | os.PathLike[str],
        deadline_s: float | None,
        on_progress: ProgressCallback | None,
        stop: StopFlag | None = None,
    ) -> tuple[Journal, CancelRun, bool]:
        """A run rebuilt from its journal: recorded outcomes filed, batches sent without a recorded
        answer filed as unknown (they may have cancelled their orders), the rest left to send."""
        if not isinstance(path, str | os.PathLike):
            raise BatchValidationError("journal", f"must be a file path, not {type(path).__name__}")
        book = Journal.open(path)
        try:
            book.check(self._owner, self.base_url)
            run = self._new_run(book.batches(), on_progress, deadline_s, stop)
            run.context.update(journal=str(book.path), resumed=True)
            run.listener = book
            restore_run(run, book)
        except BaseException:
            book.close()
            raise
        return book, run, book.meta().get("settle") == "1"

    def _cancel_all_steps(
        self, names: tuple[str, ...] | None, strategy: Strategy, deadline: float | None, inbox: list[Any]
    ) -> Generator[Any, Any, CancelReport]:
        return cancel_all_steps(
            names,
            strategy,
            out_of_time=lambda: deadline is not None and time.monotonic() >= deadline,
            rate=self.limiter.limit or BATCH_CANCEL.rate_limit,
            symbol_rate=CANCEL_SYMBOL.rate_limit,
            read_rate=UNFILLED_ORDERS.rate_limit,
            lag_s=self.settle_lag_s,
            inbox=inbox,
        )

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


def listed(order: Order) -> Listed:
    coid = order.client_oid if isinstance(order.client_oid, str) and order.client_oid else None
    return Listed(order.symbol, order.order_id, coid)


def sized(values: Any) -> Any:
    """An iterator of ids as a list (its length then tells where `orders` begin in the input); anything
    else as given, for the input checks to judge (a str is not a list of ids)."""
    if values is None or isinstance(values, str | bytes | Sized | Mapping) or not isinstance(values, Iterable):
        return values
    return list(values)


def left(deadline: float | None) -> float | None:
    """What remains of the deadline (at least 1 ms: a round that starts is given its chance)."""
    return None if deadline is None else max(0.001, deadline - time.monotonic())


def clip(seconds: float, deadline: float | None) -> float:
    """A wait, cut at the deadline."""
    return seconds if deadline is None else max(0.0, min(seconds, deadline - time.monotonic()))


def server_offset(status: int, content: bytes | None, sent_at: float, received_at: float) -> int:
    """Server time minus the local midpoint of the round trip, in ms."""
    try:
        server_ms = int(json.loads(content or b"")["data"]["serverTime"])
    except (ValueError, KeyError, TypeError, RecursionError):
        raise BitgetAPIError(str(status), "unexpected server time response", status) from None
    return server_ms - int((sent_at + received_at) * 500)
