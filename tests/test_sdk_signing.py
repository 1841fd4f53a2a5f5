"""Signing: the language-neutral vectors, the exact bytes sent, fresh timestamps per attempt, clock offset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from bitget_mock import Account
from bitget_mock import signature as mock_signature
from bitget_sdk import BitgetAuth, BitgetClient, Clock, Credentials, HmacSigner, RsaSigner, prehash
from bitget_sdk._http.wire import query_string

VECTORS = json.loads((Path(__file__).parent / "vectors" / "signing.json").read_text(encoding="utf-8"))["vectors"]


def _path(v: dict[str, str]) -> str:
    """The path and query as sent: the vector's percent-encoded `sentQuery` (signed decoded)."""
    return v["requestPath"] + (f"?{v['sentQuery']}" if v["sentQuery"] else "")


GET_VECTORS = [v for v in VECTORS if v["sentQuery"]]


@pytest.mark.parametrize("v", GET_VECTORS, ids=[v["name"] for v in GET_VECTORS])
def test_the_sdk_sends_each_vectors_query_sorted_and_percent_encoded(v: dict[str, str]) -> None:
    params = dict(parse_qsl(v["sentQuery"], keep_blank_values=True))
    assert query_string(dict(reversed(params.items()))) == v["sentQuery"]


@pytest.mark.parametrize("v", GET_VECTORS, ids=[v["name"] for v in GET_VECTORS])
def test_the_mock_refuses_a_signature_over_the_encoded_query_where_encoding_changes_it(v: dict[str, str]) -> None:
    """What Bitget refuses with 40009 (ccxt#28888): the request signed over its bytes as sent."""
    if v["algorithm"] == "HMAC-SHA256":
        signer: HmacSigner | RsaSigner = HmacSigner(v["secretKey"])
        account = Account(api_key="k", passphrase="p", uid="1", secret_key=v["secretKey"])
    else:
        signer = RsaSigner(v["privateKeyPem"])
        account = Account(api_key="k", passphrase="p", uid="1", public_key_pem=v["publicKeyPem"])
    as_sent = f"{v['timestamp']}GET{v['requestPath']}?{v['sentQuery']}".encode()
    target = v["requestPath"].encode() + b"?" + mock_signature.decoded_query(v["sentQuery"].encode())
    verified = mock_signature.prehash(v["timestamp"], "GET", target, b"")  # what the mock checks
    assert mock_signature.verify(account, signer.sign(verified), verified)
    encoded_ok = mock_signature.verify(account, signer.sign(as_sent), verified)
    assert encoded_ok == (v["sentQuery"] == v["queryString"])


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_prehash_and_signature(v: dict[str, str]) -> None:
    message = prehash(v["timestamp"], v["method"], _path(v), v["body"].encode())
    assert message == v["prehash"].encode()
    signer = HmacSigner(v["secretKey"]) if v["algorithm"] == "HMAC-SHA256" else RsaSigner(v["privateKeyPem"])
    assert signer.sign(message) == v["signature"]


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector_verifies_with_the_mocks_independent_code(v: dict[str, str]) -> None:
    if v["algorithm"] == "HMAC-SHA256":
        account = Account(api_key="k", passphrase="p", uid="1", secret_key=v["secretKey"])
    else:
        account = Account(api_key="k", passphrase="p", uid="1", public_key_pem=v["publicKeyPem"])
    assert mock_signature.verify(account, v["signature"], v["prehash"].encode())
    assert not mock_signature.verify(account, v["signature"], v["prehash"].encode() + b" ")


def test_worked_examples_from_the_facts_file() -> None:
    signer = HmacSigner("test-secret-key")
    path = "/api/v2/spot/trade/batch-cancel-order"
    body = {
        "symbol": "BTCUSDT",
        "batchMode": "single",
        "orderList": [{"orderId": "121211212122"}, {"orderId": "121211212123"}],
    }
    compact = json.dumps(body, separators=(",", ":")).encode()
    spaced = json.dumps(body).encode()
    assert (
        signer.sign(prehash("1695808949356", "POST", path, compact)) == "TVKPn40x4Y2k5/pBqFjw7mj9PZ12xyBmxr+hqT8iHmQ="
    )
    assert signer.sign(prehash("1695808949356", "POST", path, spaced)) == "Po26fyTc05usknPioLWbxXDbmpUrh1BwZzAtgrU1Am4="
    get = prehash("1695808949356", "get", "/api/v2/spot/trade/unfilled-orders?limit=20&symbol=BTCUSDT")
    assert signer.sign(get) == "joFPLkC0moEhUR/xiR54rdwddg2eLkL94d/Fk5jseqM="


class Recorder:
    """A MockTransport that keeps every request and answers with a canned response or status sequence."""

    def __init__(self, *answers: tuple[int, Any]) -> None:
        self.requests: list[httpx.Request] = []
        self.answers = list(answers) or [(200, _ok())]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return httpx.Response(status, json=body)


def _ok(success: list[dict[str, str]] | None = None, failure: list[dict[str, str]] | None = None) -> dict[str, Any]:
    data = {"successList": success or [], "failureList": failure or []}
    return {"code": "00000", "msg": "success", "requestTime": 1, "data": data}


def _client(recorder: Recorder, **kw: Any) -> BitgetClient:
    kw.setdefault("rate_limit", 0)
    kw.setdefault("backoff_base_s", 0.001)
    return BitgetClient(
        "key-1",
        "test-secret-key",
        "pass-1",
        base_url="https://bitget.test",
        httpx_args={"transport": httpx.MockTransport(recorder)},
        **kw,
    )


def test_auth_signs_exactly_the_bytes_sent() -> None:
    rec = Recorder()
    with _client(rec) as client:
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}, {"orderId": "2"}])
    (req,) = rec.requests
    ts = req.headers["ACCESS-TIMESTAMP"]
    expected = HmacSigner("test-secret-key").sign(prehash(ts, "POST", req.url.raw_path, req.content))
    assert req.headers["ACCESS-SIGN"] == expected
    assert req.headers["ACCESS-KEY"] == "key-1"
    assert req.headers["ACCESS-PASSPHRASE"] == "pass-1"
    assert req.headers["Content-Type"] == "application/json"
    assert json.loads(req.content) == {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}, {"orderId": "2"}]}


def test_query_string_is_signed_as_sent() -> None:
    auth = BitgetAuth(Credentials(api_key="k", passphrase="p", secret_key="test-secret-key"), Clock())
    request = httpx.Request("GET", "https://x.test/api/v2/spot/trade/unfilled-orders?limit=20&symbol=BTCUSDT")
    signed = next(auth.auth_flow(request))
    ts = signed.headers["ACCESS-TIMESTAMP"]
    msg = f"{ts}GET/api/v2/spot/trade/unfilled-orders?limit=20&symbol=BTCUSDT".encode()
    assert signed.headers["ACCESS-SIGN"] == HmacSigner("test-secret-key").sign(msg)


def test_every_retry_is_resigned_with_a_fresh_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter(range(1_700_000_000, 1_700_000_100))
    monkeypatch.setattr("bitget_sdk._core.signing.time.time", lambda: float(next(ticks)))
    rec = Recorder((429, {"code": "429", "msg": "Too Many Requests", "data": None}), (200, _ok()))
    with _client(rec) as client:
        client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])
    first, second = rec.requests
    # Signed with the patched clock (the real one could give both the same millisecond: the retry's
    # backoff here is ~1 ms, and a CI run once saw the two sent within one).
    assert all(r.headers["ACCESS-TIMESTAMP"].startswith("17000000") for r in (first, second))
    assert first.headers["ACCESS-TIMESTAMP"] != second.headers["ACCESS-TIMESTAMP"]
    assert first.headers["ACCESS-SIGN"] != second.headers["ACCESS-SIGN"]


def test_clock_offset_is_applied_and_measurable() -> None:
    clock = Clock(offset_ms=5_000, now=lambda: 1_000.0)
    assert clock.ms() == 1_005_000

    def answer(request: httpx.Request) -> httpx.Response:
        assert "ACCESS-SIGN" not in request.headers  # public endpoint, no signature needed
        return httpx.Response(200, json={"code": "00000", "data": {"serverTime": "4102444800000"}})

    client = BitgetClient(
        "k", "s", "p", base_url="https://bitget.test", httpx_args={"transport": httpx.MockTransport(answer)}
    )
    offset = client.sync_time()
    assert abs(client.clock.ms() - 4102444800000) < 2_000
    assert offset == client.clock.offset_ms


def test_rsa_client_signs_with_the_private_key() -> None:
    v = next(v for v in VECTORS if v["algorithm"] == "SHA256withRSA")
    rec = Recorder()
    client = BitgetClient(
        "rsa-key", passphrase="p", private_key=v["privateKeyPem"], base_url="https://bitget.test", rate_limit=0,
        httpx_args={"transport": httpx.MockTransport(rec)},
    )  # fmt: skip
    client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": "1"}])
    req = rec.requests[0]
    account = Account(api_key="rsa-key", passphrase="p", uid="1", public_key_pem=v["publicKeyPem"])
    message = prehash(req.headers["ACCESS-TIMESTAMP"], "POST", req.url.raw_path, req.content)
    assert mock_signature.verify(account, req.headers["ACCESS-SIGN"], message)


def test_bad_private_key_error_does_not_echo_the_key() -> None:
    junk = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"
    with pytest.raises(ValueError, match="PKCS#8") as info:
        RsaSigner(junk)
    assert "c2VjcmV0" not in str(info.value)
    assert info.value.__cause__ is None
