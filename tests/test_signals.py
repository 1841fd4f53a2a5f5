"""A CLI run stopped by a signal (SIGTERM from systemd or Kubernetes, SIGHUP from a closed terminal,
Ctrl-C once or twice) ends as one Ctrl-C does: no new batch, the answers in flight awaited a short
while, and a whole report (valid JSON) that agrees with the exchange: every order the mock cancelled is
reported `cancelled` or `unknown`, none `failed` or missing. Exit 128 + the signal's number."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings

from .conftest import DEMO, MockClient
from .test_cli import ENV

ORDERS = 1500  # 30 batches: 10 at once, then 10 a second


@pytest.fixture(params=[300, 3000], ids=["answers-in-0.3s", "answers-in-3s"])
def limited(request: pytest.FixtureRequest) -> Iterator[tuple[str, httpx.Client]]:
    """A strict mock (10 batch cancels a second) that cancels at once and answers `param` ms later: the
    second second's batches are in flight when the signal comes. Answers in 0.3 s are awaited (those
    orders are reported cancelled); answers in 3 s come after the stop's grace (reported unknown)."""
    with MockServer(MockExchange([DEMO], Settings(rate_limit=10))) as server:
        control = httpx.Client(base_url=server.url, timeout=10)
        control.post("/mock/faults", json={"delay_rate": 1.0, "delay_ms": request.param}).raise_for_status()
        yield server.url, control
        control.close()


def _start(url: str, control: httpx.Client, *extra: str) -> tuple[subprocess.Popen[str], list[str]]:
    ids = [
        o["orderId"] for o in control.post("/mock/orders", json={"symbol": "BTCUSDT", "count": ORDERS}).json()["orders"]
    ]
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", url, "--json", "--no-settle", *extra]
    args += [x for i in ids for x in ("--order-id", i)]
    base = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bitget_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**base, **ENV},
    )
    return proc, ids


def _wait_for_cancels(control: httpx.Client, at_least: int) -> None:
    """Until the mock has cancelled `at_least` orders: the run is under way."""
    ends = time.monotonic() + 30
    while len(control.get("/mock/orders", params={"status": "cancelled"}).json()["orders"]) < at_least:
        assert time.monotonic() < ends, "the run did not start"
        time.sleep(0.05)


def _check(proc: subprocess.Popen[str], control: httpx.Client, ids: list[str], code: int) -> dict[str, Any]:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "stopped by SIG" in err
    report = json.loads(out)  # whole: a second signal could not cut it
    rows = {o["order_id"]: status for status in ("cancelled", "failed", "unknown") for o in report[status]}
    assert sorted(rows) == sorted(ids)  # every order once
    done_at_exchange = {
        o["orderId"] for o in control.get("/mock/orders", params={"status": "cancelled"}).json()["orders"]
    }
    # cancelled at the exchange: never reported as failed (which says no attempt can have cancelled it)
    assert {i for i in done_at_exchange if rows[i] == "failed"} == set()
    assert {i for i, s in rows.items() if s == "cancelled"} <= done_at_exchange
    assert report["failed"], "the signal should have stopped the run before its end"
    return report


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_a_stop_signal_ends_the_run_with_a_whole_report_that_agrees_with_the_exchange(
    limited: tuple[str, httpx.Client], signum: int, code: int
) -> None:
    url, control = limited
    proc, ids = _start(url, control)
    _wait_for_cancels(control, 550)  # the second window's batches took effect; their answers are on the way
    started = time.monotonic()
    proc.send_signal(signum)
    report = _check(proc, control, ids, code)
    assert time.monotonic() - started < 5  # the answers in flight are awaited a short while, not their timeout
    assert len(report["cancelled"]) + len(report["unknown"]) >= 550


@pytest.mark.slow
def test_a_second_ctrl_c_cannot_cut_the_report(limited: tuple[str, httpx.Client], tmp_path: Any) -> None:
    url, control = limited
    journal = tmp_path / "run.db"
    proc, ids = _start(url, control, "--journal", str(journal))
    _wait_for_cancels(control, 550)
    proc.send_signal(signal.SIGINT)
    for _ in range(5):  # pressed again and again while it stops
        time.sleep(0.1)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    _check(proc, control, ids, 130)


CHAOS_RUNS = int(os.environ.get("SIGNAL_CHAOS_RUNS", "20"))


@pytest.mark.slow
@pytest.mark.parametrize("journal", ["default journal", "--journal"])
@pytest.mark.parametrize("what", ["SIGTERM", "Ctrl-C twice"])
def test_signals_at_random_moments_lose_no_cancelled_order_and_cut_no_report(
    tmp_path: Any, what: str, journal: str
) -> None:
    """`CHAOS_RUNS` runs (SIGNAL_CHAOS_RUNS) each stopped at a random moment from the start of sending to
    after its end: every report is whole JSON, and every order the exchange cancelled is in it, as
    `cancelled` or `unknown` (never `failed`, never missing)."""
    import random

    rng = random.Random(f"{what}/{journal}")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}, **ENV}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    with MockServer(MockExchange([DEMO], Settings(rate_limit=10))) as server:
        control = httpx.Client(base_url=server.url, timeout=10)
        control.post("/mock/faults", json={"delay_rate": 1.0, "delay_ms": 300}).raise_for_status()
        for k in range(CHAOS_RUNS):
            symbol = f"S{k}USDT"
            seeded = control.post("/mock/orders", json={"symbol": symbol, "count": 600}).json()["orders"]
            ids = [o["orderId"] for o in seeded]
            args = ["cancel", "--symbol", symbol, "--base-url", server.url, "--json", "--no-settle"]
            args += [x for i in ids for x in ("--order-id", i)]
            if journal == "--journal":
                args += ["--journal", str(tmp_path / f"run{k}.db")]
            proc = subprocess.Popen(
                [sys.executable, "-m", "bitget_cli", *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            assert proc.stderr is not None
            assert proc.stderr.readline().startswith("journal: ")  # printed once the signals are handled
            time.sleep(rng.uniform(0.0, 2.0))  # 12 batches: 10 at once, 2 a second later, answers in 0.3 s
            proc.send_signal(signal.SIGTERM if what == "SIGTERM" else signal.SIGINT)
            if what == "Ctrl-C twice":
                time.sleep(rng.uniform(0.0, 0.6))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
            assert proc.returncode in (0, 1, 143 if what == "SIGTERM" else 130), err
            assert "Traceback" not in err
            report = json.loads(out)  # whole
            rows = {o["order_id"]: s for s in ("cancelled", "failed", "unknown") for o in report[s]}
            assert sorted(rows) == sorted(ids)  # every order once
            cancelled = control.get("/mock/orders", params={"status": "cancelled", "symbol": symbol}).json()
            done = {o["orderId"] for o in cancelled["orders"]}
            assert {i for i in done if rows[i] == "failed"} == set(), f"run {k}: cancelled but reported failed"
            assert {i for i, s in rows.items() if s == "cancelled"} <= done
        control.close()


@pytest.mark.parametrize(
    ("where", "sent"),
    [
        ("plan", False),  # the input still being planned: no run yet
        ("create", False),  # the journal being made
        ("finished", True),  # the run over, its journal being sealed
        ("close", True),  # ... being closed
    ],
)
def test_a_signal_outside_the_sending_still_prints_every_order_once(
    mock: MockClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
    where: str,
    sent: bool,
) -> None:
    """A signal lands anywhere, not only while batches are in flight: before the run is planned (then
    nothing was sent and every order is `failed`), or while the journal is made, sealed or closed."""
    from bitget_cli.app import Stopped, main
    from bitget_sdk import _base_client
    from bitget_sdk._runs.journal import Journal

    ids = [o["orderId"] for o in mock.seed(count=120)]
    owner: Any = _base_client if where == "plan" else Journal
    real = getattr(owner, where)
    landed: list[str] = []

    def signal_lands(*args: Any, **kwargs: Any) -> Any:
        if landed:
            return real(*args, **kwargs)
        landed.append(where)
        if sent:
            real(*args, **kwargs)  # the signal comes right after it
        raise Stopped(signal.SIGTERM)

    monkeypatch.setattr(owner, where, signal_lands)
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    args = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, "--json", "--no-settle"]
    args += ["--journal", str(tmp_path / "run.db")] + [x for i in ids for x in ("--order-id", i)]
    code = main(args)
    out, err = capsys.readouterr()
    assert landed and code == 143, err
    report = json.loads(out)
    rows = {o["order_id"]: status for status in ("cancelled", "failed", "unknown") for o in report[status]}
    assert sorted(rows) == sorted(ids)  # every order once
    cancelled = {o["orderId"] for o in mock.orders(status="cancelled")}
    if sent:
        assert set(rows.values()) == {"cancelled"} and cancelled == set(ids)
    else:
        assert set(rows.values()) == {"failed"} and cancelled == set()


@pytest.mark.parametrize("limited", [300], indirect=True, ids=["answers-in-0.3s"])
def test_a_run_stopped_without_a_journal_leaves_a_file_of_the_orders_to_cancel(
    limited: tuple[str, httpx.Client],
) -> None:
    """No journal to resume: the orders not known cancelled (not sent, or unknown) go to a CSV in the state
    directory, and `cancel --file` takes it."""
    import csv
    import re

    url, control = limited
    proc, _ids = _start(url, control, "--no-journal")
    _wait_for_cancels(control, 550)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    report = json.loads(out)
    left = {o["order_id"] for name in ("failed", "unknown") for o in report[name]}
    found = re.search(r"orders not known cancelled: (\S+);", err)
    assert found is not None and left, err
    with open(found.group(1), newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["orderId"] for r in rows} == left and len(rows) == len(left)
    base = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    again = subprocess.run(
        [sys.executable, "-m", "bitget_cli", "cancel", "--file", found.group(1), "--base-url", url, "--dry-run"],
        capture_output=True, text=True, env={**base, **ENV}, timeout=60, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
