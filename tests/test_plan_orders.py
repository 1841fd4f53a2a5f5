"""Plan (trigger) orders: in the contract, the mock and both clients; cancel-all cancels them too by
default (`plan_orders=False` / `--no-plan-orders` leaves them) and reports them apart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings
from bitget_mock.accounts import demo_account
from bitget_sdk import AsyncBitgetClient, BitgetAPIError, BitgetClient
from bitget_sdk._runs.cancel_all import Interrupted
from bitget_sdk._runs.plans import NOT_SENT, CancelPlans, ListPlans, plan_cancel_steps

from .test_cli import run

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(MockExchange([demo_account()], Settings(rate_limit=0))) as srv:
        yield srv


def _seed(url: str, path: str, symbol: str, n: int) -> list[str]:
    r = httpx.post(url + path, json={"symbol": symbol, "count": n}, timeout=30)
    return [o["orderId"] for o in r.json()["orders"]]


def _live(url: str, path: str) -> list[str]:
    answer = httpx.get(url + path, params={"status": "live"}, timeout=30).json()["orders"]
    return [o["orderId"] for o in answer]


def test_the_operations_on_both_clients(server: MockServer) -> None:
    plans = _seed(server.url, "/mock/plan-orders", "BTCUSDT", 3)
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
        page = client.get_current_plan_orders(symbol="BTCUSDT", limit=2)
        assert [p.order_id for p in page.data.order_list] == plans[:0:-1] and page.data.next_flag
        assert client.cancel_plan_order(order_id=plans[0]).data.result == "success"
        with pytest.raises(BitgetAPIError) as e:
            client.cancel_plan_order(order_id=plans[0])
        assert e.value.code == "43026"
        httpx.post(server.url + "/mock/trigger", json={"orderId": plans[1]}, timeout=10)
        history = {p.order_id: p.status for p in client.get_history_plan_orders().data.order_list}
        assert history == {plans[0]: "cancelled", plans[1]: "executed"}
        assert len(_live(server.url, "/mock/orders")) == 1  # the trigger placed an ordinary order

    async def main() -> None:
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url) as client:
            answer = await client.batch_cancel_plan_orders(symbol_list=["BTCUSDT"])
            assert [i.order_id for i in answer.data.success_list] == [plans[2]]

    asyncio.run(main())


def test_cancel_all_cancels_plan_orders_too_and_reports_them_apart(server: MockServer) -> None:
    _seed(server.url, "/mock/orders", "BTCUSDT", 300)
    plans = _seed(server.url, "/mock/plan-orders", "BTCUSDT", 120)
    other = _seed(server.url, "/mock/plan-orders", "ETHUSDT", 2)
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, settle_lag_s=0.2) as client:
        report = client.cancel_open_orders(symbols=["BTCUSDT"])
    assert report.counts["cancelled"] == 300 and report.plan_orders is not None
    assert sorted(o.order_id for o in report.plan_orders.cancelled) == sorted(plans)
    assert _live(server.url, "/mock/orders") == [] and _live(server.url, "/mock/plan-orders") == other
    assert report.to_dict()["plan_orders"]["counts"] == {"cancelled": 120, "failed": 0, "unknown": 0}


def test_plan_orders_false_leaves_them(server: MockServer) -> None:
    _seed(server.url, "/mock/orders", "BTCUSDT", 3)
    plans = _seed(server.url, "/mock/plan-orders", "BTCUSDT", 2)

    async def main() -> Any:
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, settle_lag_s=0.2) as client:
            return await client.cancel_open_orders(all_symbols=True, plan_orders=False)

    report = asyncio.run(main())
    assert report.plan_orders is None and report.counts["cancelled"] == 3
    assert sorted(_live(server.url, "/mock/plan-orders")) == sorted(plans)


def test_cli_cancel_all_says_what_became_of_the_plan_orders(server: MockServer) -> None:
    _seed(server.url, "/mock/orders", "BTCUSDT", 5)
    _seed(server.url, "/mock/plan-orders", "BTCUSDT", 4)
    r = run("cancel-all", "--symbol", "BTCUSDT", "--yes", "--no-plan-orders", "--base-url", server.url)
    assert r.returncode == 0 and "plan orders" not in r.stdout and len(_live(server.url, "/mock/plan-orders")) == 4
    r = run("cancel-all", "--all-symbols", "--yes", "--json", "--base-url", server.url)
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["plan_orders"]["counts"]["cancelled"] == 4
    assert "plan orders: 4 cancelled, 0 failed, 0 unknown" in report["summary"]
    assert _live(server.url, "/mock/plan-orders") == []


def _plan(order_id: str, status: str = "live") -> Any:
    return SimpleNamespace(order_id=order_id, symbol="BTCUSDT", client_oid="", status=status)


def test_a_plan_order_triggered_before_the_cancel_is_failed_with_its_status() -> None:
    steps = plan_cancel_steps(("BTCUSDT",), out_of_time=lambda: False)
    assert next(steps) == ListPlans(("BTCUSDT",))
    assert steps.send([_plan("1"), _plan("2")]) == CancelPlans(("BTCUSDT",))
    answer = SimpleNamespace(success_list=[SimpleNamespace(order_id="1")], failure_list=[])
    assert steps.send(answer) == ListPlans(("BTCUSDT",))
    assert steps.send([]) == ListPlans(("BTCUSDT",), ended=True, wanted=frozenset({"2"}))  # gone, no answer
    with pytest.raises(StopIteration) as done:
        steps.send([_plan("2", "executed"), _plan("1", "cancelled")])
    report = done.value.value
    assert [o.order_id for o in report.cancelled] == ["1"]
    assert [(o.order_id, o.status) for o in report.failed] == [("2", "executed")]


def test_an_interrupted_plan_round_leaves_the_orders_in_flight_unknown() -> None:
    steps = plan_cancel_steps(None, out_of_time=lambda: False)
    next(steps)
    assert steps.send([_plan("1"), _plan("2")]) == CancelPlans(None)
    with pytest.raises(StopIteration) as done:
        steps.throw(Interrupted(None))
    report = done.value.value
    assert sorted(o.order_id for o in report.unknown) == ["1", "2"] and not report.failed and not report.cancelled


def test_a_stop_seen_before_the_plan_cancel_was_sent_leaves_them_failed_not_sent() -> None:
    steps = plan_cancel_steps(None, out_of_time=lambda: False)
    next(steps)
    steps.send([_plan("1")])
    with pytest.raises(StopIteration) as done:
        steps.throw(Interrupted(NOT_SENT))
    report = done.value.value
    assert [(o.order_id, o.error_msg) for o in report.failed] == [
        ("1", "plan order: not sent, the run was interrupted")
    ]


def test_a_plan_cancel_whose_answer_was_lost_is_unknown_even_when_time_runs_out() -> None:
    clock = iter([False, True, True, True])
    steps = plan_cancel_steps(None, out_of_time=lambda: next(clock))
    next(steps)
    assert steps.send([_plan("1")]) == CancelPlans(None)
    with pytest.raises(StopIteration) as done:
        steps.send(TimeoutError("lost"))  # out of time now: no listing after it
    report = done.value.value
    assert [o.order_id for o in report.unknown] == ["1"] and not report.failed and not report.remaining


def test_plan_orders_slower_than_the_ordinary_ones_are_still_cancelled(server: MockServer) -> None:
    """Nothing ordinary open, plan cancels answered 0.5 s late: the run waits for the plan rounds."""
    plans = _seed(server.url, "/mock/plan-orders", "BTCUSDT", 30)
    httpx.post(server.url + "/mock/faults", json={"delay_rate": 1.0, "delay_ms": 500}, timeout=10)
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, settle_lag_s=0.05) as client:
        report = client.cancel_open_orders(all_symbols=True)
    assert report.total == 0 and report.plan_orders is not None
    assert sorted(o.order_id for o in report.plan_orders.cancelled) == sorted(plans)
    assert _live(server.url, "/mock/plan-orders") == []


def test_cli_cancel_all_on_a_terminal_asks_about_the_plan_orders_too_even_when_no_order_is_open(
    server: MockServer,
) -> None:
    """The confirmation listed only ordinary orders and, with none open, ended "nothing to do" (exit 0)
    while plan orders, triggers of new orders, stayed open."""
    import os
    import pty
    import subprocess
    import sys

    from .test_cli import ENV, read_terminal

    httpx.post(server.url + "/mock/plan-orders", json={"symbol": "BTCUSDT", "count": 3}, timeout=10)
    dry = run("cancel-all", "--symbol", "BTCUSDT", "--dry-run", "--base-url", server.url)
    assert dry.returncode == 0 and "and 3 plan (trigger) orders" in dry.stdout + dry.stderr
    main_fd, child_fd = pty.openpty()
    base = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bitget_cli", "cancel-all", "--symbol", "BTCUSDT", "--base-url", server.url],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, env={**base, **ENV, "TERM": "xterm"}, close_fds=True,
    )  # fmt: skip
    os.close(child_fd)
    screen = b""
    while b"[y/N]" not in screen:
        screen += os.read(main_fd, 65536)
    assert b"Cancel these 0 open orders and 3 plan (trigger) orders" in screen
    os.write(main_fd, b"y\n")
    screen += read_terminal(main_fd)
    assert proc.wait(timeout=60) == 0, screen.decode(errors="replace")
    assert b"plan orders: 3 cancelled" in screen.replace(b"\r\n", b" ").replace(b"\n", b" ")
    live = httpx.get(server.url + "/mock/plan-orders", params={"status": "live"}, timeout=10).json()["orders"]
    assert live == []
