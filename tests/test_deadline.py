"""`deadline_s` bounds a whole `cancel_orders` run (CLI `--deadline`): when it passes, nothing more is
sent, and every order is reported as it stands, in agreement with what the exchange did."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any

import pytest

from bitget_sdk import AsyncBitgetClient, BatchValidationError, BitgetClient
from bitget_sdk._core.engine import SEND, Attempt, RetryPolicy, Sleep, attempt_steps, parse_retry_after
from bitget_sdk._core.errors import RateLimitError

from .conftest import MockClient
from .test_cli import run

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


def _cancel(mode: str, url: str, ids: list[str], uid: str, **kw: Any) -> Any:
    if mode == "sync":
        with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, uid=uid) as client:
            return client.cancel_orders(symbol="BTCUSDT", order_ids=ids, **kw)

    async def go() -> Any:
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, uid=uid) as client:
            return await client.cancel_orders(symbol="BTCUSDT", order_ids=ids, **kw)

    return asyncio.run(go())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_deadline_ends_the_run_and_the_report_agrees_with_the_exchange(mock: MockClient, mode: str) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 1500)]  # 30 requests at 10/s: about 2 s
    started = time.monotonic()
    # Each variant its own budget (uid): the SDK's in-process budget, like the exchange's, outlives
    # the mock's reset, and the other variant's permits would still be in its window.
    uid = {"sync": "1300001", "async": "1300002"}[mode]
    report = _cancel(mode, mock.server.url, ids, uid, deadline_s=1.0)
    took = time.monotonic() - started
    assert took < 1.0 + 0.5
    assert report.deadline_passed
    assert report.total == 1500
    assert 0 < len(report.cancelled) < 1500
    # A request is not started when a usual round trip would end past the deadline; one that is cut
    # short anyway leaves its orders unknown (it may have reached the exchange).
    assert all("deadline" in o.error_msg for o in report.unknown)
    assert all("not sent" in o.error_msg and "deadline" in o.error_msg for o in report.failed)
    live = {o["orderId"] for o in mock.orders(status="live")}
    assert {o.order_id for o in report.failed} <= live
    assert not live & {o.order_id for o in report.cancelled}
    assert live <= {o.order_id for o in report.failed + report.unknown}


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "5", True])
def test_a_bad_deadline_is_refused_before_any_io(mock: MockClient, bad: Any) -> None:
    before = mock.server.exchange.stats.as_dict()["requests"]
    with (
        pytest.raises(BatchValidationError) as info,
        BitgetClient(KEY, SECRET, PASSPHRASE, base_url=mock.server.url) as c,
    ):
        c.cancel_orders(symbol="BTCUSDT", order_ids=["1"], deadline_s=bad)
    assert info.value.field == "deadline_s"
    assert mock.server.exchange.stats.as_dict()["requests"] == before


def test_cli_deadline(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 1500)]
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, "--deadline", "1", "--json"]
    r = run(*args, *[x for i in ids for x in ("--order-id", i)])
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["deadline_passed"] is True
    assert report["counts"]["unknown"] == 0 and report["counts"]["failed"] > 0
    assert "deadline" in report["summary"]
    bad = run("cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--deadline", "soon")
    assert bad.returncode == 2 and "--deadline" in bad.stderr


# --- 429: never final while time remains (engine) ---------------------------------------------


def _throttle(retry_after: float | None = None) -> Attempt:
    return Attempt(
        "retry", error=RateLimitError("429", "Too Many Requests", 429), throttled=True, retry_after_s=retry_after
    )


def test_a_429_waits_at_least_its_retry_after() -> None:
    steps = attempt_steps(RetryPolicy(3, 0.01, 0.02), random.Random(1), retry_uncertain=True, patient=True)
    assert next(steps) is SEND
    step = steps.send(_throttle(retry_after=2.5))
    assert isinstance(step, Sleep) and step.seconds >= 2.5


def test_a_patient_request_retries_429_past_max_retries_until_time_runs_out() -> None:
    left = {"s": 10.0}
    steps = attempt_steps(
        RetryPolicy(1, 0.1, 0.1), random.Random(1), retry_uncertain=True, patient=True, time_left=lambda: left["s"]
    )
    next(steps)
    for _ in range(20):  # far more than max_retries=1
        assert isinstance(steps.send(_throttle()), Sleep)
        assert steps.send(None) is SEND
    left["s"] = 0.05  # less than the next backoff: the 429 is final
    with pytest.raises(StopIteration) as stop:
        steps.send(_throttle())
    assert stop.value.value.count == 21


def test_an_impatient_request_counts_429_as_a_retry() -> None:
    steps = attempt_steps(RetryPolicy(1, 0.01, 0.01), random.Random(1), retry_uncertain=True)
    next(steps)
    assert isinstance(steps.send(_throttle()), Sleep)
    assert steps.send(None) is SEND
    with pytest.raises(StopIteration):
        steps.send(_throttle())


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("0.5", 0.5), ("-4", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("", None)],
)
def test_retry_after_is_read_as_seconds_or_a_date(header: str, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_retry_after_as_a_future_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
