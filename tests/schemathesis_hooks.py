"""Schemathesis hooks: sign every generated request the way a Bitget client must.

A third, independent signer (neither the SDK's nor the mock's): it signs the exact bytes
Schemathesis sends for a JSON body (`json.dumps` with default separators) and the query string
exactly as requests encodes it, and sets every ACCESS-* header except those a negative case removed
or mangled on purpose, which must then be rejected.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from typing import Any

import schemathesis
from requests.models import RequestEncodingMixin
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import negated_parameters

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
        if case.query:
            # What requests will send: the same encoding (urlencode with doseq, None dropped) as it uses.
            target += "?" + RequestEncodingMixin._encode_params(case.query)
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
