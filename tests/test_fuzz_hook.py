"""The fuzz run's signing hook: it signs the decoded query of what is actually sent, and a wrongly
signing hook makes the run fail (it is not silently green)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bitget_mock import MockExchange, MockServer, Settings, demo_account

from . import schemathesis_hooks
from .spec_support import ROOT, SPEC_PATH

SCHEMA = schemathesis.openapi.from_path(str(SPEC_PATH))
ORDER_INFO = SCHEMA["/api/v2/spot/trade/orderInfo"]["GET"]
UNFILLED = SCHEMA["/api/v2/spot/trade/unfilled-orders"]["GET"]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    settings_ = Settings(rate_limit=0, auth_error_status=401, timestamp_window_ms=3_600_000)
    with MockServer(MockExchange([demo_account()], settings_)) as s:
        yield s


def _expected_sign(ts: str, target: str) -> str:
    """Written out here, not taken from the hook: HMAC-SHA256 over timestamp + GET + path?decoded-query."""
    digest = hmac.new(b"demo-secret-key", (ts + "GET" + target).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_the_contracts_worked_example_and_form_decoding() -> None:
    assert schemathesis_hooks.signed_query("clientOid=bot%3A7%20x%2Fy") == "clientOid=bot:7 x/y"
    assert schemathesis_hooks.signed_query("a=1+2%2B3&b=&c") == "a=1 2+3&b=&c"  # `+` a space, %2B a plus
    assert schemathesis_hooks.signed_query("symbol=%E9%BE%99%E8%99%BEUSDT") == "symbol=龙虾USDT"


def test_reserved_and_non_ascii_characters_are_signed_decoded(server: MockServer) -> None:
    value = "bot:7 x/y+%&=龙?#é"
    case = ORDER_INFO.Case(query={"clientOid": value, "requestTime": 1695808949356})
    schemathesis_hooks.BitgetSignature().set(case, {}, None)
    ts = case.headers["ACCESS-TIMESTAMP"]
    decoded = f"/api/v2/spot/trade/orderInfo?clientOid={value}&requestTime=1695808949356"
    assert case.headers["ACCESS-SIGN"] == _expected_sign(ts, decoded)
    response = case.call(base_url=server.url)
    sent = response.request.url.split("?", 1)[1]
    assert sent.isascii() and "%E9%BE%99" in sent and value not in sent  # the URL carries them encoded
    assert sent == schemathesis_hooks.sent_query(case)
    assert response.status_code == 200, response.text  # the mock verifies over the decoded query too
    assert (response.json()["code"], response.json()["data"]) == ("00000", [])


def test_plain_values_sign_the_same_as_before() -> None:
    """Letters, digits, `-` and `_`: the decoded and the encoded query are the same bytes (the contract's
    worked example, limit=20&symbol=BTCUSDT, is signed as sent)."""
    case = UNFILLED.Case(query={"limit": 20, "symbol": "BTCUSDT"})
    schemathesis_hooks.BitgetSignature().set(case, {}, None)
    target = "/api/v2/spot/trade/unfilled-orders?limit=20&symbol=BTCUSDT"
    assert case.headers["ACCESS-SIGN"] == _expected_sign(case.headers["ACCESS-TIMESTAMP"], target)


def test_explicit_examples_are_signed_as_they_are_sent(server: MockServer) -> None:
    """Schemathesis signs an example case before it explodes `order` into `orderId`/`clientOid`: the hook
    signs the rendered query all the same, which is what requests then sends."""
    cases: list[Any] = []

    @settings(
        max_examples=10, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(case=st.one_of(ORDER_INFO.get_strategies_from_examples()))
    def collect(case: Any) -> None:
        cases.append(case)

    collect()
    assert {k for c in cases for k in c.query} >= {"orderId", "clientOid"}
    for case in cases:
        response = case.call(base_url=server.url)
        assert response.request.url.split("?", 1)[1] == schemathesis_hooks.sent_query(case)
        assert response.status_code == 200, response.text


def _fuzz(env_extra: dict[str, str], examples: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "fuzz.py"), "--max-examples", str(examples)],
        capture_output=True,
        text=True,
        env={**os.environ, **env_extra},
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_wrong_secret_in_the_signing_hook_fails_the_run() -> None:
    result = _fuzz({"FUZZ_SECRET_KEY": "not-the-secret"}, 20)
    assert result.returncode != 0
    assert "ST202" in result.stdout  # schema-valid request rejected: positive_data_acceptance caught it


def test_correctly_signed_short_run_passes() -> None:
    result = _fuzz({}, 20)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "fuzz: " in result.stdout


def test_the_fuzz_runs_every_check_on_every_operation() -> None:
    """No exemptions: `--checks all` (a superset of Schemathesis' default checks), none excluded, no
    per-operation settings in schemathesis.toml, and positive data must be answered 2xx everywhere."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import fuzz
    finally:
        sys.path.pop(0)
    cmd = fuzz.st_command("http://127.0.0.1:1", 10, 1, [])
    assert cmd[cmd.index("--checks") + 1] == "all"
    assert not any(arg.startswith(("--exclude", "--include")) for arg in cmd)
    config = tomllib.loads((ROOT / "schemathesis.toml").read_text(encoding="utf-8"))
    assert "operations" not in config
    assert config["checks"] == {"positive_data_acceptance": {"expected-statuses": ["2xx"]}}
