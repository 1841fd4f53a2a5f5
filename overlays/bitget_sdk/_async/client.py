"""`AsyncBitgetClient`: every operation's I/O, one request through its retries, and the runs on top of
them (`cancel_orders`, `resume`, `cancel_open_orders`). The one source of both clients' I/O:
`tools/unasync.py` writes `_sync/client.py` (`BitgetClient`) from this file, and `backend` is the
layer of primitives that differ (tasks or threads, and the pool). Everything else is `BaseClient`'s.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Mapping, Sized
from types import TracebackType
from typing import Any, Self, TypeVar, Unpack

import httpx

from bitget_api.models import Order, OrderListResponse, SymbolListResponse

from .._base_client import STREAM_CHUNK, BaseClient, clip, left, listed, server_offset, sized
from .._core.batching import BatchModeOption, OrderItem
from .._core.engine import (
    MAX_ANSWER_BYTES,
    Attempt,
    Attempts,
    CancelRun,
    ProgressCallback,
    Resolved,
    Sleep,
    StopFlag,
    SyncClock,
)
from .._core.errors import BitgetError
from .._core.operations import (
    BATCH_CANCEL,
    BATCH_CANCEL_PLANS,
    CANCEL_SYMBOL,
    CURRENT_PLANS,
    HISTORY_ORDERS,
    HISTORY_PLANS,
    OPERATIONS,
    SERVER_TIME,
    SYMBOLS,
    UNFILLED_ORDERS,
    Operation,
)
from .._core.params import RequestOptions, Strategy, cancel_all_args, page_query
from .._core.report import CancelReport, OrderOutcome
from .._core.symbols import SYMBOLS_WAIT_S, check_names, first_unlisted, refusal
from .._http.wire import Prepared, Wire
from .._limits.window import OutOfTime, Permit
from .._runs.cancel_all import (
    CancelSymbols,
    Interrupted,
    Listed,
    ListOpen,
    Pause,
    Tally,
    as_partial,
    as_unknown,
    merge,
    reconciled_report,
    settled_report,
    to_settle,
    unreconciled,
)
from .._runs.journal import Journal
from .._runs.plans import MAX_SYMBOL_LIST, NOT_SENT, CancelPlans, ListPlans, merged_plan_results, plan_cancel_steps
from .._runs.resume import stored_report
from .._runs.settle import PAGE, Read, Wait, reconcile_steps, settle_steps
from .._surface import AsyncOperations, AsyncRawOperations
from . import backend
from .limits import agated
from .settler import Reconciler, Settler

T = TypeVar("T")
log = logging.getLogger("bitget_sdk")


class AsyncBitgetClient(AsyncOperations, BaseClient):
    """The client: reuse one instance (it keeps connections alive); safe to share between the callers of
    its kind. A run keeps up to `max_concurrency` batches in flight at once."""

    def _default_transport(self, extra: dict[str, Any]) -> dict[str, Any]:
        return backend.default_transport(self.base_url, self._proxy, extra, self._http_backend)

    @functools.cached_property
    def _wire(self) -> Wire:
        return Wire(backend.http_client(self._api), self._transport)

    async def _attempt(
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

    async def _fetch(
        self, prepared: Prepared, deadline: float | None = None, permit: Permit | None = None
    ) -> tuple[httpx.Response, bytes | None]:
        """One request, bounded by `timeout` (or the run's deadline) as a whole and by the answer size
        cap; `permit` learns when the request was written and answered."""
        return await backend.fetch(self._wire, prepared, permit, self.timeout_s, MAX_ANSWER_BYTES, deadline)

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
                    await backend.nap(clip(step.seconds, deadline), stop)
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
        """One operation: signed, limited, retried (reads always; a cancel only while surely without effect).
        `patient`: part of a run, so a 429 is retried while time remains (see `attempt_steps`); `run`:
        its attempts are recorded in that run's report; `raw`: a `RawResponse` instead of the model."""
        prepared = self._request(op, **params)
        result = await self._drive(
            op, prepared, retry_uncertain=op.idempotent, run=run, deadline=deadline, patient=patient
        )
        return self._raw(op, result) if raw else self._result(op, result)

    async def _op(self, operation_id: str, given: Mapping[str, Any], args: dict[str, Any], raw: bool = False) -> Any:
        """A public operation call (the methods `_surface` generates): its arguments checked against the
        contract before any I/O, with its per-call options."""
        op = OPERATIONS[operation_id]
        params = op.check_args(args)
        client, deadline = self._per_call(given)
        return await client._call(op, deadline=deadline, raw=raw, **params)

    @property
    def with_raw_response(self) -> AsyncRawOperations:
        """The operations answered as `RawResponse` (status, headers, requestTime, parsed model)."""
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
        stop: StopFlag | None = None,
        check_symbols: bool = False,
        reconcile: bool = False,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """Cancel any number of orders: validated up front, split into valid batches, sent within the rate
        limit with retries (up to `max_concurrency` batches in flight), and accounted for order by order
        in the returned `CancelReport`.

        `journal="run.db"` records the run in a new SQLite file as it goes (the plan, each attempt before
        it is sent, each answer and outcome), so that if this process dies, `resume("run.db")` finishes
        the run from another one. A journal that exists already is continued (as `resume`) if it records
        the same orders (the command run again), else refused (JournalError), nothing sent.

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
        `on_progress(orders_done, orders_total)` is called after each batch, from the workers.
        An interrupt (KeyboardInterrupt; with asyncio, cancelling the task) starts no new batch, lets the
        requests in flight end (blocking: for 2 s at most; asyncio: they are cancelled), and propagates with
        `.report` set on it: every order as things stood (an interrupt while the input is still being
        validated and planned has none: nothing was sent).

        `stop=threading.Event()` stops the run from another thread or a signal handler (`stop.set()`): no
        batch starts after it, the answers in flight are filed as they come, nothing is settled, and the
        report is returned with `stopped=True` (orders not sent are `failed`, "not sent").

        `reconcile=True` reads back the final state and filled size of the orders the answers said were
        cancelled (the order history, a page per ~2 batches, while the next batches are cancelled), so
        that each outcome has `status` and `filled_size` (settling gives them to the others) and
        `report.filled_total` says what filled per symbol.

        `check_symbols=True` first refuses a symbol the exchange does not list (`BatchValidationError`
        naming `symbol` or `orders[k].symbol` and the closest listed ones; one getSymbols read, of the
        run's symbol when it names one, kept a few minutes), as the CLI does: Bitget would answer each
        of its orders "does not exist".
        """
        client, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
        order_ids, client_oids = sized(order_ids), sized(client_oids)
        # A journal there already records a run: an interrupt before it is resumed has no report of its
        # own to give (this run's would say "not sent" of batches the journal may record as sent).
        existing = isinstance(journal, str | os.PathLike) and os.path.lexists(journal)
        run = client._plan(symbol, order_ids, client_oids, orders, batch_mode, on_progress, deadline_s, stop)
        try:
            if client._continues(run, journal):
                assert journal is not None
                return await client.resume(journal, deadline_s=deadline_s, on_progress=on_progress, stop=stop)
            if check_symbols:
                flat = sum(len(v) for v in (order_ids, client_oids) if isinstance(v, Sized))  # orders[k]: flat + k
                await client._refuse_unlisted(run, symbol, flat)
            book = client._journal_for(run, journal, settle)
            try:
                report = await client._execute(run, settle, range(len(run.batches)), reconcile)
                _seal(book, report)
                return report
            finally:
                if book is not None:
                    book.close()
        except BaseException as exc:
            if not existing:
                _account(exc, run)
            raise

    async def resume(
        self,
        journal: str | os.PathLike[str],
        *,
        deadline_s: float | None = None,
        on_progress: ProgressCallback | None = None,
        stop: StopFlag | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """Finish the run recorded in `journal` (see `cancel_orders(journal=...)`) after its process died.

        Batches never sent are sent; a batch sent without a recorded answer may have cancelled its
        orders, so they are `unknown` and settled through the order-state reads (if the run settled);
        recorded outcomes stand. The report accounts for every order of the original input once. A
        finished run's journal gives back its report without any I/O. `stop`: as in `cancel_orders`.
        `JournalError` for a journal of another API key or UID, or of another contract version.
        """
        if timeout is not None or max_retries is not None or extra_headers is not None:
            scoped, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
            return await scoped.resume(journal, deadline_s=deadline_s, on_progress=on_progress, stop=stop)
        book, run, settle = self._restore(journal, deadline_s, on_progress, stop)
        try:
            try:
                if book.meta().get("finished") == "1":
                    return stored_report(book, run)
                report = await self._execute(run, settle, run.pending())
                _seal(book, report)
                return report
            finally:
                book.close()
        except BaseException as exc:
            _account(exc, run)
            raise

    async def _execute(
        self, run: CancelRun, settle: bool, todo: Iterable[int], reconcile: bool = False
    ) -> CancelReport:
        """Send batches `todo` of the run (`max_concurrency` workers taking batches in order), settle, and
        report. Workers rather than a task per batch behind a semaphore: a 5,000-order run then starts 10,
        not 100 (20 accounts at once: 200, not 2,000, all created before the first request could go out)."""
        deadline = run.deadline
        settler = Settler(run, self.settle_lag_s, lambda r: self._read(r, deadline, run)) if settle else None
        reader = Reconciler(run, self.settle_lag_s, lambda r: self._read(r, deadline, run)) if reconcile else None
        todo = list(todo)
        batches = iter(todo)

        async def worker(k: int) -> None:
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
                    if reader is not None:
                        reader.offer(i)
                except Exception as exc:  # a bug must not lose the report: the batch is in flight, so unknown
                    run.fail(i, exc)

        try:
            await backend.run_workers(min(self.max_concurrency, len(todo)), worker, run.interrupt)
            cancels_ended = time.perf_counter()
            if settler is not None:
                await settler.finish()
            if reader is not None:
                await reader.finish()
            if settler is not None or reader is not None:
                run.settling_added(time.perf_counter() - cancels_ended)
        except BaseException as exc:
            run.interrupt(exc)
            if settler is not None:
                await settler.stop()
            if reader is not None:
                await reader.stop()
            with contextlib.suppress(AttributeError):
                exc.report = run.snapshot()  # type: ignore[attr-defined]
            raise
        report = run.report()
        if log.isEnabledFor(logging.INFO):  # counting 5,000 rows for a line nobody reads is not free
            log.info("cancel_orders: %s", report.summary())
        return report

    async def check_symbols(self, symbols: Iterable[str], **options: Unpack[RequestOptions]) -> None:
        """Refuse a symbol the exchange does not list (`BatchValidationError` naming `symbols[i]` and the
        closest listed ones: `btcusdt` is not `BTCUSDT`). `cancel_open_orders` checks its symbols so first,
        `cancel_orders(check_symbols=True)` before any cancel. The list is read with getSymbols and kept a
        few minutes; if it cannot be read (within `SYMBOLS_WAIT_S`), nothing is refused: a failing list
        must not hold up the cancels of an incident."""
        names = list(symbols)
        client, deadline = self._per_call(options)
        known = await client._listed_symbols(deadline, names=names)
        if known is not None:
            check_names(names, known)

    async def _listed_symbols(
        self, deadline: float | None, run: CancelRun | None = None, names: Iterable[str] = ()
    ) -> frozenset[str] | None:
        """The symbols the exchange lists, or None if they cannot be read (one try each, within one
        `SYMBOLS_WAIT_S`). With `run`, the reads are in its report (`requests`, `read_count`). When the run
        names one symbol (`names`), that one is asked for first: Bitget's whole list is ~1,300 pairs
        (~0.6 MB, ~20 ms to parse here) between Enter and the first cancel. The whole list is read if it
        is not listed or that read fails (what Bitget answers to `symbol=` of a pair it does not list is
        not documented), for the refusal and its closest names. Both are kept `SYMBOLS_TTL_S`."""
        known = self._symbols.get()
        if known is not None:
            return known
        one = set(names)
        name = one.pop() if len(one) == 1 else None
        if name is not None and self._symbols.listed(name):
            return frozenset({name})
        wait = time.monotonic() + SYMBOLS_WAIT_S
        client, _ = self._per_call({"max_retries": 0})

        async def read(**query: Any) -> frozenset[str] | None:
            if run is not None:
                run.read_made()
            try:
                answer: SymbolListResponse = await client._call(
                    SYMBOLS, deadline=min(wait, deadline or wait), run=run, **query
                )
            except BitgetError as exc:
                if query:
                    log.debug("getSymbols %s failed (%s): reading the whole list", query, exc)
                else:
                    log.warning("the symbol list could not be read (%s): symbols are not checked", exc)
                return None
            return frozenset(s.symbol for s in answer.data)

        if name is not None:
            listed = await read(symbol=name)
            if listed is not None and name in listed:
                self._symbols.saw(name)
                return frozenset({name})
        listed = await read()
        return None if listed is None else self._symbols.put(listed)

    async def _refuse_unlisted(self, run: CancelRun, symbol: str | None, flat: int) -> None:
        """A `BatchValidationError`, before anything is sent, for a symbol of the run the exchange does not
        list (as `symbol`, or as the `orders[k].symbol` it first comes from). Not once the run is stopped."""
        if run.should_stop():
            return
        named = {o.symbol for batch in run.batches for o in batch.orders}
        known = await self._listed_symbols(run.deadline, run, named)
        found = None if known is None else first_unlisted(run.batches, known)
        if known is not None and found is not None:
            name, position = found
            if name == symbol:
                raise refusal(name, known, "symbol")
            raise refusal(name, known, f"orders[{position - flat}].symbol", position - flat)

    def iter_unfilled_orders(
        self,
        *,
        symbol: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncIterator[Order]:
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
    ) -> AsyncIterator[Order]:
        """Every filled or cancelled order of the last 90 days (of `symbol`, or of the account), newest first."""
        client, deadline = self._per_call(options)  # deadline_s bounds the whole iteration
        return client._pages(HISTORY_ORDERS, symbol, start_time, end_time, deadline)

    async def _pages(
        self, op: Operation, symbol: Any, start: Any, end: Any, deadline: float | None
    ) -> AsyncIterator[Order]:
        query = page_query(op, symbol, start, end, None, PAGE, None)  # checked before the first read
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
        plan_orders: bool = True,
        reconcile: bool = False,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CancelReport:
        """Cancel everything open on `symbols` (or, `all_symbols=True`, on the whole account) and prove it:
        list what is open, cancel it, list again, until nothing is open or `deadline_s` passes, catching
        orders placed meanwhile. `strategy`: "batch" (batch cancels at the full rate), "symbol"
        (cancel-symbol-order, asynchronous, then read back), or "auto" (batches from the first page; once
        all is listed, cancel-symbol-order for the orders not yet sent if that is faster).

        Returns a `CancelReport` of every order that was open at any listing, exactly once (`cancelled`
        only when an answer or a read said so), with `rounds` and `remaining` (still open at the end).
        A symbol the exchange does not list is refused first (`BatchValidationError`, see `check_symbols`).

        `plan_orders` (the default): the plan (trigger) orders of the same symbols are cancelled too, at
        the same time (they have endpoints and budgets of their own: a trigger that fires mid-incident
        places a new order), and reported apart in `report.plan_orders` (a CancelReport of its own).
        `reconcile=True`: the orders cancelled are read back for their final status and filled size
        while the next batches go, as `cancel_orders(reconcile=True)` does (`report.filled_total`).
        An interrupt (KeyboardInterrupt; a cancelled task) propagates with `.report`: every order listed
        so far, each request sent accounted for (`unknown` while its answer was outstanding).
        `on_progress(orders_done, orders_listed)` as it goes: both grow (orders listed so far, and of
        them those a cancel answer has decided), from the first page.
        """
        if timeout is not None or max_retries is not None or extra_headers is not None:
            scoped, _ = self._per_call({"timeout": timeout, "max_retries": max_retries, "extra_headers": extra_headers})
            return await scoped.cancel_open_orders(
                symbols=symbols,
                all_symbols=all_symbols,
                strategy=strategy,
                deadline_s=deadline_s,
                plan_orders=plan_orders,
                reconcile=reconcile,
                on_progress=on_progress,
            )
        names, strategy, deadline_s = cancel_all_args(symbols, all_symbols, strategy, deadline_s)
        deadline = None if deadline_s is None else time.monotonic() + deadline_s
        known = None if names is None else await self._listed_symbols(deadline, names=names)
        if names is not None and known is not None:
            check_names(names, known)  # a wrong symbol lists nothing: "0 open" would read as done
        inbox: list[Any] = []  # each answer, as it is sent in (see `cancel_all_steps`)
        steps = self._cancel_all_steps(names, strategy, deadline, inbox)
        tally = Tally(on_progress)
        start = time.perf_counter()
        plans: list[CancelReport] = []
        plans_stop = backend.Event()
        plan_worker = None
        if plan_orders:  # at once, on their own budgets, beside the ordinary orders
            plan_worker = backend.spawn(lambda: self._cancel_plans(names, deadline, plans_stop, plans), "bitget-plans")
        action = next(steps)
        try:
            while True:
                inbox[:] = [await self._perform(action, deadline, tally, reconcile)]
                action = steps.send(inbox[0])
        except StopIteration as stop:
            report: CancelReport = stop.value
        except BaseException as exc:
            # Interrupted, or an error ended the run: the steps file what this action got done (its
            # answer not yet taken, or what `_perform` gathered), and the report of every order listed
            # so far goes with the exception. One raised while the steps themselves ran (an interrupt,
            # a later round's listing error) ended them with that report.
            if inspect.getgeneratorstate(steps) == inspect.GEN_SUSPENDED:
                given = inbox[0] if inbox else getattr(exc, "partial", None)
                try:
                    steps.throw(Interrupted(as_partial(action, given) or getattr(exc, "report", None)))
                except StopIteration as stop:
                    with contextlib.suppress(AttributeError):
                        exc.report = stop.value  # type: ignore[attr-defined]
            await _ended(exc, plan_worker, plans_stop, plans, start)
            raise
        if plan_worker is not None:
            try:
                await plan_worker.join()  # its rounds end by themselves (nothing open, no progress, deadline)
            except Exception as exc:  # a bug in them must not lose the ordinary orders' report
                plans.append(CancelReport(run={"error": f"cancelling the plan orders failed: {exc!r}"}))
            except BaseException as exc:  # interrupted while the plan orders' rounds go on: both reports
                report.plan_orders = await _stop_plans(plan_worker, plans_stop, plans)
                report.elapsed_s = time.perf_counter() - start
                with contextlib.suppress(AttributeError):
                    exc.report = report  # type: ignore[attr-defined]
                raise
            report.plan_orders = plans[0] if plans else None
        report.elapsed_s = time.perf_counter() - start
        return report

    async def _cancel_plans(
        self, symbols: tuple[str, ...] | None, deadline: float | None, stop: Any, out: list[CancelReport]
    ) -> None:
        """`plan_cancel_steps` performed, until done or `stop` is set; its report (even an interrupted
        one's) appended to `out`. A failing first listing gives an empty report saying why."""
        steps = plan_cancel_steps(symbols, out_of_time=lambda: deadline is not None and time.monotonic() >= deadline)
        try:
            action = next(steps)
            while True:
                if stop.is_set():
                    raise Interrupted(NOT_SENT)
                try:
                    answer = await self._plan_action(action, deadline, stop)
                except BitgetError as exc:
                    answer = exc
                action = steps.send(answer)
        except StopIteration as done:
            out.append(done.value)
        except BitgetError as exc:  # the first listing failed: nothing known of the plan orders
            out.append(CancelReport(run={"error": f"listing the plan orders failed: {exc}"}))
        except BaseException as exc:  # stopped, or interrupted itself: the report as things stand
            try:
                steps.throw(exc if isinstance(exc, Interrupted) else Interrupted(None))
            except StopIteration as done:
                out.append(done.value)
            except Interrupted:
                pass  # the steps had ended
            if not isinstance(exc, Interrupted):
                raise

    async def _plan_action(self, action: ListPlans | CancelPlans, deadline: float | None, stop: Any) -> Any:
        if isinstance(action, CancelPlans):
            names = [None] if action.symbols is None else list(action.symbols)
            results = []
            for k in range(0, len(names), MAX_SYMBOL_LIST):  # the contract's maxItems a request
                chunk = names[k : k + MAX_SYMBOL_LIST]
                body = BATCH_CANCEL_PLANS.check_args({"symbol_list": None if chunk == [None] else chunk})["body"]
                answer = await self._call(BATCH_CANCEL_PLANS, deadline=deadline, patient=True, body=body)
                results.append(answer.data)
            return merged_plan_results(results)
        op = HISTORY_PLANS if action.ended else CURRENT_PLANS
        found: list[Any] = []
        wanted = set(action.wanted)
        for name in action.symbols or [None]:
            cursor = None
            while True:
                if stop.is_set():
                    raise Interrupted(None)  # a read, not a cancel: nothing more was sent
                query = op.check_args({"symbol": name, "limit": PAGE, "id_less_than": cursor})
                page = await self._call(op, deadline=deadline, patient=True, **query)
                items = list(page.data.order_list or [])
                found += items
                wanted -= {p.order_id for p in items}
                last = items[-1].order_id if items else None
                if not page.data.next_flag or last is None or last == cursor or (action.ended and not wanted):
                    break
                cursor = last
        return found

    async def _perform(self, action: Any, deadline: float | None, tally: Tally, reconcile: bool) -> Any:
        """One action of `cancel_all_steps`; what it sends back."""
        if isinstance(action, ListOpen) and action.stream:
            return await self._list_and_cancel(action, deadline, tally, reconcile)
        if isinstance(action, ListOpen):
            found: Any = []
            try:
                for name in action.symbols or [None]:
                    found += [listed(o) async for o in self._pages(UNFILLED_ORDERS, name, None, None, deadline)]
            except BitgetError as exc:
                found = exc
            tally.listing(found if isinstance(found, list) else [])
            return found
        if isinstance(action, Pause):
            await backend.sleep(clip(action.seconds, deadline))
            return None
        answer = await self._cancel_symbols(action, deadline)
        tally.chunk()(len(action.orders), len(action.orders))
        return answer

    async def _list_and_cancel(self, action: ListOpen, deadline: float | None, tally: Tally, reconcile: bool) -> Any:
        """List open orders on a worker and cancel them as they come: the first page as soon as it is
        read, then whatever pages were read meanwhile, up to STREAM_CHUNK orders (10 batches) at a time
        (reads and cancels have budgets of their own, so the listing runs ahead of the cancels). Once
        the listing has ended, `action.hand_over` may take the orders not yet sent (strategy auto)."""
        pages: backend.Queue[list[Listed] | BaseException | None] = backend.Queue()
        stopped = backend.Event()

        async def produce() -> None:
            try:
                page: list[Listed] = []
                for name in action.symbols or [None]:
                    async for order in self._pages(UNFILLED_ORDERS, name, None, None, deadline):
                        if stopped.is_set():
                            return
                        page.append(listed(order))
                        if len(page) >= PAGE:
                            pages.put(page)
                            tally.listed_more(page)
                            page = []
                if page:
                    pages.put(page)
                    tally.listed_more(page)
            except Exception as exc:  # handed to the consumer, which raises or reports it
                pages.put(exc)
            finally:
                pages.put(None)

        producer = backend.spawn(produce, "bitget-list")
        # A chunk's read-back of what it cancelled must not wait the read-after-write lag for what it did
        # not find yet (each 500-order chunk would hold up the next by it): that is read once per round.
        chunks = self
        if reconcile:
            chunks = copy.copy(self)
            chunks.settle_lag_s = 0.0
        found: list[Listed] = []  # listed and sent (or handed over)
        in_flight: list[Listed] = []  # the chunk being cancelled, until its report is kept
        pending: list[Listed] = []  # listed, not sent yet
        reports: list[CancelReport] = []
        failure: BaseException | None = None
        ended = False
        left_over: list[Listed] = []

        def take(item: list[Listed] | BaseException | None) -> None:
            nonlocal ended, failure
            if item is None:
                ended = True
            elif isinstance(item, BaseException):
                failure = item
            else:
                pending.extend(item)

        try:
            try:
                while pending or not ended:
                    if not pending:
                        take(await pages.get())
                    while not pages.empty():
                        take(pages.get_nowait())
                    if not pending:
                        continue
                    if ended and action.hand_over is not None and action.hand_over(pending):
                        found += pending
                        left_over, pending[:] = list(pending), []
                        break
                    todo = pending[:STREAM_CHUNK]
                    found += todo  # before leaving `pending`: an interrupt in between must not drop them
                    del pending[:STREAM_CHUNK]
                    orders = [{"symbol": o.symbol, "orderId": o.order_id} for o in todo]
                    progress = tally.chunk()
                    cancel = chunks.cancel_orders(
                        orders=orders,
                        deadline_s=left(deadline),
                        settle=False,
                        on_progress=progress,
                        reconcile=reconcile,
                    )
                    in_flight = todo
                    reports.append(await cancel)
                    in_flight = []
            finally:
                stopped.set()
                await producer.cancel()
            if failure is not None and not found:
                return failure
            merged = merge(reports)
            targets = to_settle(merged)  # settled once for the round, not once a chunk (each would wait the lag)
            if targets:
                merged = settled_report(merged, *await self._settle_targets(targets, deadline))
            if reconcile and not left_over:  # a hand-over to cancel-symbol-order must not wait for it
                merged = await self._reconcile_rest(merged, deadline)
        except BaseException as exc:
            # Interrupted (anywhere: sending, cleaning up, reading back): every order listed so far,
            # pending and queued ones too (never sent), with what the chunks' answers said.
            done = getattr(exc, "report", None)
            if in_flight and not isinstance(done, CancelReport):  # its answers came, or not: unknown
                why = "the run was interrupted as its batch's answer came"
                done = CancelReport(
                    unknown=[OrderOutcome(o.symbol, o.order_id, o.client_oid, None, why) for o in in_flight]
                )
            found += pending
            while not pages.empty():
                if isinstance(queued := pages.get_nowait(), list):
                    found += queued
            with contextlib.suppress(AttributeError):
                exc.partial = (found, merge([*reports, *([done] if isinstance(done, CancelReport) else [])]))  # type: ignore[attr-defined]
            raise
        return found, merged, left_over

    async def _reconcile_rest(self, report: CancelReport, deadline: float | None) -> CancelReport:
        """The cancelled orders of a streamed round that their chunks' reads did not find (read-after-write
        lag), read once more a lag later, within the deadline."""
        targets = unreconciled(report)
        if not targets or (deadline is not None and time.monotonic() >= deadline):
            return report
        await backend.sleep(clip(self.settle_lag_s, deadline))
        found, _missing, reads = await self._perform_reads(reconcile_steps(targets), deadline)
        return reconciled_report(report, found, reads)

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
        """Read these outcomes back (written now): their new resolutions, and the reads made."""
        sent_at = time.monotonic()
        written = {r.position: sent_at for r in targets}
        settled, count = await self._perform_reads(
            settle_steps(targets, lag_s=self.settle_lag_s, written_at=written), deadline
        )
        return settled, count

    async def _perform_reads(self, steps: Generator[Read | Wait, Any, T], deadline: float | None) -> T:
        """Read steps (settling, reconciling) driven to their end: each read (a failed one sent back as its
        error) and wait within `deadline`; past it, the reads fail at once and the steps end."""
        try:
            step = next(steps)
            while True:
                if isinstance(step, Wait):
                    await backend.sleep(clip(step.seconds, deadline))
                    step = steps.send(None)
                    continue
                try:
                    answer: Any = await self._read(step, deadline)
                except BitgetError as exc:
                    answer = exc
                step = steps.send(answer)
        except StopIteration as stop:
            result: T = stop.value
            return result

    async def _read(self, read: Read, deadline: float | None = None, run: CancelRun | None = None) -> Any:
        """One settling read, checked against the contract like any call (recorded in `run`'s report)."""
        return await self._call(read.op, deadline=deadline, patient=True, run=run, **read.op.check_query(read.params))

    async def sync_time(self) -> int:
        """Measure the offset to Bitget's clock (one GET /api/v2/public/time) and sign with it from now on."""
        start = time.time()
        try:
            async with agated(self._limiters[SERVER_TIME.id], self._ip, None, self._server):
                response, content = await self._fetch(self._request(SERVER_TIME))
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._time_error(exc) from None
        self.clock.offset_ms = server_offset(response.status_code, content, start, time.time())
        return self.clock.offset_ms

    async def aclose(self) -> None:
        """Close the connection pool (shared with the clients `with_options` made) and give back the budgets."""
        self._release_budgets()
        await backend.http_client(self._api).aclose()

    async def __aenter__(self) -> Self:
        """Readies what the first request would otherwise make while the clock runs (see `backend.ready`):
        a client opened before an incident then starts sending at once."""
        await backend.ready(self._api)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def _ended(exc: BaseException, worker: Any, stop: Any, plans: list[CancelReport], start: float) -> None:
    """A cancel-all run ended by `exc`: its report (if it has one) gains the time and the plan orders'
    report, taken first, so that an interrupt while the plan rounds stop (a thread's request in flight
    ends first) still finds it, then the plan rounds are stopped."""
    done = getattr(exc, "report", None)
    if isinstance(done, CancelReport):
        done.elapsed_s = time.perf_counter() - start
        done.plan_orders = plans[0] if plans else None
    try:
        plan_report = await _stop_plans(worker, stop, plans)
    except BaseException as again:
        with contextlib.suppress(AttributeError):
            again.report = done  # type: ignore[attr-defined]
        raise
    if isinstance(done, CancelReport):
        done.plan_orders = plan_report


async def _stop_plans(worker: Any, stop: Any, plans: list[CancelReport]) -> CancelReport | None:
    """Stop the plan orders' rounds and take their report; a worker that did not report in time (a
    thread ends its request in flight first, for `INTERRUPT_GRACE_S` at most) gets one saying so."""
    if worker is None:
        return None
    stop.set()
    await worker.cancel()
    if plans:
        return plans[0]
    return CancelReport(run={"error": "stopped before the plan orders' report: a plan cancel may have been sent"})


def _account(exc: BaseException, run: CancelRun) -> None:
    """An interrupt (a signal, a cancelled task) that lands outside the sending (opening, sealing or
    closing the journal) still carries the run's report: only one raised before the run was planned
    has none, and then nothing was sent."""
    if not isinstance(exc, Exception) and getattr(exc, "report", None) is None:
        run.interrupt(exc)
        with contextlib.suppress(AttributeError):
            exc.report = run.snapshot()  # type: ignore[attr-defined]


def _seal(book: Journal | None, report: CancelReport) -> None:
    """Mark the journal finished, unless the caller stopped the run (`stop=`: what was not sent stays
    for `resume`); anything raised here (a signal, a full disk) carries the run's report."""
    try:
        if book is not None and not report.stopped:
            book.finished(report)
    except BaseException as exc:
        with contextlib.suppress(AttributeError):
            exc.report = report  # type: ignore[attr-defined]
        raise
