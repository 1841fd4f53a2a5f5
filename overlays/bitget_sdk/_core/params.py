"""Arguments of the public methods, checked against the contract before any I/O
(`BatchValidationError` naming the argument), and the per-call options every operation takes.

Kept apart from the clients so that the plain methods and their `with_raw_response` twins build the
very same requests from the very same checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypedDict

from . import options
from .errors import BatchValidationError
from .operations import UNFILLED_ORDERS, Operation

# cancel_open_orders' strategies (see _runs/cancel_all.py)
Strategy = Literal["auto", "batch", "symbol"]
STRATEGIES = ("auto", "batch", "symbol")


class RequestOptions(TypedDict, total=False):
    """Per-call options, accepted by every operation method (`client.get_order_info(..., timeout=2)`).

    `timeout`: seconds for each attempt of this call, connect to last byte (the client's `timeout`
    otherwise). `max_retries`: retries of failures that may recur (5xx, lost answers, no connection).
    `extra_headers`: headers added to this call's requests (not the signer's ACCESS-* ones).
    `deadline_s`: bounds the whole call, retries and waits for the rate limit included.
    """

    timeout: float
    max_retries: int
    extra_headers: Mapping[str, str]
    deadline_s: float


class ClientOptions(TypedDict, total=False):
    """What `with_options()` can change: everything but what identifies the connection pool and the
    rate budget (credentials, base URL, UID, rate limits, httpx arguments), which a new client sets."""

    timeout: float
    max_retries: int
    backoff_base_s: float
    backoff_max_s: float
    locale: Literal["en-US", "zh-CN"] | None
    demo_trading: bool
    auto_sync_time: bool
    max_concurrency: int
    settle_lag_s: float
    default_headers: Mapping[str, str]


REQUEST_OPTIONS = frozenset(RequestOptions.__annotations__)
CLIENT_OPTIONS = frozenset(ClientOptions.__annotations__)


def check_request_options(given: Mapping[str, Any]) -> dict[str, Any]:
    """A call's options (None values dropped): unknown names are a TypeError, as for any keyword."""
    unknown = sorted(set(given) - REQUEST_OPTIONS)
    if unknown:
        raise TypeError(
            f"unexpected keyword argument {unknown[0]!r} (per-call options: {', '.join(sorted(REQUEST_OPTIONS))})"
        )
    return {k: v for k, v in given.items() if v is not None}


def check_deadline(deadline_s: Any) -> float | None:
    """`deadline_s` of a run: None, or seconds > 0 (BatchValidationError naming it, before any I/O)."""
    if deadline_s is None:
        return None
    try:
        return options.check_number("deadline_s", deadline_s, positive=True)
    except ValueError as exc:
        raise BatchValidationError("deadline_s", str(exc).removeprefix("deadline_s ")) from None


def cancel_all_args(
    symbols: Iterable[str] | None, all_symbols: bool, strategy: str, deadline_s: float | None
) -> tuple[tuple[str, ...] | None, Strategy, float | None]:
    """`cancel_open_orders`' arguments checked before any I/O (BatchValidationError naming the argument)."""
    if type(all_symbols) is not bool:
        raise BatchValidationError("all_symbols", "must be True or False")
    if strategy not in STRATEGIES:
        raise BatchValidationError("strategy", f"must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
    deadline_s = check_deadline(deadline_s)
    if all_symbols:
        if symbols is not None:
            raise BatchValidationError("symbols", "give symbols or all_symbols=True, not both")
        return None, strategy, deadline_s  # type: ignore[return-value]
    if symbols is None or isinstance(symbols, str):
        raise BatchValidationError("symbols", "give a list of symbols, or all_symbols=True")
    names = tuple(dict.fromkeys(symbols))
    if not names:
        raise BatchValidationError("symbols", "must not be empty")
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise BatchValidationError(f"symbols[{i}]", f"must be a string, not {type(name).__name__}")
        try:
            UNFILLED_ORDERS.check_query({"symbol": name})
        except BatchValidationError as exc:
            raise BatchValidationError(f"symbols[{i}]", exc.message) from None
    return names, strategy, deadline_s  # type: ignore[return-value]


def page_query(
    op: Operation, symbol: Any, start: Any, end: Any, cursor: Any, limit: Any, order_id: Any
) -> dict[str, Any]:
    """The list reads' query, checked against the contract."""
    return op.check_query(
        {
            "symbol": symbol,
            "start_time": start,
            "end_time": end,
            "id_less_than": cursor,
            "limit": limit,
            "order_id": order_id,
        }
    )
