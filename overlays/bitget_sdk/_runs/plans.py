"""The plan (trigger) orders of a cancel-all: cancelled too, and reported apart (`report.plan_orders`).

A plan order lives on endpoints of its own: `unfilled-orders` does not list it and `batch-cancel-order`
does not cancel it; when its trigger fires it places an ordinary order. A cancel-all that leaves plan
orders lets orders appear mid-incident (ccxt#25093). Rounds, as for ordinary orders: list what is open
(`current-plan-order`), cancel every plan order of the symbols at once (`batch-cancel-plan-order`,
whose answer lists what it cancelled), list again, until none is open or the deadline passes. A plan
order seen open that no answer said cancelled and that is no longer open is looked up in
`history-plan-order`: `cancelled`, or `executed` (its trigger fired first: `failed`, status `executed`).
I/O-free: the client performs the actions and sends back what they gave (or the exception).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from types import SimpleNamespace
from typing import Any

import attrs

from .._core.engine import Status
from .._core.report import CancelReport, OrderOutcome
from .cancel_all import Interrupted

NOT_YET = "plan order: not cancelled yet"
MAX_SYMBOL_LIST = 100  # batch-cancel-plan-order's symbolList, at most (the contract's maxItems)
NOT_SENT = "not sent"  # Interrupted(NOT_SENT): the stop was seen before the action was performed


@attrs.frozen
class ListPlans:
    """Every plan order of `symbols` (None: of the account), open ones or (`ended`) ended ones; for ended
    ones the driver may stop paging once every id of `wanted` is found. It sends back the generated
    `PlanOrder` models, or the exception."""

    symbols: tuple[str, ...] | None
    ended: bool = False
    wanted: frozenset[str] = frozenset()


@attrs.frozen
class CancelPlans:
    """`batch-cancel-plan-order` for `symbols` (None: every plan order of the account; the driver sends
    at most 100 symbols a request). It sends back the answers' `BatchCancelPlanResult`s, or the exception."""

    symbols: tuple[str, ...] | None


PlanAction = ListPlans | CancelPlans


def plan_cancel_steps(
    symbols: tuple[str, ...] | None, *, out_of_time: Callable[[], bool]
) -> Generator[PlanAction, Any, CancelReport]:
    """Rounds of list, cancel, list again; returns the plan orders' report (`remaining`: still open).

    `still_open` is what the last listing made after the last cancel showed: an order listed before a
    cancel that was then not listed again is not known to be open (the cancel may have reached it)."""
    order: list[str] = []
    status: dict[str, Status] = {}
    outcome: dict[str, OrderOutcome] = {}
    requests = reads = 0
    still_open: set[str] = set()

    def file(key: str, new: Status, why: OrderOutcome) -> None:
        if key in status and status[key] != "cancelled":
            status[key], outcome[key] = new, why

    action: PlanAction | None = None
    interrupted = False
    try:
        while True:
            listed: Any = yield (action := ListPlans(symbols))
            reads += 1
            if isinstance(listed, BaseException):
                if not order:
                    raise listed  # nothing known: the caller says why
                break  # not known what is open now
            for p in listed:
                if p.order_id not in status:
                    order.append(p.order_id)
                    status[p.order_id] = "unknown"
                    outcome[p.order_id] = OrderOutcome(p.symbol, p.order_id, _coid(p.client_oid), None, NOT_YET)
            now_open = {p.order_id for p in listed}
            if requests and now_open == still_open:
                break  # a round changed nothing: they stay open (reported so), not retried in a loop
            still_open = now_open
            if not still_open or out_of_time():
                break
            targets, still_open = still_open, set()  # from here, not known to be open until listed again
            answer: Any = yield (action := CancelPlans(symbols))
            requests += 1
            if isinstance(answer, BaseException):
                why = f"batch-cancel-plan-order: {type(answer).__name__}: {answer}"
                for key in targets:
                    file(key, "unknown", attrs.evolve(outcome[key], error_msg=why))
            else:
                for item in _items(answer, "success_list"):
                    if item.order_id in status:
                        file(item.order_id, "cancelled", attrs.evolve(outcome[item.order_id], error_msg=None))
                for item in _items(answer, "failure_list"):
                    if item.order_id in status:
                        msg = f"batch-cancel-plan-order: {getattr(item, 'error_msg', None) or 'failed'}"
                        file(item.order_id, "failed", attrs.evolve(outcome[item.order_id], error_msg=msg))
                for key in targets:  # sent a cancel, named by neither list: it may have been cancelled
                    if outcome[key].error_msg == NOT_YET:
                        why = "batch-cancel-plan-order sent; not named in its answer"
                        file(key, "unknown", attrs.evolve(outcome[key], error_msg=why))
            if out_of_time():
                break
            still_open = targets  # what the next listing is compared with
        unsure = [k for k in order if status[k] != "cancelled" and k not in still_open]
        if (
            unsure and not out_of_time()
        ):  # not listed open at the end, no answer said cancelled: the history says what became of them
            history: Any = yield (action := ListPlans(symbols, ended=True, wanted=frozenset(unsure)))
            reads += 1
            ended = {} if isinstance(history, BaseException) else {p.order_id: p.status for p in history}
            for key in unsure:
                state = ended.get(key)
                if state == "cancelled":
                    file(key, "cancelled", attrs.evolve(outcome[key], error_msg=None, status="cancelled"))
                elif state in ("executed", "fail_execute"):
                    why = "plan order triggered before the cancel reached it"
                    file(key, "failed", attrs.evolve(outcome[key], error_msg=why, status=state))
    except Interrupted as stop:
        interrupted = True
        if isinstance(action, CancelPlans) and stop.partial != NOT_SENT:
            for key in order:
                if outcome[key].error_msg == NOT_YET:
                    why = "interrupted while batch-cancel-plan-order was on its way"
                    file(key, "unknown", attrs.evolve(outcome[key], error_msg=why))
        still_open = set()  # not listed again: not known
    report = CancelReport(request_count=requests, read_count=reads)
    lists = {"cancelled": report.cancelled, "failed": report.failed, "unknown": report.unknown}
    for key in order:
        state, result = status[key], outcome[key]
        if key in still_open and state != "cancelled":
            state = "failed"
            result = attrs.evolve(result, error_msg=f"plan order still open at the end; last: {result.error_msg}")
            report.remaining.append(result)
        elif result.error_msg == NOT_YET:  # listed, no cancel sent for it (interrupted, or out of time)
            why = "plan order: not sent, the run was interrupted" if interrupted else "plan order: not sent"
            state, result = "failed", attrs.evolve(result, error_msg=why)
        lists[state].append(result)
    return report


def merged_plan_results(results: Sequence[Any]) -> Any:
    """Several batch-cancel-plan-order answers (symbols 100 a request) as one: their lists joined."""
    if len(results) == 1:
        return results[0]
    success = [i for r in results for i in _items(r, "success_list")]
    failure = [i for r in results for i in _items(r, "failure_list")]
    return SimpleNamespace(success_list=success, failure_list=failure)


def _coid(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(answer: Any, name: str) -> Sequence[Any]:
    items = getattr(answer, name, None)
    return items if isinstance(items, list) else []
