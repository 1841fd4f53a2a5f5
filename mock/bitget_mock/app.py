"""The HTTP face of the mock: Bitget's batch cancel endpoint, server time, and the `/mock/` control API."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import signature
from .contract import OperationContract, first_invalid_text
from .exchange import MockExchange
from .faults import FaultConfig
from .orders import HISTORY_DAYS, NOT_FOUND, OPEN, STATUSES, OrderBookFull, OrderSpec
from .plans import ENDED_PLAN, OPEN_PLAN

access_log = logging.getLogger("bitget_mock.access")

_MAX_MSG = 300
# Control bodies (seeding up to 100,000 orders with clientOids) are capped too.
_MAX_CONTROL_BYTES = 16 << 20


def _now_ms() -> int:
    return int(time.time() * 1000)


# `requestTime` of every answer to a request: the server's clock when its rate limiter counted it (as
# Bitget's does), so a client can measure how its requests' arrivals spread against its send times.
_REQUEST_TIME: ContextVar[int | None] = ContextVar("bitget_mock_request_time", default=None)


class _SafeJSON(JSONResponse):
    """JSON with non-ASCII escaped: whatever text a request smuggled in, rendering the answer cannot fail."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def envelope(code: str, msg: str, data: Any = None, status: int = 400) -> JSONResponse:
    if len(msg) > _MAX_MSG:
        msg = msg[: _MAX_MSG - 3] + "..."
    stamped = _REQUEST_TIME.get()
    body = {"code": code, "msg": msg, "requestTime": _now_ms() if stamped is None else stamped, "data": data}
    return _SafeJSON(body, status_code=status)


class _Reject(Exception):
    def __init__(self, code: str, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


class _DropConnection(Response):
    """The cancels took effect; the answer must be lost, as if the network failed.

    uvicorn's `send` is a bound method of the request cycle that owns the transport: closing it
    with the cycle marked disconnected gives the client a connection closed without a response.
    The outermost layer keeps that raw `send` in the scope, since middlewares wrap it.
    """

    def __init__(self) -> None:
        super().__init__(status_code=599)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("bitget.raw_send", send)
        cycle = getattr(raw, "__self__", None)
        transport = getattr(cycle, "transport", None)
        if transport is None:
            raise ConnectionAbortedError("connection dropped by fault injection (needs uvicorn)")
        cycle.disconnected = True  # type: ignore[union-attr]
        transport.close()


def _authenticate(ex: MockExchange, request: Request, body: bytes) -> str:
    """Returns the caller's UID, or raises the Bitget rejection in the order Bitget checks."""
    status = ex.settings.auth_error_status
    h = request.headers
    key, sign, ts, passphrase = (
        h.get(n, "") for n in ("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE")
    )
    if not key:
        raise _Reject("40001", "ACCESS_KEY cannot be empty", status)
    if not sign:
        raise _Reject("40003", "Signature cannot be empty", status)
    if not passphrase:
        raise _Reject("40011", "ACCESS_PASSPHRASE cannot be empty", status)
    if not ts.isascii() or not ts.isdigit() or len(ts) > 16:
        raise _Reject("40005", "Invalid ACCESS_TIMESTAMP", status)
    if abs(_now_ms() - int(ts)) > ex.settings.timestamp_window_ms:
        raise _Reject("40008", "Request timestamp expired", status)
    account = ex.accounts.get(key)
    if account is None:
        raise _Reject("40006", "Invalid ACCESS_KEY", status)
    if not secrets.compare_digest(passphrase.encode(), account.passphrase.encode()):
        raise _Reject("40012", "apikey/password is incorrect", status)
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    raw_path = raw_path.split(b"?", 1)[0]
    query: bytes = request.scope.get("query_string", b"")
    signed_path = raw_path + (b"?" + signature.decoded_query(query) if query else b"")
    if not signature.verify(account, sign, signature.prehash(ts, request.method, signed_path, body)):
        raise _Reject("40009", "sign signature error", status)
    return account.uid


async def _read_body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Reject("40017", f"Parameter verification failed: body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _not_json(token: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and Bitget) does not.
    raise ValueError(f"{token} is not JSON")


def _parse_json(request: Request, body: bytes) -> Any:
    ctype = request.headers.get("content-type", "")
    if ctype.split(";", 1)[0].strip().lower() != "application/json":
        raise _Reject("40007", "Invalid Content_Type")
    try:
        return json.loads(body, parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Reject("40017", "Parameter verification failed: body is not valid JSON") from None


Handler = Callable[["Call"], Awaitable[Response]]


@dataclass
class Call:
    """One accepted request to an operation of the contract: authenticated, within its limit, valid."""

    request: Request
    exchange: MockExchange
    op: OperationContract
    uid: str | None
    query: dict[str, Any]
    body: Any


def _cancel_faults(ex: MockExchange) -> Any:
    """The fault decision for a valid cancel request: a throttle or error refuses it before it is applied
    (drawn for valid cancels only, so the injected counts are what clients saw)."""
    decision = ex.faults.decide()
    if decision.throttle:
        raise _Reject("429", "Too Many Requests", 429)
    if decision.error:
        raise _Reject("50001", "Service temporarily unavailable", ex.faults.config.error_status)
    return decision


async def _cancel_answer(ex: MockExchange, decision: Any, data: Any) -> Response:
    """The answer of an applied cancel, unless a fault drops or delays it."""
    if decision.drop:
        return _DropConnection()
    if decision.delay:
        await asyncio.sleep(ex.faults.config.delay_ms / 1000)
    return envelope("00000", "success", data, status=200)


async def _batch_cancel(call: Call) -> Response:
    ex, uid = call.exchange, call.uid
    assert uid is not None
    decision = _cancel_faults(ex)
    result = ex.orders.batch_cancel(uid, call.body, ex.faults.fill_first if ex.faults.config.fill_rate else None)
    return await _cancel_answer(ex, decision, result)


async def _cancel_order(call: Call) -> Response:
    """One order (`cancel-order`): HTTP 400 with 43001 when it is not an open order of the symbol."""
    ex, uid = call.exchange, call.uid
    assert uid is not None
    decision = _cancel_faults(ex)
    result = ex.orders.cancel_one(uid, call.body)
    if result is None:
        raise _Reject(*NOT_FOUND)
    return await _cancel_answer(ex, decision, result)


async def _cancel_symbol(call: Call) -> Response:
    """Accepted now, carried out `cancel_symbol_delay_ms` later (Bitget: "executed asynchronously"): the
    symbol's orders open at the request are cancelled then; orders placed in between survive."""
    ex, uid = call.exchange, call.uid
    assert uid is not None
    symbol = call.body["symbol"]
    targets = ex.orders.open_ids(uid, symbol)
    delay = ex.settings.cancel_symbol_delay_ms / 1000
    asyncio.get_running_loop().call_later(delay, ex.orders.cancel_ids, uid, targets)
    return envelope("00000", "success", {"symbol": symbol}, status=200)


def _spot_symbol(symbol: str) -> dict[str, str]:
    """A listed pair in Bitget's shape (documented example's values; base and quote split at a known quote)."""
    quote = next((q for q in ("USDT", "USDC", "BTC", "ETH") if symbol.endswith(q) and symbol != q), "USDT")
    return {
        "symbol": symbol,
        "baseCoin": symbol[: -len(quote)] if symbol.endswith(quote) else symbol,
        "quoteCoin": quote,
        "minTradeAmount": "0",
        "maxTradeAmount": "900000000000000000000",
        "takerFeeRate": "0.002",
        "makerFeeRate": "0.002",
        "pricePrecision": "2",
        "quantityPrecision": "6",
        "quotePrecision": "8",
        "status": "online",
        "minTradeUSDT": "1",
        "buyLimitPriceRatio": "0.05",
        "sellLimitPriceRatio": "0.05",
        "areaSymbol": "no",
        "orderQuantity": "200",
        "openTime": "1532454360000",
        "offTime": "",
    }


async def _symbols(call: Call) -> Response:
    """The configured symbols and those of every order seeded; `symbol=` one of them, else none (what
    Bitget answers for a pair it does not list is not documented)."""
    ex = call.exchange
    listed = sorted({*ex.settings.symbols, *ex.orders.symbols(), *ex.plans.symbols()})
    wanted = call.query.get("symbol")
    return envelope("00000", "success", [_spot_symbol(s) for s in listed if wanted in (None, s)], status=200)


async def _server_time(call: Call) -> Response:
    return envelope("00000", "success", {"serverTime": str(_now_ms())}, status=200)


def _read_fault(ex: MockExchange) -> None:
    if ex.faults.read_error():
        raise _Reject("50001", "Service temporarily unavailable", ex.faults.config.error_status)


async def _order_info(call: Call) -> Response:
    ex, uid, q = call.exchange, call.uid, call.query
    assert uid is not None
    if "orderId" not in q and "clientOid" not in q:  # the contract's x-parameter-rules
        raise _Reject("40019", "Parameter orderId or clientOid cannot be empty")
    _read_fault(ex)
    order = ex.orders.find(uid, q.get("orderId"), None if "orderId" in q else q["clientOid"], ex.faults.read_view_ms())
    if order is not None and "orderId" not in q and ex.settings.client_oid_lookup_unfilled_only and not order.is_open:
        order = None  # by clientOid, Bitget finds an order only while it is unfilled
    found = [] if order is None else [order.as_api(with_cancel_reason=True)]
    return envelope("00000", "success", found, status=200)


def _list_orders(statuses: frozenset[str], history: bool) -> Handler:
    async def handler(call: Call) -> Response:
        ex, uid, q = call.exchange, call.uid, call.query
        assert uid is not None
        _read_fault(ex)
        orders = ex.orders.page(
            uid,
            statuses,
            symbol=q.get("symbol"),
            start_time=q.get("startTime"),
            end_time=q.get("endTime"),
            id_less_than=q.get("idLessThan"),
            order_id=q.get("orderId"),
            limit=q.get("limit", 100),
            not_before=_now_ms() - HISTORY_DAYS * 86_400_000 if history else None,
            at_ms=ex.faults.read_view_ms(),
        )
        data = [o.as_api() if history else o.as_open_api() for o in orders]
        return envelope("00000", "success", data, status=200)

    return handler


def _plan_pages(statuses: frozenset[str], default_limit: int) -> Handler:
    async def handler(call: Call) -> Response:
        ex, uid, q = call.exchange, call.uid, call.query
        assert uid is not None
        _read_fault(ex)
        plans, more = ex.plans.page(
            uid,
            statuses,
            symbol=q.get("symbol"),
            id_less_than=q.get("idLessThan"),
            limit=q.get("limit", default_limit),
            start_time=q.get("startTime"),
            end_time=q.get("endTime"),
        )
        cursor = plans[-1].order_id if plans else None
        page = {"nextFlag": more, "idLessThan": cursor, "orderList": [p.as_api() for p in plans]}
        return envelope("00000", "success", page, status=200)

    return handler


PLAN_ERRORS = {"43025": "Plan order does not exist", "43026": "The planned order has been closed"}


async def _cancel_plan(call: Call) -> Response:
    ex, uid, body = call.exchange, call.uid, call.body
    assert uid is not None
    decision = _cancel_faults(ex)
    error = ex.plans.cancel_one(uid, body.get("orderId"), None if "orderId" in body else body.get("clientOid"))
    if error is not None:
        raise _Reject(error, PLAN_ERRORS[error])
    return await _cancel_answer(ex, decision, {"result": "success"})


async def _batch_cancel_plan(call: Call) -> Response:
    """Every open plan order of `symbolList` (absent: of the account), at once; none fails here."""
    ex, uid = call.exchange, call.uid
    assert uid is not None
    decision = _cancel_faults(ex)
    done = ex.plans.cancel_symbols(uid, call.body.get("symbolList"))
    success = [{"orderId": p.order_id, "clientOid": p.client_oid or ""} for p in done]
    return await _cancel_answer(ex, decision, {"successList": success, "failureList": []})


# What each operation of the contract does, by operationId. Paths, methods, signing, limits and
# validation come from the contract; an operation without a handler here fails the mock's start.
HANDLERS: dict[str, Handler] = {
    "batchCancelOrders": _batch_cancel,
    "cancelOrder": _cancel_order,
    "cancelSymbolOrders": _cancel_symbol,
    "getServerTime": _server_time,
    "getSymbols": _symbols,
    "getCurrentPlanOrders": _plan_pages(OPEN_PLAN, 20),
    "getHistoryPlanOrders": _plan_pages(ENDED_PLAN, 100),
    "cancelPlanOrder": _cancel_plan,
    "batchCancelPlanOrders": _batch_cancel_plan,
    "getOrderInfo": _order_info,
    "getUnfilledOrders": _list_orders(OPEN, history=False),
    "getHistoryOrders": _list_orders(frozenset({"filled", "cancelled"}), history=True),
}


def _operation_route(path: str, ops: dict[str, OperationContract]) -> Route:
    allow = ", ".join(sorted(ops))

    async def endpoint(request: Request) -> Response:
        ex: MockExchange = request.app.state.exchange
        op = ops.get(request.method)
        if op is None:
            refusal = envelope("40405", f"Method {request.method} not allowed; use {allow}", status=405)
            refusal.headers["Allow"] = allow
            return refusal
        uid = None
        response: Response
        try:
            body = await _read_body(request, ex.settings.max_body_bytes)
            if op.signed:
                uid = _authenticate(ex, request, body)
            now, counted_ms = time.monotonic(), _now_ms()
            _REQUEST_TIME.set(counted_ms)
            scope_key = uid if op.rate_scope == "uid" and uid is not None else (request.client or ("?", 0))[0]
            if not ex.limiters[op.id].try_acquire(scope_key, now):
                raise _Reject("429", "Too Many Requests", 429)
            request.scope["bitget.accepted_at"] = now  # the limiter's clock, for the access log and load tests
            payload = _parse_json(request, body) if op.has_body else None
            query, bad_query = op.check_query(request.query_params)
            for rejection in (op.check_headers(request.headers), bad_query, op.check_body(payload, body)):
                if rejection is not None:
                    raise _Reject(rejection.code, rejection.msg)
            response = await HANDLERS[op.id](Call(request, ex, op, uid, query, payload))
        except _Reject as r:
            response = envelope(r.code, r.msg, status=r.status)
        request.scope["bitget.uid"] = uid
        return response

    return Route(path, endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])


async def _json_body(request: Request) -> Any:
    raw = await _read_body(request, _MAX_CONTROL_BYTES)
    try:
        data = json.loads(raw or b"{}", parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Reject("40017", "body is not valid JSON") from None
    where = first_invalid_text(data)
    if where is not None:
        raise _Reject("40017", f"{where or 'body'} is not valid Unicode text")
    return data


def _account_uid(ex: MockExchange, api_key: Any) -> str:
    if api_key is not None and not isinstance(api_key, str):
        raise _Reject("40017", "apiKey must be a string")
    account = ex.account_for(api_key)
    if account is None:
        raise _Reject("40006", f"unknown apiKey {api_key!r}")
    return account.uid


def _control(handler: Any) -> Any:
    async def wrapped(request: Request) -> Response:
        try:
            result: Response = await handler(request, request.app.state.exchange)
            return result
        except _Reject as r:
            return envelope(r.code, r.msg, status=r.status)

    return wrapped


def _nonempty_str(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise _Reject("40017", f"{name} must be a non-empty string")
    return value


async def mock_orders(request: Request, ex: MockExchange) -> Response:
    if request.method == "GET":
        q = request.query_params
        status = q.get("status")
        if status not in (None, *STATUSES):
            raise _Reject("40017", f"status must be one of {', '.join(STATUSES)}")
        uid = _account_uid(ex, q.get("apiKey"))
        orders = ex.orders.select(uid, q.get("symbol"), status)
        return _SafeJSON({"orders": [o.as_dict() for o in orders]})
    data = await _json_body(request)
    if not isinstance(data, dict):
        raise _Reject("40017", "body must be a JSON object")
    uid = _account_uid(ex, data.get("apiKey"))
    specs: list[OrderSpec]
    if "orders" in data:
        if not isinstance(data["orders"], list) or not data["orders"]:
            raise _Reject("40017", "orders must be a non-empty list")
        specs = [_order_spec(o, i) for i, o in enumerate(data["orders"])]
    else:
        symbol = _nonempty_str(data.get("symbol"), "symbol")
        count = data.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 100_000:
            raise _Reject("40017", "count must be an integer from 1 to 100000")
        # Every seeded order gets a clientOid too, so tests can cancel by either identifier.
        prefix = f"mock-{secrets.token_hex(4)}-"
        specs = [OrderSpec(symbol, f"{prefix}{i}") for i in range(count)]
    try:
        created = ex.orders.add(uid, specs)
    except OrderBookFull as e:
        raise _Reject("40017", str(e)) from None
    except ValueError as e:
        raise _Reject("40017", str(e)) from None
    if ex.settings.freeze_seeded_orders:
        gc.freeze()
    hidden = {"status", "filledSize"}
    return _SafeJSON({"orders": [{k: v for k, v in o.as_dict().items() if k not in hidden} for o in created]})


def _order_spec(o: Any, i: int) -> OrderSpec:
    allowed = {"symbol", "clientOid", "price", "size", "side", "tpslType"}
    if not isinstance(o, dict) or set(o) - allowed:
        raise _Reject("40017", f"orders[{i}] must be an object with symbol and optional {', '.join(sorted(allowed))}")
    coid = o.get("clientOid")
    spec = OrderSpec(_nonempty_str(o.get("symbol"), f"orders[{i}].symbol"), coid and _nonempty_str(coid, "clientOid"))
    for key in ("price", "size"):
        if key in o:
            setattr(spec, key, _decimal_text(o[key], f"orders[{i}].{key}"))
    if "side" in o:
        if o["side"] not in ("buy", "sell"):
            raise _Reject("40017", f"orders[{i}].side must be buy or sell")
        spec.side = o["side"]
    if "tpslType" in o:
        if o["tpslType"] not in ("normal", "tpsl"):
            raise _Reject("40017", f"orders[{i}].tpslType must be normal or tpsl")
        spec.tpsl_type = o["tpslType"]
    return spec


def _decimal_text(value: Any, name: str) -> str:
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number <= 0:
        raise _Reject("40017", f"{name} must be a positive decimal string")
    return value  # type: ignore[no-any-return]


async def mock_fill(request: Request, ex: MockExchange) -> Response:
    """`{"orders": [{"orderId" | "clientOid", "symbol"?, "fraction": f}]}`: fill open orders.

    `fraction` (0 < f <= 1) is the part of the size filled in total; 1 fills the order.
    """
    data = await _json_body(request)
    if not isinstance(data, dict) or not isinstance(data.get("orders"), list) or not data["orders"]:
        raise _Reject("40017", 'body must be {"orders": [...]} with at least one order')
    uid = _account_uid(ex, data.get("apiKey"))
    fills: list[tuple[str | None, str | None, str | None, Decimal]] = []
    for i, o in enumerate(data["orders"]):
        if not isinstance(o, dict) or set(o) - {"orderId", "clientOid", "symbol", "fraction"}:
            raise _Reject("40017", f"orders[{i}] must be an object with orderId or clientOid, symbol?, fraction")
        if ("orderId" in o) == ("clientOid" in o):
            raise _Reject("40017", f"orders[{i}]: give exactly one of orderId or clientOid")
        fraction = o.get("fraction")
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction <= 1:
            raise _Reject("40017", f"orders[{i}].fraction must be a number with 0 < fraction <= 1")
        symbol = _nonempty_str(o["symbol"], f"orders[{i}].symbol") if "symbol" in o else None
        oid = _nonempty_str(o["orderId"], f"orders[{i}].orderId") if "orderId" in o else None
        coid = _nonempty_str(o["clientOid"], f"orders[{i}].clientOid") if "clientOid" in o else None
        fills.append((oid, coid, symbol, Decimal(str(fraction))))
    try:
        filled = ex.orders.fill(uid, fills)
    except ValueError as e:
        raise _Reject("40017", str(e)) from None
    return _SafeJSON({"orders": [o.as_dict() for o in filled]})


async def mock_plan_orders(request: Request, ex: MockExchange) -> Response:
    """GET: the account's plan orders (`?status=`, `?symbol=`); POST `{"symbol", "count"}`: place that many
    live plan orders (each with a clientOid)."""
    if request.method == "GET":
        q = request.query_params
        plans = ex.plans.select(_account_uid(ex, q.get("apiKey")), q.get("symbol"), q.get("status"))
        return _SafeJSON({"orders": [p.as_dict() for p in plans]})
    data = await _json_body(request)
    if not isinstance(data, dict):
        raise _Reject("40017", "body must be a JSON object")
    uid = _account_uid(ex, data.get("apiKey"))
    symbol = _nonempty_str(data.get("symbol"), "symbol")
    count = data.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10_000:
        raise _Reject("40017", "count must be an integer from 1 to 10000")
    prefix = f"plan-{secrets.token_hex(4)}-"
    created = ex.plans.add(uid, symbol, count, (f"{prefix}{i}" for i in range(count)))
    return _SafeJSON({"orders": [p.as_dict() for p in created]})


async def mock_trigger(request: Request, ex: MockExchange) -> Response:
    """`{"orderId"?, "symbol"?}`: fire open plan orders (that one, that symbol's, or all): each becomes
    `executed` and places a live ordinary order, as a trigger price reached does on Bitget."""
    data = await _json_body(request)
    if not isinstance(data, dict) or set(data) - {"orderId", "symbol", "apiKey"}:
        raise _Reject("40017", "body must be an object with orderId?, symbol?")
    uid = _account_uid(ex, data.get("apiKey"))
    oid = _nonempty_str(data["orderId"], "orderId") if "orderId" in data else None
    symbol = _nonempty_str(data["symbol"], "symbol") if "symbol" in data else None
    return _SafeJSON({"orders": [p.as_dict() for p in ex.plans.trigger(uid, oid, symbol)]})


async def mock_reset(request: Request, ex: MockExchange) -> Response:
    ex.reset()
    if ex.settings.freeze_seeded_orders:
        gc.unfreeze()  # the orders just dropped can be collected
    return JSONResponse({"reset": True})


async def mock_faults(request: Request, ex: MockExchange) -> Response:
    if request.method == "POST":
        try:
            ex.faults.configure(FaultConfig.from_json(await _json_body(request)))
        except (TypeError, ValueError) as e:
            raise _Reject("40017", str(e)) from None
    return JSONResponse({"faults": ex.faults.config.as_dict(), "injected": dict(ex.faults.counts)})


async def mock_stats(request: Request, ex: MockExchange) -> Response:
    return JSONResponse({**ex.stats.as_dict(), "faultsInjected": dict(ex.faults.counts), "ipCap": ex.ip_cap.as_dict()})


async def not_found(request: Request, exc: Exception) -> Response:
    return envelope("40404", f"Request URL NOT FOUND: {request.url.path}", status=404)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    response = envelope("40405", f"Method {request.method} not allowed", status=405)
    response.headers.update(getattr(exc, "headers", None) or {})
    return response


class _Instrument:
    """Outermost ASGI layer: access log without secrets, status counts, and connection drops."""

    def __init__(self, app: Starlette, exchange: MockExchange) -> None:
        self.app, self.exchange = app, exchange

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def send_wrapper(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        scope["bitget.raw_send"] = send
        path: str = scope["path"]
        client = scope.get("client") or ("?", 0)
        if not path.startswith("/mock/") and not self.exchange.ip_cap.try_acquire(client[0]):
            # The overall cap per address: every request counts, whatever its endpoint (even one that
            # exists nowhere) or signature, and during the lockout every one is refused.
            await envelope("429", "Too Many Requests", status=429)(scope, receive, send_wrapper)
        else:
            await self.app(scope, receive, send_wrapper)
        agent = next((v for k, v in scope.get("headers", ()) if k == b"user-agent"), b"")
        self.exchange.stats.record(status, path, agent.decode("latin-1"))
        if access_log.isEnabledFor(logging.INFO):
            line = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status or "dropped",
                "uid": scope.get("bitget.uid"),
                "ms": round((time.perf_counter() - start) * 1000, 2),
            }
            if "bitget.accepted_at" in scope:
                line["accepted_at"] = round(scope["bitget.accepted_at"], 6)
            access_log.info(json.dumps(line, separators=(",", ":")))


def create_app(exchange: MockExchange | None = None) -> _Instrument:
    exchange = exchange or MockExchange()
    missing = set(exchange.contract.operations) - set(HANDLERS)
    if missing:
        raise RuntimeError(f"the contract has operations the mock does not implement: {sorted(missing)}")
    routes = [_operation_route(path, ops) for path, ops in exchange.contract.by_path().items()]
    routes += [
        Route("/mock/orders", _control(mock_orders), methods=["GET", "POST"]),
        Route("/mock/fill", _control(mock_fill), methods=["POST"]),
        Route("/mock/plan-orders", _control(mock_plan_orders), methods=["GET", "POST"]),
        Route("/mock/trigger", _control(mock_trigger), methods=["POST"]),
        Route("/mock/reset", _control(mock_reset), methods=["POST"]),
        Route("/mock/faults", _control(mock_faults), methods=["GET", "POST"]),
        Route("/mock/stats", _control(mock_stats), methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: method_not_allowed})
    # No trailing-slash redirects: Starlette builds their Location from the Host header (reflection).
    app.router.redirect_slashes = False
    app.state.exchange = exchange
    return _Instrument(app, exchange)
