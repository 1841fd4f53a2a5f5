"""Bounded load test of the mock exchange on loopback (part of `nox -s chaos`).

Many concurrent signed clients over several UIDs send a fixed number of requests (with a time
limit) to a mock running in its own process. Checks: the per-UID limit is exact (never more than
10 accepted requests in any sliding second, by the mock's own acceptance times from its access
log, and close to 10 per second admitted), no 5xx, and the mock's memory stays flat. Reports
requests/s and p50/p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tools import mockproc

PATH = "/api/v2/spot/trade/batch-cancel-order"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    p50_ms: float
    p99_ms: float
    max_in_window: dict[str, int]
    accepted_per_s: dict[str, float]
    rss_start_kb: int
    rss_end_kb: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def ok(self, limit: int) -> bool:
        return (
            all(v <= limit for v in self.max_in_window.values())
            and not any(s >= 500 for s in self.statuses)
            and set(self.statuses) <= {200, 429}
            and self.rss_end_kb - self.rss_start_kb < 20_000
        )


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _sign(secret: str, ts: str, body: bytes) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), ts.encode() + b"POST" + PATH.encode() + body, hashlib.sha256).digest()
    ).decode()


async def _worker(
    client: httpx.AsyncClient,
    account: tuple[str, str, str],
    budget: list[int],
    deadline: float,
    out: list[tuple[int, float]],
) -> None:
    key, secret, passphrase = account
    n = 0
    while budget[0] > 0 and time.monotonic() < deadline:
        budget[0] -= 1
        n += 1
        body = json.dumps({"symbol": "BTCUSDT", "orderList": [{"orderId": f"{n}{i}"} for i in range(3)]}).encode()
        ts = str(int(time.time() * 1000))
        headers = {
            "ACCESS-KEY": key,
            "ACCESS-SIGN": _sign(secret, ts, body),
            "ACCESS-TIMESTAMP": ts,
            "ACCESS-PASSPHRASE": passphrase,
            "Content-Type": "application/json",
        }
        t = time.perf_counter()
        r = await client.post(PATH, content=body, headers=headers)
        out.append((r.status_code, time.perf_counter() - t))


def _max_in_window(times: list[float], window: float = 1.0) -> int:
    times.sort()
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def run_load(
    uids: int = 5, workers_per_uid: int = 8, total: int = 3000, time_limit_s: float = 60.0, limit: int = 10
) -> LoadResult:
    accounts = [(f"load-key-{u}", f"load-secret-{u}", f"load-pass-{u}", str(5000 + u)) for u in range(uids)]
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115 - the mock writes it
    args = ["--rate-limit", str(limit), "--log-level", "info"]
    for key, secret, passphrase, uid in accounts:
        args += ["--account", f"{key}:{secret}:{passphrase}:{uid}"]
    with mockproc.mock_process(*args, stderr=log) as (url, proc):
        results: list[tuple[int, float]] = []

        async def main() -> float:
            limits = httpx.Limits(max_connections=uids * workers_per_uid)
            async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
                # Warm-up, so that the memory baseline includes the server's steady-state allocations.
                warm: list[tuple[int, float]] = []
                await asyncio.gather(*(_worker(client, a[:3], [20], time.monotonic() + 5, warm) for a in accounts))
                await asyncio.sleep(1.1)
                rss_start[0] = _rss_kb(proc.pid)
                budget = [total]
                start = time.monotonic()
                window[0] = start
                end = start + time_limit_s
                await asyncio.gather(
                    *(_worker(client, a[:3], budget, end, results) for a in accounts for _ in range(workers_per_uid))
                )
                return time.monotonic() - start

        rss_start = [0]
        window = [0.0]
        seconds = asyncio.run(main())
        rss_end = _rss_kb(proc.pid)
    # CLOCK_MONOTONIC is system-wide on Linux: the mock's acceptance times compare with ours.
    accepted: dict[str, list[float]] = defaultdict(list)
    for line in Path(log.name).read_text().splitlines():
        if line.startswith("{") and '"accepted_at"' in line:
            entry: dict[str, Any] = json.loads(line)
            if entry["method"] == "POST":  # the batch cancels: not the start-up probe of the server time
                accepted[str(entry["uid"])].append(float(entry["accepted_at"]))
    os.unlink(log.name)
    latencies = sorted(d for _, d in results)
    return LoadResult(
        requests=len(results),
        seconds=seconds,
        statuses=dict(Counter(s for s, _ in results)),
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[int(len(latencies) * 0.99) - 1] * 1000,
        max_in_window={uid: _max_in_window(times) for uid, times in accepted.items()},
        accepted_per_s={uid: sum(1 for t in times if t >= window[0]) / seconds for uid, times in accepted.items()},
        rss_start_kb=rss_start[0],
        rss_end_kb=rss_end,
    )


def describe(r: LoadResult, limit: int = 10) -> str:
    return (
        f"load: {r.requests} requests in {r.seconds:.1f} s = {r.rps:.0f} req/s over {len(r.max_in_window)} UIDs; "
        f"statuses {dict(sorted(r.statuses.items()))}; latency p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms; "
        f"max accepted in any 1 s window per UID {max(r.max_in_window.values())} (limit {limit}); "
        f"accepted/s per UID {min(r.accepted_per_s.values()):.2f}-{max(r.accepted_per_s.values()):.2f}; "
        f"mock RSS {r.rss_start_kb / 1024:.1f} -> {r.rss_end_kb / 1024:.1f} MiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uids", type=int, default=5)
    parser.add_argument("--workers-per-uid", type=int, default=8)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    result = run_load(args.uids, args.workers_per_uid, args.requests, args.time_limit)
    print(describe(result))
    return 0 if result.ok(10) else 1


if __name__ == "__main__":
    sys.exit(main())
