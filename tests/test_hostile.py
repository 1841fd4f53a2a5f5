"""`cancel_orders` against hostile servers that keep their own record of what they cancelled.

For every scenario, sync and async: every order is reported exactly once (0 lost, 0 doubled);
`cancelled` only where the server really cancelled, `failed` only where it did not (0 wrong); the call
ends within a bound set by `timeout` and the retries; no secret appears in the report, the exception
(and its chain) or the DEBUG log, even where the server echoes the passphrase.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from bitget_sdk import AsyncBitgetClient, AuthenticationError, BitgetClient, BitgetError, CancelReport

from .hostile import Behaviour, Book, HostileServer, Reply, Request, envelope, honest, http

SECRET = "hostile-secret-CANARY-7f3a"
PASSPHRASE = "hostile-passphrase-CANARY-91c2"
LIVE = [str(5_000_000 + i) for i in range(120)]
GHOSTS = [str(9_000_000 + i) for i in range(5)]
TIMEOUT_S = 0.5
MAX_RETRIES = 2
# 3 batches, each at most 3 attempts of at most TIMEOUT_S, 4 at a time, plus backoff, settling and slack.
BOUND_S = 3 * (MAX_RETRIES + 1) * TIMEOUT_S + 4.0


def applied(reply: Callable[[dict[str, Any], Request], Reply]) -> Behaviour:
    """Cancel first (the server's record), then answer with `reply(lists, request)`."""
    return lambda req, book: reply(book.apply(req.json()), req)


def first_then(first: Behaviour, then: Behaviour) -> Behaviour:
    """Each batch's first attempt gets `first`, its retries `then` (batches told apart by their ids)."""
    seen: set[str] = set()

    def behave(req: Request, book: Book) -> Reply:
        key = json.dumps(req.json()["orderList"])
        if key in seen:
            return then(req, book)
        seen.add(key)
        return first(req, book)

    return behave


LOST = applied(lambda lists, req: Reply(None))  # cancelled, then the connection dropped


def _both_lists(lists: dict[str, Any], req: Request) -> Reply:
    lists["failureList"] += [{**lists["successList"][0], "errorCode": "43001", "errorMsg": "no"}]
    return http(200, envelope("00000", "success", lists))


def _never_sent(lists: dict[str, Any], req: Request) -> Reply:
    lists["successList"].append({"orderId": "123456789", "clientOid": ""})
    lists["failureList"].append({"orderId": "987654321", "errorCode": "43001", "errorMsg": "gone"})
    return http(200, envelope("00000", "success", lists))


def _echo_success(lists: dict[str, Any], req: Request) -> Reply:
    secret = req.headers.get("access-passphrase", "")
    for item in lists["failureList"]:
        item["errorMsg"] = f"order not found for passphrase {secret}"
    return http(200, envelope("00000", f"ok {secret}", lists))


def _echo_error(req: Request, book: Book) -> Reply:
    return http(400, envelope("40017", f"Parameter verification failed: {req.headers.get('access-passphrase')}"))


_CHUNK = b"10000\r\n" + b" " * 0x10000 + b"\r\n"

SCENARIOS: dict[str, Behaviour] = {
    "lost, then 40017": first_then(LOST, lambda r, b: http(400, envelope("40017", "Parameter verification failed"))),
    "lost, then 40009": first_then(LOST, lambda r, b: http(400, envelope("40009", "sign signature error"))),
    "lost, then an HTML 200": first_then(LOST, lambda r, b: http(200, b"<html>busy</html>", content_type="text/html")),
    "lost, then honest": first_then(LOST, honest),
    "invalid JSON 200 after cancelling": applied(lambda lists, r: http(200, b'{"code": "00000", "data": {')),
    "empty 200 after cancelling": applied(lambda lists, r: http(200, b"")),
    "code 0 as a number": applied(lambda lists, r: http(200, envelope(0, "success", lists))),
    "code 00000 without the lists": applied(lambda lists, r: http(200, envelope("00000", "success", {"ok": 1}))),
    "deeply nested JSON": applied(lambda lists, r: http(200, b"[" * 100_000 + b"]" * 100_000)),
    "gzip header on a plain body": applied(
        lambda lists, r: http(200, envelope("00000", "success", lists), Content_Encoding="gzip")
    ),
    "an order in both lists": applied(_both_lists),
    "ids that were never sent": applied(_never_sent),
    "answer dribbled a byte at a time": applied(
        lambda lists, r: Reply(
            http(200, envelope("00000", "success", lists)).head, envelope("00000", "x", lists), dribble_s=0.1
        )
    ),
    "oversized answer, declared": applied(
        lambda lists, r: Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n", stream_forever=b" " * 65536)
    ),
    "oversized answer, chunked": applied(
        lambda lists, r: Reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", stream_forever=_CHUNK)
    ),
    "redirect after cancelling": applied(lambda lists, r: http(307, b"", Location="http://evil.test/x")),
    "503 after cancelling": applied(lambda lists, r: http(503, envelope("50001", "busy"))),
    "520, not JSON, after cancelling": applied(lambda lists, r: http(520, b"<html>origin</html>")),
    "silent: never answers": lambda r, b: Reply(b"", hang=True),
    "passphrase echoed in a success": applied(_echo_success),
    "passphrase echoed in an error": _echo_error,
}


def _texts(report: CancelReport | None, error: BaseException | None) -> list[str]:
    out: list[str] = []
    if report is not None:
        out += [str(report), repr(report), json.dumps(report.to_dict())]
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        out += [str(error), repr(error)]
        error = error.__cause__ or error.__context__
    return out


def _run(mode: str, url: str) -> tuple[CancelReport, BaseException | None]:
    kw: dict[str, Any] = {
        "base_url": url,
        "timeout": TIMEOUT_S,
        "max_retries": MAX_RETRIES,
        "backoff_base_s": 0.01,
        "rate_limit": 0,
        "retry_seed": 1,
        "settle_lag_s": 0.3,
    }
    ids = LIVE + GHOSTS
    try:
        if mode == "sync":
            with BitgetClient("hostile-key", SECRET, PASSPHRASE, **kw) as client:
                return client.cancel_orders(symbol="BTCUSDT", order_ids=ids), None

        async def go() -> CancelReport:
            async with AsyncBitgetClient("hostile-key", SECRET, PASSPHRASE, **kw) as client:
                return await client.cancel_orders(symbol="BTCUSDT", order_ids=ids)

        return asyncio.run(go()), None
    except BitgetError as e:
        if e.report is None:
            raise AssertionError(f"{type(e).__name__} without a report: {e}") from e
        return e.report, e


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_order_once_and_never_wrong(scenario: str, mode: str, caplog: pytest.LogCaptureFixture) -> None:
    with HostileServer(SCENARIOS[scenario]) as server:
        server.book.live.update({oid: f"c-{oid}" for oid in LIVE})
        start = time.monotonic()
        with caplog.at_level(logging.DEBUG, logger="bitget_sdk"):
            report, error = _run(mode, server.url)
        elapsed = time.monotonic() - start
        truth = set(server.book.cancelled)

    ids = LIVE + GHOSTS
    reported = [o.order_id for o in report.cancelled + report.failed + report.unknown]
    assert sorted(reported, key=str) == sorted(ids), "lost or doubled orders"
    wrong_cancelled = [o.order_id for o in report.cancelled if o.order_id not in truth]
    wrong_failed = [o.order_id for o in report.failed if o.order_id in truth]
    assert wrong_cancelled == [], f"reported cancelled, not cancelled by the server: {wrong_cancelled[:5]}"
    assert wrong_failed == [], f"reported failed, but the server cancelled them: {wrong_failed[:5]}"
    assert elapsed < BOUND_S, f"took {elapsed:.1f} s"
    # The server answers reads truthfully, so settling leaves nothing unknown, unless refused credentials
    # stopped the run (then no read can work).
    if not isinstance(error, AuthenticationError):
        assert report.unknown == [], [o.error_msg for o in report.unknown[:3]]
    for text in [*_texts(report, error), caplog.text]:
        assert PASSPHRASE not in text
        assert SECRET not in text
