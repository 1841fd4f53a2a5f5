"""Canary secrets never show up in a repr, a str, a log line (DEBUG, every logger) or an exception."""

from __future__ import annotations

import asyncio
import logging
import pickle
import traceback

import httpx
import pytest

from bitget_mock import Account, MockExchange, MockServer, Settings
from bitget_sdk import AsyncBitgetClient, AuthenticationError, BitgetClient, Credentials

CANARY_SECRET = "canary-secret-7f3a9c"
CANARY_PASSPHRASE = "canary-passphrase-b41e"


def _texts(*objs: object) -> str:
    return "\n".join(f"{o!r}\n{o!s}" for o in objs)


def test_reprs_hide_secrets(tmp_path: object) -> None:
    creds = Credentials(api_key="k", passphrase=CANARY_PASSPHRASE, secret_key=CANARY_SECRET)
    client = BitgetClient(credentials=creds, base_url="https://bitget.test")
    text = _texts(creds, client, client.auth, client._api, client.limiter)
    assert CANARY_SECRET not in text
    assert CANARY_PASSPHRASE not in text
    with pytest.raises(TypeError):
        pickle.dumps(client.auth)


def test_private_key_never_shown() -> None:
    v = __import__("json").loads(
        (__import__("pathlib").Path(__file__).parent / "vectors" / "signing.json").read_text(encoding="utf-8")
    )["vectors"][-1]
    pem = v["privateKeyPem"]
    body_line = pem.splitlines()[5]
    client = BitgetClient("k", passphrase="p", private_key=pem, base_url="https://bitget.test")
    assert body_line not in _texts(client, client.auth, client.auth._signer)


def test_whole_run_at_debug_leaks_nothing(caplog: pytest.LogCaptureFixture) -> None:
    account = Account(api_key="canary-key", secret_key=CANARY_SECRET, passphrase=CANARY_PASSPHRASE, uid="42")
    captured: list[str] = []
    with caplog.at_level(logging.DEBUG), MockServer(MockExchange([account], Settings(rate_limit=0))) as server:
        http = httpx.Client(base_url=server.url)
        ids = [
            o["orderId"] for o in http.post("/mock/orders", json={"symbol": "BTCUSDT", "count": 60}).json()["orders"]
        ]
        http.post("/mock/faults", json={"error_rate": 0.3, "drop_rate": 0.2, "seed": 7})
        kw = {"base_url": server.url, "rate_limit": 0, "backoff_base_s": 0.001, "max_retries": 5}
        with BitgetClient("canary-key", CANARY_SECRET, CANARY_PASSPHRASE, **kw) as client:
            report = client.cancel_orders(symbol="BTCUSDT", order_ids=[*ids, "1", "2"])
            captured += [str(report), repr(report), str(report.to_dict())]

        async def run_async() -> None:
            async with AsyncBitgetClient("canary-key", CANARY_SECRET, CANARY_PASSPHRASE, **kw) as aclient:
                captured.append(str(await aclient.cancel_orders(symbol="BTCUSDT", order_ids=ids[:5])))

        asyncio.run(run_async())
        wrong = BitgetClient("canary-key", "wrong-" + CANARY_SECRET, CANARY_PASSPHRASE, **kw)
        http.post("/mock/faults", json={})
        with pytest.raises(AuthenticationError) as info:
            wrong.cancel_orders(symbol="BTCUSDT", order_ids=ids)
        captured += [str(info.value), repr(info.value), "".join(traceback.format_exception(info.value))]
        captured.append(str(info.value.report))
    everything = caplog.text + "\n".join(captured)
    assert "POST /api/v2/spot/trade/batch-cancel-order" in caplog.text  # the SDK does log at DEBUG
    assert CANARY_SECRET not in everything
    assert CANARY_PASSPHRASE not in everything


def test_short_secrets_do_not_corrupt_answers() -> None:
    # Redaction works on decoded values, never on raw bytes: a one-letter passphrase must not break JSON.
    account = Account(api_key="short-key", secret_key="s", passphrase="p", uid="42")
    with MockServer(MockExchange([account], Settings(rate_limit=0))) as server:
        seeded = httpx.post(
            server.url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 3, "apiKey": "short-key"}
        ).json()["orders"]
        with BitgetClient("short-key", "s", "p", base_url=server.url, rate_limit=0) as client:
            report = client.cancel_orders(symbol="BTCUSDT", order_ids=[o["orderId"] for o in seeded])
    assert report.counts == {"cancelled": 3, "failed": 0, "unknown": 0}
