"""The mock rejects what Bitget rejects, with Bitget's status, code and message."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bitget_mock import Account, MockExchange, MockServer, Settings

from .conftest import DEMO, PATH, MockClient, signed_headers

BODY = {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]}


def _body() -> bytes:
    return json.dumps(BODY).encode()


def _post(mock: MockClient, headers: dict[str, str], body: bytes | None = None) -> httpx.Response:
    return mock.http.post(PATH, content=_body() if body is None else body, headers=headers)


@pytest.mark.parametrize(
    ("header", "code", "msg"),
    [
        ("ACCESS-KEY", "40001", "ACCESS_KEY cannot be empty"),
        ("ACCESS-SIGN", "40003", "Signature cannot be empty"),
        ("ACCESS-PASSPHRASE", "40011", "ACCESS_PASSPHRASE cannot be empty"),
        ("ACCESS-TIMESTAMP", "40005", "Invalid ACCESS_TIMESTAMP"),
    ],
)
def test_missing_header(mock: MockClient, header: str, code: str, msg: str) -> None:
    headers = signed_headers(_body())
    del headers[header]
    r = _post(mock, headers)
    assert r.status_code == 400
    assert r.json() == {"code": code, "msg": msg, "requestTime": r.json()["requestTime"], "data": None}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"api_key": "unknown-key"}, "40006"),
        ({"passphrase": "wrong"}, "40012"),
        ({"secret": "wrong-secret"}, "40009"),
        ({"ts_offset_ms": -31_000}, "40008"),
        ({"ts_offset_ms": 35_000}, "40008"),
        ({"ts": "16958089493x6"}, "40005"),
        ({"path": "/api/v2/spot/trade/batch-cancel-orders"}, "40009"),
    ],
)
def test_bad_credentials(mock: MockClient, change: dict[str, object], code: str) -> None:
    change = dict(change)
    if "ts_offset_ms" in change:
        change["ts"] = str(int(time.time() * 1000) + int(str(change.pop("ts_offset_ms"))))
    r = _post(mock, signed_headers(_body(), **change))  # type: ignore[arg-type]
    assert r.status_code == 400
    assert r.json()["code"] == code
    assert r.json()["data"] is None


def test_tampered_body_is_rejected(mock: MockClient) -> None:
    headers = signed_headers(_body())
    r = _post(mock, headers, _body().replace(b'"1"', b'"2"'))
    assert r.json()["code"] == "40009"


def test_signature_over_a_different_spacing_is_rejected(mock: MockClient) -> None:
    # Signed compact, sent spaced: the bytes differ, so Bitget (and the mock) must refuse.
    compact = json.dumps(BODY, separators=(",", ":")).encode()
    r = _post(mock, signed_headers(compact), json.dumps(BODY, indent=2).encode())
    assert r.json()["code"] == "40009"


@pytest.mark.parametrize(
    "raw",
    [
        json.dumps(BODY).encode(),  # json.dumps defaults: ", " and ": "
        json.dumps(BODY, indent=4).encode(),
        json.dumps(dict(reversed(list(BODY.items())))).encode(),  # other key order
        b'  {"orderList":[{"orderId":"1"}] ,\n"symbol" : "BTCUSDT"}  ',
    ],
)
def test_any_spacing_or_key_order_signed_correctly_is_accepted(mock: MockClient, raw: bytes) -> None:
    r = _post(mock, signed_headers(raw), raw)
    assert r.status_code == 200, r.text
    assert r.json()["code"] == "00000"


def test_timestamp_window_is_configurable() -> None:
    exchange = MockExchange([DEMO], Settings(rate_limit=0, timestamp_window_ms=5_000))
    with MockServer(exchange) as server:
        old = str(int(time.time() * 1000) - 6_000)
        r = httpx.post(server.url + PATH, content=_body(), headers=signed_headers(_body(), ts=old))
        assert r.json()["code"] == "40008"


def test_conformance_mode_answers_auth_failures_with_401() -> None:
    exchange = MockExchange([DEMO], Settings(rate_limit=0, auth_error_status=401))
    with MockServer(exchange) as server:
        headers = signed_headers(_body())
        del headers["ACCESS-KEY"]
        r = httpx.post(server.url + PATH, content=_body(), headers=headers)
        assert (r.status_code, r.json()["code"]) == (401, "40001")
        bad = httpx.post(server.url + PATH, content=_body(), headers=signed_headers(_body(), secret="x"))
        assert (bad.status_code, bad.json()["code"]) == (401, "40009")
        # Parameter errors stay 400 in either mode.
        good = signed_headers(b"{}")
        assert httpx.post(server.url + PATH, content=b"{}", headers=good).status_code == 400


@pytest.fixture(scope="module")
def rsa_server() -> Iterator[tuple[MockServer, rsa.RSAPrivateKey]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    accounts = [DEMO, Account(api_key="rsa-key", public_key_pem=pem.decode(), passphrase="rsa-pass", uid="2002")]
    with MockServer(MockExchange(accounts, Settings(rate_limit=0))) as server:
        yield server, key


def _rsa_headers(key: rsa.RSAPrivateKey, body: bytes) -> dict[str, str]:
    import base64

    ts = str(int(time.time() * 1000))
    sig = key.sign(ts.encode() + b"POST" + PATH.encode() + body, padding.PKCS1v15(), hashes.SHA256())
    return {
        "ACCESS-KEY": "rsa-key",
        "ACCESS-SIGN": base64.b64encode(sig).decode(),
        "ACCESS-TIMESTAMP": ts,
        "ACCESS-PASSPHRASE": "rsa-pass",
        "Content-Type": "application/json",
    }


def test_rsa_account_accepts_sha256withrsa(rsa_server: tuple[MockServer, rsa.RSAPrivateKey]) -> None:
    server, key = rsa_server
    seeded = httpx.post(server.url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 1, "apiKey": "rsa-key"})
    order_id = seeded.json()["orders"][0]["orderId"]
    body = json.dumps({"symbol": "BTCUSDT", "orderList": [{"orderId": order_id}]}).encode()
    r = httpx.post(server.url + PATH, content=body, headers=_rsa_headers(key, body))
    assert r.json()["data"]["successList"] == [
        {"orderId": order_id, "clientOid": seeded.json()["orders"][0]["clientOid"]}
    ]


def test_rsa_account_rejects_a_bad_signature(rsa_server: tuple[MockServer, rsa.RSAPrivateKey]) -> None:
    server, key = rsa_server
    body = _body()
    headers = _rsa_headers(key, body)
    r = httpx.post(server.url + PATH, content=body.replace(b"BTC", b"ETH"), headers=headers)
    assert r.json()["code"] == "40009"
    headers["ACCESS-SIGN"] = "not base64!"
    assert httpx.post(server.url + PATH, content=body, headers=headers).json()["code"] == "40009"
    # An HMAC signature made with the passphrase as a secret must not pass for an RSA account.
    hmac_headers = signed_headers(body, api_key="rsa-key", secret="rsa-pass", passphrase="rsa-pass")
    assert httpx.post(server.url + PATH, content=body, headers=hmac_headers).json()["code"] == "40009"


def test_hmac_and_rsa_accounts_on_one_server_have_separate_books(
    rsa_server: tuple[MockServer, rsa.RSAPrivateKey],
) -> None:
    server, _ = rsa_server
    seeded = httpx.post(server.url + "/mock/orders", json={"symbol": "XRPUSDT", "count": 1}).json()["orders"]
    rsa_view = httpx.get(server.url + "/mock/orders", params={"apiKey": "rsa-key", "symbol": "XRPUSDT"}).json()
    assert rsa_view["orders"] == []
    assert seeded
