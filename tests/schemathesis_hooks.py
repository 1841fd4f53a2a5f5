"""Schemathesis hooks: sign every generated request the way a Bitget client must.

A third, independent signer (neither the SDK's nor the mock's): it signs the exact bytes
Schemathesis sends for a JSON body (`json.dumps` with default separators) and the query as the
contract's `x-signing` says: the pairs requests will put in the URL, in that order, each key and
value percent-decoded (form decoding: `+` is a space), joined `k=v&...`. It sets every ACCESS-*
header except those a negative case removed or mangled on purpose, which must then be rejected.

A positive `cancelOrder` case must name an open order to be answered 2xx (Bitget refuses any other
with 43001, HTTP 400), so before it is sent an order is placed for it through the mock's control API
(`FUZZ_MOCK_URL`), and the case re-signed if it had to be pointed at that order. A positive
`cancelPlanOrder` case likewise gets a live plan order placed for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote_plus, urlsplit

import requests
import schemathesis
from requests.models import PreparedRequest
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.transforms import deepclone
from schemathesis.generation.meta import TestPhase, negated_parameters
from schemathesis.specs.openapi._hypothesis import jsonify_query_parameters
from schemathesis.transport.requests import prepare_query

API_KEY = os.environ.get("FUZZ_API_KEY", "bg_demo_key")
SECRET = os.environ.get("FUZZ_SECRET_KEY", "demo-secret-key")
PASSPHRASE = os.environ.get("FUZZ_PASSPHRASE", "demo-passphrase")


def _body_bytes(case: Any) -> bytes:
    body = case.body
    if isinstance(body, bytes):
        return body
    if body is None or type(body).__name__ == "NotSet":
        return b""
    try:
        return json.dumps(body).encode()
    except (TypeError, ValueError):
        return b""


def _wire_query(case: Any) -> Any:
    """The case's query as it will be sent. Schemathesis signs an explicit-example case (examples
    phase) before it renders its parameters for the wire (`serialize_components` in its examples.py:
    an exploded object becomes its properties, Python values their JSON spelling), so that rendering
    is done here, on a copy; every other phase signs cases already rendered."""
    meta = getattr(case, "meta", None)
    if meta is None or meta.phase.name != TestPhase.EXAMPLES or not isinstance(case.query, dict):
        return case.query
    query = deepclone(case.query)
    serializer = case.operation.get_parameter_serializer("query")
    if serializer is not None:
        query = serializer(query)
    optional = frozenset(p.name for p in case.operation.query if not p.is_required)
    return jsonify_query_parameters(query, optional)


def sent_query(case: Any) -> str:
    """The query string requests will put in the URL for this case, percent-encoded, without the `?`:
    Schemathesis' own wire form of the case's query (pre-encoded delimited and raw parts, `{}` sent as
    ""), then what requests makes of it (urlencode with doseq, None dropped, requote_uri)."""
    wire: Any = SimpleNamespace(query=_wire_query(case))  # all prepare_query reads of a case
    prepared = PreparedRequest()
    prepared.prepare_url("http://fuzz.invalid/", prepare_query(wire))
    return urlsplit(str(prepared.url)).query


def signed_query(sent: str) -> str:
    """The query as signed: the sent pairs in their order, each key and value percent-decoded
    (UTF-8, `+` a space), joined `k=v&...`; a pair without `=` stays a bare key."""
    pairs = []
    for pair in sent.split("&"):
        key, sep, value = pair.partition("=")
        pairs.append(unquote_plus(key) + sep + unquote_plus(value))
    return "&".join(pairs)


@schemathesis.auth(refresh_interval=None)
class BitgetSignature:
    def get(self, case: Any, ctx: Any) -> dict[str, str]:
        return {"key": API_KEY}

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        if case.headers is None:
            case.headers = {}
        headers = case.headers
        negated = {name.lower() for name, where in negated_parameters(case.meta) if where == ParameterLocation.HEADER}
        ts = str(int(time.time() * 1000))
        body = _body_bytes(case)
        target = case.formatted_path
        sent = sent_query(case) if case.query else ""
        if sent:
            target += "?" + signed_query(sent)
        prehash = ts.encode() + case.method.upper().encode() + target.encode() + body
        sign = base64.b64encode(hmac.new(SECRET.encode(), prehash, hashlib.sha256).digest())
        values = {
            "ACCESS-KEY": API_KEY,
            "ACCESS-PASSPHRASE": PASSPHRASE,
            "ACCESS-TIMESTAMP": ts,
            "ACCESS-SIGN": sign.decode(),
        }
        for name, value in values.items():
            if name.lower() not in negated:
                headers[name] = value


_fresh = itertools.count(1)


def _place(base: str, order: dict[str, str], *, taken_ok: bool = False) -> dict[str, Any] | None:
    """One open order placed through the mock's control API. None if its clientOid is already taken
    and `taken_ok`; any other refusal is an error of the run (the case could not be prepared)."""
    answer = requests.post(f"{base}/mock/orders", json={"apiKey": API_KEY, "orders": [order]}, timeout=10)
    data: dict[str, Any] = answer.json()
    if answer.status_code == 200:
        placed: dict[str, Any] = data["orders"][0]
        return placed
    if taken_ok and "already exists" in str(data.get("msg")):
        return None
    raise RuntimeError(f"the mock did not place {order}: HTTP {answer.status_code} {data}")


def _target_an_open_order(base: str, body: dict[str, Any]) -> bool:
    """Make the single cancel `body` name an open order of its symbol; True if the body was changed.
    By orderId: a new order, whose (mock-assigned) orderId replaces the generated one. By clientOid only:
    an order with that clientOid, unless the account already used it; then a fresh clientOid."""
    order = {"symbol": body.get("symbol") or "BTCUSDT"}  # a tpsl cancel may leave its symbol out
    if body.get("tpslType", "normal") != "normal":
        order["tpslType"] = body["tpslType"]
    if "orderId" in body:
        placed = _place(base, order)
        assert placed is not None
        body["orderId"] = placed["orderId"]
        return True
    if _place(base, {**order, "clientOid": body["clientOid"]}, taken_ok=True) is not None:
        return False
    body["clientOid"] = f"fuzz-{os.getpid()}-{next(_fresh)}"
    _place(base, {**order, "clientOid": body["clientOid"]})
    return True


def _target_an_open_plan_order(base: str, body: dict[str, Any]) -> bool:
    """Make the plan cancel `body` name a live plan order (Bitget refuses any other, 43025/43026): a new
    one, whose mock-assigned orderId (or, by clientOid only, clientOid) replaces the generated one."""
    answer = requests.post(f"{base}/mock/plan-orders", json={"apiKey": API_KEY, "symbol": "BTCUSDT"}, timeout=10)
    if answer.status_code != 200:
        raise RuntimeError(f"the mock did not place a plan order: HTTP {answer.status_code} {answer.text}")
    placed = answer.json()["orders"][0]
    key = "orderId" if "orderId" in body else "clientOid"
    body[key] = placed[key]
    return True


TARGETS = {"cancelOrder": _target_an_open_order, "cancelPlanOrder": _target_an_open_plan_order}


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    base = os.environ.get("FUZZ_MOCK_URL")
    target = TARGETS.get(case.operation.definition.raw.get("operationId"))
    if base is None or target is None:
        return
    meta = case.meta
    body = case.body
    if meta is None or not meta.generation.mode.is_positive or not isinstance(body, dict):
        return
    if target(base.rstrip("/"), body):
        BitgetSignature().set(case, {}, None)
