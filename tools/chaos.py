"""Chaos run: every order accounted for exactly once while the mock injects faults (`nox -s chaos`).

For each fault mix and each client (sync, async): reset the mock, seed open orders over several
symbols, target them by orderId and by clientOid, add IDs that do not exist, cancel everything
with `cancel_orders`, then hold the report against the mock's ground truth (GET /mock/orders):

* lost = orders missing from the report, doubled = orders in it twice: both must be 0;
* wrongly cancelled = reported cancelled but not cancelled on the mock (live, filled, never existed): 0;
* wrongly failed = reported failed but cancelled on the mock: 0;
* wrong state = an outcome's `status` (read while settling) other than the mock's: 0 (so a filled
  order reported cancelled, or the reverse, is wrong);
* every open order is in failed or unknown; unknown orders are counted by what the mock says.

Settling is on (the default): unknown outcomes and "does not exist" failures are read back from the
exchange; the read faults (`read_lag_ms`, `read_error_rate`) make that harder.

Mode "cancel-all" runs `cancel_open_orders(all_symbols=True, strategy="batch")` instead (the faults hit
batch cancels) (every seeded
order is open at the first listing, so every one must be in the report, once, agreeing with the mock,
and nothing may be left open but filled orders).

Secrets are canaries: they must not appear in any log line (DEBUG, every logger) or report.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from bitget_mock import Account, MockExchange, MockServer, Settings
from bitget_sdk import AsyncBitgetClient, BitgetClient, CancelReport

CANARY_SECRET = "chaos-canary-secret-5d1f0e"
CANARY_PASSPHRASE = "chaos-canary-pass-9b27c4"
API_KEY = "chaos-key"
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT")
CLIENT_TIMEOUT_S = 1.0

MIXES: dict[str, dict[str, Any]] = {
    "20% HTTP 5xx before cancelling": {"error_rate": 0.2},
    "10% dropped after cancelling": {"drop_rate": 0.1},
    "5% slower than the client timeout": {"delay_rate": 0.05, "delay_ms": 2500},
    "bursts of forced 429 (10% x 3)": {"throttle_rate": 0.1, "throttle_burst": 3},
    "5% filled just before the cancel": {"fill_rate": 0.05},
    "10% dropped, reads lag 500 ms": {"drop_rate": 0.1, "read_lag_ms": 500},
    "10% dropped, 10% read faults": {"drop_rate": 0.1, "read_error_rate": 0.1},
    "all of the above": {
        "error_rate": 0.2,
        "drop_rate": 0.1,
        "delay_rate": 0.05,
        "delay_ms": 2500,
        "throttle_rate": 0.1,
        "throttle_burst": 3,
        "fill_rate": 0.05,
        "read_lag_ms": 500,
        "read_error_rate": 0.1,
    },
}
READ_FAULTS = ("read_error_rate",)


@dataclass
class Outcome:
    mix: str
    mode: str
    orders: int
    faults: dict[str, int]
    requests: int
    retries: int
    seconds: float
    lost: int
    doubled: int
    wrongly_cancelled: int
    wrongly_failed: int
    live_not_reported_open: int
    cancelled: int
    failed: int
    unknown: int
    unknown_breakdown: dict[str, int] = field(default_factory=dict)
    natural_429: int = 0
    wrong_state: int = 0
    filled: int = 0
    settled: int = 0
    reads: int = 0
    settle_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.doubled
            or self.wrongly_cancelled
            or self.wrongly_failed
            or self.wrong_state
            or self.live_not_reported_open
            or self.natural_429
        )


def _targets(http: httpx.Client, n: int, rng: random.Random) -> list[dict[str, str]]:
    """n open orders over SYMBOLS (70% by orderId, 30% by clientOid) plus about 1% IDs that do not exist."""
    targets: list[dict[str, str]] = []
    per = [n // len(SYMBOLS) + (1 if i < n % len(SYMBOLS) else 0) for i in range(len(SYMBOLS))]
    for symbol, count in zip(SYMBOLS, per, strict=True):
        if not count:
            continue
        seeded = http.post("/mock/orders", json={"symbol": symbol, "count": count, "apiKey": API_KEY}).json()["orders"]
        for o in seeded:
            if rng.random() < 0.3:
                targets.append({"symbol": symbol, "clientOid": o["clientOid"]})
            else:
                targets.append({"symbol": symbol, "orderId": o["orderId"]})
    for i in range(max(2, n // 100)):
        symbol = SYMBOLS[i % len(SYMBOLS)]
        targets.append(
            {"symbol": symbol, "orderId": f"8{i:012d}"} if i % 2 else {"symbol": symbol, "clientOid": f"ghost-{i}"}
        )
    rng.shuffle(targets)
    return targets


def _client_kwargs(url: str, seed: int) -> dict[str, Any]:
    return {
        "api_key": API_KEY,
        "secret_key": CANARY_SECRET,
        "passphrase": CANARY_PASSPHRASE,
        "base_url": url,
        "timeout": CLIENT_TIMEOUT_S,
        "max_retries": 8,
        "backoff_base_s": 0.05,
        "backoff_max_s": 1.0,
        "retry_seed": seed,
    }


def _cancel(mode: str, url: str, targets: list[dict[str, str]], seed: int) -> CancelReport:
    if mode == "cancel-all":
        with BitgetClient(**_client_kwargs(url, seed)) as client:
            return client.cancel_open_orders(all_symbols=True, strategy="batch", deadline_s=300)
    if mode == "sync":
        with BitgetClient(**_client_kwargs(url, seed)) as client:
            return client.cancel_orders(orders=targets)

    async def run() -> CancelReport:
        async with AsyncBitgetClient(**_client_kwargs(url, seed)) as client:
            return await client.cancel_orders(orders=targets)

    return asyncio.run(run())


def check(
    mix: str, mode: str, targets: list[dict[str, str]], report: CancelReport, truth: list[dict[str, str]]
) -> Outcome:
    oid_inputs = {t["orderId"] for t in targets if "orderId" in t}
    by_oid = {o["orderId"]: o for o in truth}
    by_coid = {o["clientOid"]: o for o in truth if "clientOid" in o}

    def key(o: Any) -> tuple[str, str]:
        return ("orderId", o.order_id) if o.order_id in oid_inputs else ("clientOid", o.client_oid)

    def mock_order(k: tuple[str, str]) -> dict[str, str] | None:
        return by_oid.get(k[1]) if k[0] == "orderId" else by_coid.get(k[1])

    wanted = Counter(("orderId", t["orderId"]) if "orderId" in t else ("clientOid", t["clientOid"]) for t in targets)
    status_of: dict[tuple[str, str], str] = {}
    seen: Counter[tuple[str, str]] = Counter()
    for listed, outcomes in (("cancelled", report.cancelled), ("failed", report.failed), ("unknown", report.unknown)):
        for o in outcomes:
            k = key(o)
            seen[k] += 1
            status_of[k] = listed
    state_of = {key(o): o.status for o in report.cancelled + report.failed + report.unknown}
    wrongly_cancelled = wrongly_failed = live_not_open = wrong_state = 0
    unknown_breakdown: Counter[str] = Counter()
    for k in wanted:
        order = mock_order(k)
        status = status_of.get(k)
        if status == "cancelled" and (order is None or order["status"] != "cancelled"):
            wrongly_cancelled += 1
        if status == "failed" and order is not None and order["status"] == "cancelled":
            wrongly_failed += 1
        if (
            order is not None
            and order["status"] in ("live", "partially_filled")
            and status not in ("failed", "unknown")
        ):
            live_not_open += 1
        read_state = state_of.get(k)
        if read_state is not None and read_state != (order["status"] if order is not None else "not_found"):
            wrong_state += 1
        if status == "unknown":
            truth_word = "never existed" if order is None else f"{order['status']} on the mock"
            unknown_breakdown[truth_word] += 1
    return Outcome(
        mix=mix,
        mode=mode,
        orders=len(targets),
        faults={},
        requests=report.request_count,
        retries=report.retry_count,
        seconds=round(report.elapsed_s, 2),
        lost=sum(1 for k in wanted if seen[k] == 0),
        doubled=sum(1 for k in seen if seen[k] > 1) + sum(1 for k in seen if k not in wanted),
        wrongly_cancelled=wrongly_cancelled,
        wrongly_failed=wrongly_failed,
        live_not_reported_open=live_not_open,
        cancelled=len(report.cancelled),
        failed=len(report.failed),
        unknown=len(report.unknown),
        unknown_breakdown=dict(unknown_breakdown),
        wrong_state=wrong_state,
        filled=len(report.filled),
        settled=report.settled_count,
        reads=report.read_count,
        settle_s=round(report.settle_s, 2),
    )


def run_chaos(
    n_orders: int,
    seed: int,
    mixes: dict[str, dict[str, Any]] | None = None,
    modes: tuple[str, ...] = ("sync", "async", "cancel-all"),
) -> tuple[list[Outcome], str]:
    """Runs every mix x mode; returns the outcomes and everything that was logged (for the canary check)."""
    account = Account(api_key=API_KEY, secret_key=CANARY_SECRET, passphrase=CANARY_PASSPHRASE, uid="31337")
    exchange = MockExchange([account], Settings(rate_limit=10))
    log_buffer = io.StringIO()
    handler = logging.StreamHandler(log_buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    outcomes: list[Outcome] = []
    try:
        with MockServer(exchange) as server, httpx.Client(base_url=server.url, timeout=30) as http:
            for i, (mix, faults) in enumerate((mixes or MIXES).items()):
                for mode in modes:
                    http.post("/mock/reset")
                    rng = random.Random(seed + i)
                    targets = _targets(http, n_orders, rng)
                    if mode == "cancel-all":  # what was seeded, by orderId (no ghosts: nothing lists them)
                        truth0 = http.get("/mock/orders", params={"apiKey": API_KEY}).json()["orders"]
                        targets = [{"symbol": o["symbol"], "orderId": o["orderId"]} for o in truth0]
                    fault_seed = seed + i + (1000 if mode == "cancel-all" else 0)
                    http.post("/mock/faults", json={**faults, "seed": fault_seed})
                    report = _cancel(mode, server.url, targets, seed + i)
                    injected = http.get("/mock/faults").json()["injected"]
                    http.post("/mock/faults", json={})
                    truth = http.get("/mock/orders", params={"apiKey": API_KEY}).json()["orders"]
                    outcome = check(mix, mode, targets, report, truth)
                    outcome.faults = injected
                    outcome.natural_429 = exchange.stats.count(429) - injected["throttle"]
                    log_buffer.write(str(report) + json.dumps(report.to_dict()) + "\n")
                    outcomes.append(outcome)
                    print(_line(outcome), flush=True)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    return outcomes, log_buffer.getvalue()


def _line(o: Outcome) -> str:
    faults = ", ".join(f"{k} {v}" for k, v in o.faults.items() if v) or "none"
    return (
        f"{'ok  ' if o.ok else 'FAIL'} {o.mix} [{o.mode}]: {o.orders} orders, faults {faults}; "
        f"{o.requests} requests ({o.retries} retries), {o.seconds} s; cancelled {o.cancelled}, failed {o.failed}, "
        f"unknown {o.unknown} {o.unknown_breakdown or ''}; filled {o.filled}; settled {o.settled} with {o.reads} reads "
        f"in {o.settle_s} s; lost {o.lost}, doubled {o.doubled}, wrongly cancelled {o.wrongly_cancelled}, "
        f"wrongly failed {o.wrongly_failed}, wrong state {o.wrong_state}, natural 429 {o.natural_429}"
    )


def markdown(outcomes: list[Outcome]) -> str:
    rows = [
        "| faults | client | orders | injected | requests | retries | s | cancelled | failed | of them filled | unknown (mock's truth) | settled (reads, s) | lost | doubled | wrong |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|",
    ]
    for o in outcomes:
        injected = ", ".join(f"{k} {v}" for k, v in o.faults.items() if v) or "-"
        unknown = f"{o.unknown}" + (
            f" ({', '.join(f'{v} {k}' for k, v in o.unknown_breakdown.items())})" if o.unknown else ""
        )
        rows.append(
            f"| {o.mix} | {o.mode} | {o.orders:,} | {injected} | {o.requests} | {o.retries} | {o.seconds} | "
            f"{o.cancelled:,} | {o.failed} | {o.filled} | {unknown} | {o.settled:,} ({o.reads}, {o.settle_s}) | "
            f"{o.lost} | {o.doubled} | {o.wrongly_cancelled + o.wrongly_failed + o.wrong_state} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="write the table as Markdown here")
    args = parser.parse_args()
    outcomes, logged = run_chaos(args.orders, args.seed)
    table = markdown(outcomes)
    print(table)
    leaked = [s for s in (CANARY_SECRET, CANARY_PASSPHRASE) if s in logged]
    print(f"canary secrets in {len(logged):,} characters of DEBUG logs and reports: {'LEAKED' if leaked else 'none'}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(table + "\n")
    return 0 if all(o.ok for o in outcomes) and not leaked else 1


if __name__ == "__main__":
    sys.exit(main())
