"""Several API keys of one UID share one budget (`uid=`, CLI `--uid`, env BITGET_UID): Bitget counts
batch cancels per UID, whoever sends them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bitget_mock import Account, MockExchange, MockServer, Settings
from bitget_sdk import BitgetClient, CancelReport

from .conftest import MockClient
from .test_cli import ENV, run

UID = "5550001"
KEYS = [
    Account(api_key=f"uid-key-{n}", secret_key=f"uid-secret-{n}", passphrase=f"uid-pass-{n}", uid=UID) for n in (1, 2)
]


def _creds(n: int) -> dict[str, str]:
    a = KEYS[n]
    assert a.secret_key is not None
    return {"api_key": a.api_key, "secret_key": a.secret_key, "passphrase": a.passphrase}


@pytest.fixture
def two_keys() -> Iterator[MockClient]:
    """A strict mock (10 batch cancels per UID in any 1 s window) with two keys of one UID."""
    with MockServer(MockExchange(KEYS, Settings())) as server:
        client = MockClient(server)
        yield client
        client.http.close()


def test_keys_given_one_uid_share_one_budget() -> None:
    a = BitgetClient(**_creds(0), uid=UID)
    b = BitgetClient(**_creds(1), uid=UID)
    c = BitgetClient(**_creds(1))
    d = BitgetClient(**_creds(0), uid="5550002")
    assert a.limiter is b.limiter
    assert a.limiter_for("getOrderInfo") is b.limiter_for("getOrderInfo")
    assert c.limiter is not a.limiter and d.limiter is not a.limiter


@pytest.mark.parametrize("bad", ["", "12a", "\uff11\uff12", 5550001, "1" * 33])
def test_a_uid_that_is_not_digits_is_refused_naming_the_option(bad: Any) -> None:
    with pytest.raises(ValueError, match=r"^uid must be"):
        BitgetClient(**_creds(0), uid=bad)


def test_from_env_reads_the_uid() -> None:
    env = {"BITGET_API_KEY": "k", "BITGET_SECRET_KEY": "s", "BITGET_PASSPHRASE": "p", "BITGET_UID": UID}
    assert BitgetClient.from_env(env).uid == UID


def _both_keys(mock: MockClient, uid: str | None) -> tuple[list[CancelReport], int]:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 600, apiKey=KEYS[0].api_key)]
    reports: list[CancelReport] = []

    def work(n: int) -> None:
        with BitgetClient(**_creds(n), base_url=mock.server.url, uid=uid, max_retries=0) as client:
            reports.append(client.cancel_orders(symbol="BTCUSDT", order_ids=ids[n * 300 : (n + 1) * 300]))

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = mock.http.get("/mock/stats").json()["statuses"]
    return reports, int(statuses.get("429", 0))


def test_two_keys_of_one_uid_never_earn_a_429_together(two_keys: MockClient) -> None:
    reports, too_many = _both_keys(two_keys, UID)
    assert too_many == 0
    assert [r.counts for r in reports] == [{"cancelled": 300, "failed": 0, "unknown": 0}] * 2


def test_without_uid_two_keys_of_one_uid_overrun_it(two_keys: MockClient) -> None:
    """The control: each key's own budget, 20 batch cancels a second against the UID's 10."""
    _, too_many = _both_keys(two_keys, None)
    assert too_many > 0


def test_cli_takes_uid_from_the_flag_and_names_it_when_wrong(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 2)]
    base = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url]
    r = run(*base, "--order-id", ids[0], "--uid", "1234")
    assert r.returncode == 0, r.stderr
    r = run(*base, "--order-id", ids[1], env={**ENV, "BITGET_UID": "uid-1"})
    assert r.returncode == 2 and "--uid must be" in r.stderr, r.stderr
    r = run(*base, "--order-id", ids[1], "--uid", "x")
    assert r.returncode == 2 and "--uid must be" in r.stderr, r.stderr
