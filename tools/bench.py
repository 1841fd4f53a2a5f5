"""`nox -s bench`: the SDK beside raw httpx and ccxt, in one run, on this machine.

1. per-call cost end to end (one 50-order cancel against the mock in its own process, no rate limit),
   and against a minimal fast server (a canned answer, so the clients' own cost shows)
2. client-side cost in isolation (httpx.MockTransport / ccxt's fetch stubbed, same canned answer)
3. bulk cancel of 10,000 orders with the mock enforcing 10 requests/s per UID, on loopback and
   through a simulated long link (tools/latency.py, in its own process); 20 sub-accounts at once;
   one key shared by processes (with and without Redis)
4. time to a ready client in a fresh interpreter
5. regenerate + drift check wall time

Machines here are noisy: read the ratios, which compare contenders measured in the same run.
Writes bench/results.md and bench/results.png.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import gc
import hashlib
import hmac
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tools import mockproc

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench"
KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


def fresh_budget() -> str:
    """A UID no earlier row used, for a row's client: its rate budget starts idle, as a run that begins
    an incident does. Rows run one after another in this process, and one key has one budget here
    whatever the server: a row that started within a window of the last one's last answer waited for
    its permits (0.3 s of a 19 s row, measured, once seeding took under a second) and, before the
    budget learnt each server's arrivals apart, took the last row's link for its own."""
    return str(next(_UIDS))


_UIDS = iter(range(9_000_000, 10_000_000))
PATH = "/api/v2/spot/trade/batch-cancel-order"
# The HTTP backends measured side by side (1c, 3a): httpx's own (the default), pyreqwest (the `fast`
# extra) and httpx-aiohttp (async only; measured, not offered).
BACKENDS = ("httpx", "pyreqwest", "aiohttp")


@contextmanager
def mock_process(rate_limit: int) -> Iterator[str]:
    with mockproc.mock_process("--rate-limit", str(rate_limit), "--log-level", "warning") as (url, _):
        yield url


def seed(url: str, symbol: str, count: int, api_key: str | None = None) -> list[str]:
    ids: list[str] = []
    while len(ids) < count:
        n = min(100_000, count - len(ids))
        body: dict[str, Any] = {"symbol": symbol, "count": n}
        if api_key is not None:
            body["apiKey"] = api_key
        r = httpx.post(url + "/mock/orders", json=body, timeout=120)
        ids += [o["orderId"] for o in r.json()["orders"]]
    return ids


@contextmanager
def link_process(url: str, delay_ms: float, jitter_ms: float) -> Iterator[str]:
    """The simulated long link (tools/latency.py) in its own process; yields its URL."""
    if delay_ms == 0:
        yield url
        return
    cmd = [sys.executable, "-m", "tools.latency", url, "--delay-ms", str(delay_ms), "--jitter-ms", str(jitter_ms)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(10)


_FAST_SERVER = """
import asyncio, sys
BODY = sys.stdin.buffer.read()
HEAD = b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: %d\\r\\n\\r\\n" % len(BODY)
async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            length = 0
            for line in head.split(b"\\r\\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            writer.write(HEAD + BODY)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


@contextmanager
def fast_server() -> Iterator[str]:
    """A minimal HTTP/1.1 server (its own process) answering every request with the canned answer."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _FAST_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=False
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(canned_answer())
    proc.stdin.close()
    try:
        yield f"http://127.0.0.1:{int(proc.stdout.readline())}"
    finally:
        proc.terminate()
        proc.wait(10)


def chunks(ids: list[str], n: int = 50) -> list[list[str]]:
    return [ids[i : i + n] for i in range(0, len(ids), n)]


def sign(body: bytes, ts: str) -> dict[str, str]:
    sig = base64.b64encode(
        hmac.new(SECRET.encode(), ts.encode() + b"POST" + PATH.encode() + body, hashlib.sha256).digest()
    )
    return {
        "ACCESS-KEY": KEY,
        "ACCESS-SIGN": sig.decode(),
        "ACCESS-TIMESTAMP": ts,
        "ACCESS-PASSPHRASE": PASSPHRASE,
        "Content-Type": "application/json",
    }


def med_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


# --- contenders ------------------------------------------------------------------------------


def ccxt_exchange(url: str) -> Any:
    import ccxt

    ex = ccxt.bitget({"apiKey": KEY, "secret": SECRET, "password": PASSPHRASE, "enableRateLimit": False})
    ex.urls["api"] = dict.fromkeys(ex.urls["api"], url)
    # Classic (non-UTA) account, as the mock serves: otherwise ccxt first probes /api/v3/account/settings.
    ex.options["uta"] = False
    ex.set_markets(
        [
            {
                "id": "BTCUSDT", "symbol": "BTC/USDT", "base": "BTC", "quote": "USDT", "baseId": "BTC", "quoteId": "USDT",
                "type": "spot", "spot": True, "margin": False, "swap": False, "future": False, "option": False,
                "contract": False, "active": True, "precision": {"amount": 0.0001, "price": 0.01}, "limits": {}, "info": {},
            }
        ]
    )  # fmt: skip
    return ex


def per_call(url: str, calls: int, warmup: int) -> dict[str, list[float]]:
    """Round-robin: call k of every contender runs back to back, so machine drift hits all alike."""
    from bitget_sdk import AsyncBitgetClient, BitgetClient

    n = calls + warmup
    loop = asyncio.new_event_loop()
    raw = httpx.Client(base_url=url)
    raw_async = httpx.AsyncClient(base_url=url)
    sdk = BitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, rate_limit=0)
    sdk_async = AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, rate_limit=0)
    ex = ccxt_exchange(url)

    def presigned(batch: list[str]) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"symbol": "BTCUSDT", "orderList": [{"orderId": i} for i in batch]}, separators=(",", ":"))
        return body.encode(), sign(body.encode(), str(int(time.time() * 1000)))

    def items(batch: list[str]) -> list[dict[str, str]]:
        return [{"orderId": i} for i in batch]

    def raw_call(batch: list[str]) -> Callable[[], Any]:
        body, headers = presigned(batch)
        return lambda: raw.post(PATH, content=body, headers=headers).json()

    def raw_async_call(batch: list[str]) -> Callable[[], Any]:
        body, headers = presigned(batch)
        return lambda: loop.run_until_complete(raw_async.post(PATH, content=body, headers=headers)).json()

    def sdk_async_call(batch: list[str]) -> Callable[[], Any]:
        return lambda: loop.run_until_complete(sdk_async.batch_cancel_orders(symbol="BTCUSDT", order_list=items(batch)))

    # Each contender: (name, prepare(batch) -> call). Preparation (seeding, pre-signing) is not timed.
    contenders: list[tuple[str, Callable[[list[str]], Callable[[], Any]]]] = [
        ("raw httpx (pre-signed bytes)", raw_call),
        (
            "SDK sync batch_cancel_orders",
            lambda b: lambda: sdk.batch_cancel_orders(symbol="BTCUSDT", order_list=items(b)),
        ),
        ("SDK sync cancel_orders", lambda b: lambda: sdk.cancel_orders(symbol="BTCUSDT", order_ids=b)),
        ("raw httpx async (pre-signed bytes)", raw_async_call),
        ("SDK async batch_cancel_orders", sdk_async_call),
        ("ccxt cancel_orders", lambda b: lambda: ex.cancel_orders(b, "BTC/USDT")),
        ("ccxt raw endpoint method", lambda b: lambda: ccxt_raw(ex, b)),
    ]
    results: dict[str, list[float]] = {name: [] for name, _ in contenders}
    ids = chunks(seed(url, "BTCUSDT", 50 * n * len(contenders)))
    for k in range(n):
        for c, (name, prepare) in enumerate(contenders):
            call = prepare(ids[k * len(contenders) + c])
            t = time.perf_counter()
            call()
            if k >= warmup:
                results[name].append(time.perf_counter() - t)
    raw.close()
    sdk.close()
    loop.run_until_complete(raw_async.aclose())
    loop.run_until_complete(sdk_async.aclose())
    loop.close()
    return results


def ccxt_raw(ex: Any, batch: list[str]) -> Any:
    """ccxt's implicit method for the endpoint itself: sign, send, decode; no unified parsing."""
    return ex.privateSpotPostV2SpotTradeBatchCancelOrder(
        {"symbol": "BTCUSDT", "orderList": [{"orderId": i} for i in batch]}
    )


def per_call_fast(calls: int, warmup: int) -> dict[str, list[float]]:
    """The same call against a server that does nothing but answer: the clients' own cost shows."""
    from bitget_sdk import BitgetClient

    batch = [str(10**12 + i) for i in range(50)]
    items = [{"orderId": i} for i in batch]
    body = json.dumps({"symbol": "BTCUSDT", "orderList": items}, separators=(",", ":")).encode()
    with fast_server() as url:
        raw = httpx.Client(base_url=url)
        sdk = BitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, rate_limit=0)
        ex = ccxt_exchange(url)
        headers = sign(body, str(int(time.time() * 1000)))
        contenders: list[tuple[str, Callable[[], Any]]] = [
            ("raw httpx (pre-signed bytes)", lambda: raw.post(PATH, content=body, headers=headers).json()),
            ("SDK sync batch_cancel_orders", lambda: sdk.batch_cancel_orders(symbol="BTCUSDT", order_list=items)),
            ("ccxt raw endpoint method", lambda: ccxt_raw(ex, batch)),
        ]
        results = round_robin(contenders, calls, warmup)
        raw.close()
        sdk.close()
    return results


def round_robin(contenders: list[tuple[str, Callable[[], Any]]], calls: int, warmup: int) -> dict[str, list[float]]:
    """Seconds per call of each contender, called in turn, call by call (after `warmup` rounds)."""
    results: dict[str, list[float]] = {name: [] for name, _ in contenders}
    for k in range(calls + warmup):
        for name, call in contenders:
            t = time.perf_counter()
            call()
            if k >= warmup:
                results[name].append(time.perf_counter() - t)
    return results


def canned_answer(n: int = 50) -> bytes:
    data = {"successList": [{"orderId": str(10**12 + i), "clientOid": f"c{i}"} for i in range(n)], "failureList": []}
    return json.dumps({"code": "00000", "msg": "success", "requestTime": 1695808949356, "data": data}).encode()


def client_side(calls: int, warmup: int) -> dict[str, list[float]]:
    """Each client's own work on a canned 50-order answer, no network: run round-robin, call by call, so
    that the machine's drift (it moves by 1.5 x within minutes here) hits every contender alike."""
    from bitget_sdk import BitgetClient

    canned = canned_answer()
    batch = [str(10**12 + i) for i in range(50)]
    items = [{"orderId": i} for i in batch]
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=canned))
    raw = httpx.Client(base_url="https://bitget.test", transport=transport)
    body = json.dumps({"symbol": "BTCUSDT", "orderList": items}).encode()
    headers = sign(body, "1695808949356")
    sdk = BitgetClient(
        KEY, SECRET, PASSPHRASE, base_url="https://bitget.test", rate_limit=0, httpx_args={"transport": transport}
    )
    ex = ccxt_exchange("https://bitget.test")
    ex.fetch = lambda url, method="GET", headers=None, body=None: json.loads(canned)
    contenders: list[tuple[str, Callable[[], Any]]] = [
        ("raw httpx (MockTransport)", lambda: raw.post(PATH, content=body, headers=headers).json()),
        (
            "SDK batch_cancel_orders (MockTransport)",
            lambda: sdk.batch_cancel_orders(symbol="BTCUSDT", order_list=items),
        ),
        ("SDK cancel_orders (MockTransport)", lambda: sdk.cancel_orders(symbol="BTCUSDT", order_ids=batch)),
        ("ccxt cancel_orders (fetch stubbed)", lambda: ex.cancel_orders(batch, "BTC/USDT")),
        ("ccxt raw endpoint method (fetch stubbed)", lambda: ccxt_raw(ex, batch)),
    ]
    results = round_robin(contenders, calls, warmup)
    raw.close()
    sdk.close()
    return results


LINKS = [(0, 0), (50, 10), (100, 20), (150, 40)]  # one-way delay ± jitter, ms


def bulk(orders: int, links: list[tuple[int, int]] = LINKS) -> list[dict[str, Any]]:
    """10,000 orders against the strict mock, on loopback and through simulated long links; on
    loopback also with a journal (`journal=`: every attempt and outcome committed to SQLite)."""
    import tempfile

    from bitget_sdk import AsyncBitgetClient

    rows = []
    runs = [(d, j, m, False) for d, j in links for m in ("sync", "async")]
    runs += [(0, 0, m, True) for m in ("sync", "async")]
    for delay, jitter, mode, journaled in runs:
        with (
            mock_process(rate_limit=10) as url,
            link_process(url, delay, jitter) as link,
            tempfile.TemporaryDirectory() as tmp,
        ):
            ids = seed(url, "BTCUSDT", orders)
            journal = os.path.join(tmp, "run.db") if journaled else None
            if mode == "sync":
                report = _sync_bulk(link, ids, journal)
            else:

                async def run(link: str = link, ids: list[str] = ids, journal: str | None = journal) -> Any:
                    async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=link, uid=fresh_budget()) as client:
                        return await client.cancel_orders(symbol="BTCUSDT", order_ids=ids, journal=journal)

                report = asyncio.run(run())
            stats = httpx.get(url + "/mock/stats").json()
        requests = report.request_count
        rtt = 2 * delay / 1000
        best = (requests - 10) / 10
        link_best = (requests - 10) / 10 * (1 + 2 * jitter / 1000) + rtt
        rows.append(
            {
                "mode": mode,
                "link": ("loopback" if delay == 0 else f"{delay}±{jitter} ms") + (" + journal" if journaled else ""),
                "orders": orders,
                "cancelled": len(report.cancelled),
                "requests": requests,
                "elapsed_s": report.elapsed_s,
                "cancels_per_s": report.cancels_per_second,
                "best_s": best,
                "ratio": best / report.elapsed_s,
                "link_best_s": link_best,
                "link_ratio": link_best / report.elapsed_s,
                "http_429": stats["statuses"].get("429", 0),
            }
        )
        print(f"bulk: {rows[-1]}", flush=True)
    return rows


def _sync_bulk(link: str, ids: list[str], journal: str | None) -> Any:
    """One sync run with a client and a budget of its own (`fresh_budget`), as in the async rows."""
    from bitget_sdk import BitgetClient

    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=link, uid=fresh_budget()) as client:
        return client.cancel_orders(symbol="BTCUSDT", order_ids=ids, journal=journal)


def sub_accounts(accounts: int, per_account: int, backends: tuple[str, ...] = BACKENDS) -> list[dict[str, Any]]:
    """N sub-accounts (each its own key and UID, so its own budget) cancelling at once in one process.

    Per HTTP backend and client kind: `ratio` with the clients open before the clock starts, as a desk
    keeps them for an incident (from the N `cancel_orders` calls to the last report), and `cold_ratio`
    with the clients built inside the clock, as a script started in an incident builds them (from
    before the first client is made). "aiohttp" is httpx-aiohttp's transport given as
    `httpx_args={"transport": ...}` (measured beside the others; not offered).
    """
    import contextlib
    from concurrent.futures import ThreadPoolExecutor

    from bitget_sdk import AsyncBitgetClient, BitgetClient

    keys = [(f"sub-key-{k}", f"sub-secret-{k}", f"sub-pass-{k}", str(7_000_000 + k)) for k in range(accounts)]
    flags = [x for key in keys for x in ("--account", ":".join(key))]
    rows = []
    runs = [(m, b) for b in backends for m in ("async", "sync") if not (b == "aiohttp" and m == "sync")]
    for mode, backend in runs:
        options = _backend_options(backend, mode)
        with mockproc.mock_process("--rate-limit", "10", "--log-level", "warning", *flags) as (url, _):
            work = [(key, seed(url, "BTCUSDT", per_account, api_key=key[0])) for key in keys]
            # Seeding 100,000 orders left their JSON behind in this process: collected now, not by a
            # full collection in the run's first window (30-40 ms with every account's requests held).
            gc.collect()
            if mode == "async":

                async def everyone(
                    work: list[tuple[tuple[str, str, str, str], list[str]]] = work,
                    options: Callable[[], dict[str, Any]] = options,
                ) -> tuple[float, float, list[Any]]:
                    opened = time.perf_counter()
                    async with contextlib.AsyncExitStack() as stack:
                        clients = [
                            await stack.enter_async_context(
                                AsyncBitgetClient(key[0], key[1], key[2], base_url=url, uid=key[3], **options())
                            )
                            for key, _ in work
                        ]
                        start = time.perf_counter()
                        calls = (
                            c.cancel_orders(symbol="BTCUSDT", order_ids=ids)
                            for c, (_, ids) in zip(clients, work, strict=True)
                        )
                        reports = list(await asyncio.gather(*calls))
                        return start - opened, time.perf_counter() - start, reports

                open_s, elapsed, reports = asyncio.run(everyone())
            else:
                with contextlib.ExitStack() as stack, ThreadPoolExecutor(accounts) as pool:
                    opened = time.perf_counter()
                    clients = [
                        stack.enter_context(BitgetClient(key[0], key[1], key[2], base_url=url, uid=key[3], **options()))
                        for key, _ in work
                    ]
                    # The callers' threads run before the clock starts, as the clients are open: a desk's
                    # executor is running before an incident. Started inside the clock, one by one while
                    # the first callers' runs already compete for the GIL, the last caller began its run
                    # up to 0.47 s late (measured): the caller's cost, not the SDK's.
                    ready, go = threading.Barrier(accounts + 1), threading.Event()

                    def call(
                        client: BitgetClient, ids: list[str], ready: threading.Barrier = ready, go: threading.Event = go
                    ) -> Any:
                        ready.wait()
                        go.wait()
                        return client.cancel_orders(symbol="BTCUSDT", order_ids=ids)

                    calls = [pool.submit(call, client, ids) for client, (_, ids) in zip(clients, work, strict=True)]
                    ready.wait()
                    start = time.perf_counter()
                    go.set()
                    reports = [call.result() for call in calls]
                    elapsed = time.perf_counter() - start
                    open_s = start - opened
            stats = httpx.get(url + "/mock/stats").json()
        per_requests = -(-per_account // 50)
        best = (per_requests - 10) / 10
        cancelled = sum(len(r.cancelled) for r in reports)
        rows.append(
            {
                "mode": mode,
                "backend": backend,
                "accounts": accounts,
                "orders": accounts * per_account,
                "cancelled": cancelled,
                "not_cancelled": accounts * per_account - cancelled,
                "elapsed_s": elapsed,
                "open_s": open_s,
                "best_s": best,
                "ratio": best / elapsed,
                "cold_ratio": best / (elapsed + open_s),
                "slowest_report_s": max(r.elapsed_s for r in reports),
                "cancels_per_s": cancelled / elapsed,
                "http_429": stats["statuses"].get("429", 0),
            }
        )
        print(f"sub-accounts: {rows[-1]}", flush=True)
    return rows


def _backend_options(backend: str, mode: str) -> Callable[[], dict[str, Any]]:
    """A fresh client's options for `backend` (a new transport each call)."""
    if backend == "aiohttp":
        import httpx_aiohttp

        return lambda: {"httpx_args": {"transport": httpx_aiohttp.AiohttpTransport()}}
    return lambda: {"http_backend": backend}


def transports(calls: int, warmup: int) -> dict[str, list[float]]:
    """Per call against the fast server, each HTTP backend beside raw httpx, round-robin (1c)."""
    from bitget_sdk import AsyncBitgetClient, BitgetClient

    batch = [str(10**12 + i) for i in range(50)]
    items = [{"orderId": i} for i in batch]
    body = json.dumps({"symbol": "BTCUSDT", "orderList": items}, separators=(",", ":")).encode()
    loop = asyncio.new_event_loop()
    run = loop.run_until_complete
    with fast_server() as url:
        headers = sign(body, str(int(time.time() * 1000)))
        raw, raw_async = httpx.Client(base_url=url), httpx.AsyncClient(base_url=url)
        contenders: list[tuple[str, Callable[[], Any]]] = [
            ("raw httpx", lambda: raw.post(PATH, content=body, headers=headers).json()),
            ("raw httpx async", lambda: run(raw_async.post(PATH, content=body, headers=headers)).json()),
        ]
        clients: list[Any] = []
        for backend in BACKENDS:
            for mode in ("sync", "async"):
                if backend == "aiohttp" and mode == "sync":
                    continue
                options = _backend_options(backend, mode)()
                if mode == "sync":
                    client: Any = BitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, rate_limit=0, **options)
                    call = functools.partial(client.batch_cancel_orders, symbol="BTCUSDT", order_list=items)
                else:
                    client = AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, rate_limit=0, **options)
                    acall = functools.partial(client.batch_cancel_orders, symbol="BTCUSDT", order_list=items)
                    call = functools.partial(lambda f: run(f()), acall)
                clients.append(client)
                contenders.append((f"SDK {mode} on {backend}", call))
        results = round_robin(contenders, calls, warmup)
        raw.close()
        run(raw_async.aclose())
        for client in clients:
            if isinstance(client, BitgetClient):
                client.close()
            else:
                run(client.aclose())
    loop.close()
    return results


def transports_markdown(results: dict[str, list[float]]) -> list[str]:
    raw, raw_async = med_us(results["raw httpx"]), med_us(results["raw httpx async"])
    out = [
        "### 1c. HTTP backends side by side (the same call against the fast server, round-robin)\n",
        "| client | median µs | p90 µs | ÷ raw httpx (same sync/async) |\n|---|---:|---:|---:|",
    ]
    for name, samples in results.items():
        m = med_us(samples)
        p90 = statistics.quantiles(samples, n=10)[-1] * 1e6
        out.append(f"| {name} | {m:,.0f} | {p90:,.0f} | {m / (raw_async if 'async' in name else raw):.2f} |")
    out.append(
        "\nhttpx is the default (httpx's own pool; the sync client's with each socket operation clamped to the "
        'attempt\'s deadline); pyreqwest is the `fast` extra (`http_backend="pyreqwest"`); httpx-aiohttp is measured '
        "beside them. Goal: the default ≤ 1.10 x raw httpx.\n"
    )
    return out


def ip_cap(accounts: int, seconds: float) -> dict[str, Any]:
    """N sub-accounts cancelling at once from one address for `seconds`, against a mock enforcing the
    contract's per-IP cap (6,000 a minute, then 429 to everything for 5 minutes) besides each UID's 10/s:
    N x 10/s wants twice the cap, and the SDK's per-IP budget keeps the aggregate under it. Best case:
    `ip_best` (the most the accounts can send in the run with at most `limit` in any window)."""
    import contextlib

    from bitget_api import facts
    from bitget_sdk import AsyncBitgetClient

    cap = facts.IP_RATE_LIMIT
    best = ip_best(accounts * 10, seconds, cap["limit"], cap["window_ms"] / 1000)
    best_per_s = best / seconds
    keys = [(f"ip-key-{k}", f"ip-secret-{k}", f"ip-pass-{k}", str(7_100_000 + k)) for k in range(accounts)]
    flags = [x for key in keys for x in ("--account", ":".join(key))]
    # Enough that no account runs dry: each at its own 10/s for the whole run.
    per_account = 50 * 10 * int(seconds + 1)
    with mockproc.mock_process("--rate-limit", "10", "--log-level", "warning", *flags) as (url, _):
        work = [(key, seed(url, "BTCUSDT", per_account, api_key=key[0])) for key in keys]
        gc.collect()

        async def everyone() -> tuple[float, list[Any]]:
            async with contextlib.AsyncExitStack() as stack:
                clients = [
                    await stack.enter_async_context(AsyncBitgetClient(key[0], key[1], key[2], base_url=url, uid=key[3]))
                    for key, _ in work
                ]
                start = time.perf_counter()
                calls = (
                    c.cancel_orders(symbol="BTCUSDT", order_ids=ids, deadline_s=seconds)
                    for c, (_, ids) in zip(clients, work, strict=True)
                )
                reports = list(await asyncio.gather(*calls))
                return time.perf_counter() - start, reports

        elapsed, reports = asyncio.run(everyone())
        stats = httpx.get(url + "/mock/stats").json()
    requests = sum(r.request_count for r in reports)
    per_s = requests / elapsed
    row = {
        "accounts": accounts,
        "seconds": elapsed,
        "requests": requests,
        "counted": sum(sum(c.values()) for c in stats["byPath"].values()),
        "per_s": per_s,
        "best": best,
        "best_per_s": best_per_s,
        "ratio": requests / best,
        "peak_window": max(stats["ipCap"]["peak"].values(), default=0),
        "limit": cap["limit"],
        "cancelled": sum(len(r.cancelled) for r in reports),
        "http_429": stats["statuses"].get("429", 0),
        "ip_429": stats["ipCap"]["throttled"],
    }
    print(f"per-IP cap: {row}", flush=True)
    return row


def ip_best(per_s: int, seconds: float, limit: int, window_s: float) -> int:
    """The most requests sent in [0, seconds) by accounts allowed `per_s` in any second together (each
    its 10 at once, then 10 a second later) with at most `limit` in any `window_s`: each as early as
    both windows allow (the earliest schedule sends the most by any time)."""
    sent: list[float] = []
    t = 0.0
    while t < seconds:
        in_second = sum(1 for x in sent if x > t - 1.0)
        in_window = sum(1 for x in sent if x > t - window_s)
        n = min(per_s - in_second, limit - in_window)
        sent += [t] * n
        # The next moment both windows have room: the oldest times that must leave them do.
        t = max(sent[-per_s] + 1.0 if len(sent) >= per_s else t, sent[-limit] + window_s if len(sent) >= limit else t)
    return len(sent)


def cancel_all(orders: int, bot_per_s: float, deadline_s: float) -> list[dict[str, Any]]:
    """`cancel_open_orders` on one symbol holding `orders` open orders (1 % of them partly filled) and
    50 plan orders, while a bot places `bot_per_s` more a second, by strategy (and with `reconcile`):
    time to the first order cancelled, time until a listing showed nothing open, requests, every order
    once, plan orders left open, and (reconcile) orders without a final status or with a fill the mock
    does not have."""
    import threading

    rows = []
    runs = [("batch", False), ("batch", True), ("symbol", False), ("auto", False), ("auto", True)]
    for strategy, reconcile in runs:
        with mock_process(rate_limit=10) as url:
            seeded = seed(url, "BTCUSDT", orders)
            fills = [{"orderId": oid, "fraction": 0.25} for oid in seeded[::100]]
            httpx.post(url + "/mock/fill", json={"orders": fills}, timeout=60).raise_for_status()
            httpx.post(url + "/mock/plan-orders", json={"symbol": "BTCUSDT", "count": 50}, timeout=60)
            stop = threading.Event()
            placed: list[str] = []

            def bot(url: str = url, placed: list[str] = placed, stop: threading.Event = stop) -> None:
                with httpx.Client(base_url=url) as http:
                    while not stop.wait(1 / bot_per_s):
                        r = http.post("/mock/orders", json={"symbol": "BTCUSDT", "count": 1})
                        placed.append(r.json()["orders"][0]["orderId"])

            thread = threading.Thread(target=bot, daemon=True)
            thread.start()
            report, sent_s, first_s = _sync_cancel_all(url, strategy, deadline_s, reconcile)
            stop.set()
            thread.join(5)
            stats = httpx.get(url + "/mock/stats").json()
            mock_orders = httpx.get(url + "/mock/orders").json()["orders"]
            plans_open = httpx.get(url + "/mock/plan-orders", params={"status": "live"}).json()["orders"]
        states = {o["orderId"]: o["status"] for o in mock_orders}
        filled = {o["orderId"]: o["filledSize"] for o in mock_orders}
        rows_out = [o for kind in ("cancelled", "failed", "unknown") for o in getattr(report, kind)]
        reported = [o.order_id for o in rows_out]
        found = len(reported)
        best = max(0, -(-found // 50) - 10) / 10
        rows.append(
            {
                "strategy": strategy,
                "reconcile": reconcile,
                "orders": orders,
                "found": found,
                "bot_placed": len(placed),
                "sent_s": sent_s,
                "first_s": first_s,
                "seconds": report.elapsed_s,
                "best_s": best,
                "vs_best": report.elapsed_s / best if best else 0.0,
                "rounds": report.rounds,
                "requests": report.request_count,
                "reads": report.read_count,
                "remaining": len(report.remaining),
                "plans_open": len(plans_open),
                "lost": len(set(seeded) - set(reported)),
                "doubled": found - len(set(reported)),
                "wrong": sum(states.get(o.order_id) != "cancelled" for o in report.cancelled),
                "unknown": len(report.unknown),
                "no_status": sum(o.status is None for o in rows_out) if reconcile else None,
                "fill_wrong": (
                    sum(_size(o.filled_size) != _size(filled.get(o.order_id or "")) for o in rows_out)
                    if reconcile
                    else None
                ),
                "http_429": stats["statuses"].get("429", 0),
            }
        )
        print(f"cancel-all: {rows[-1]}", flush=True)
    return rows


def cancel_all_markdown(all_rows: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    out.append("## 3c. Cancel everything open: 10,000 open orders on one symbol + a bot placing 20 orders/s\n")
    out.append(
        "| strategy | reconcile | found | first cancel sent s | first cancelled s | seconds | ÷ best case (batch) | added by reconcile | "
        "rounds | requests | reads | still open | plan orders open | lost | doubled | wrong | unknown | "
        "no final status | fill ≠ mock | HTTP 429 |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    plain = {r["strategy"]: r["seconds"] for r in all_rows if not r["reconcile"]}
    for r in all_rows:
        added = f"{r['seconds'] / plain[r['strategy']] - 1:+.1%}" if r["reconcile"] else ""
        first_s = "" if r["first_s"] is None else f"{r['first_s']:.2f}"
        sent_s = "" if r["sent_s"] is None else f"{r['sent_s']:.2f}"
        out.append(
            f"| {r['strategy']} | {'on' if r['reconcile'] else 'off'} | {r['found']:,} | {sent_s} | {first_s} | "
            f"{r['seconds']:.2f} | {r['vs_best']:.3f} | {added} | {r['rounds']} | {r['requests']} | {r['reads']} | "
            f"{r['remaining']} | {r['plans_open']} | {r['lost']} | {r['doubled']} | {r['wrong']} | {r['unknown']} | "
            f"{'' if r['no_status'] is None else r['no_status']} | {'' if r['fill_wrong'] is None else r['fill_wrong']} | "
            f"{r['http_429']} |"
        )
    out.append(
        "\nEach run also holds 50 plan orders (cancelled beside the orders) and 1 % of the orders 25 % filled. "
        "First cancel sent: from the call to the first cancel request (batch or cancel-symbol-order) going out; "
        "first cancelled: to the first order an answer said was cancelled (its progress callback). "
        "Seconds: until a listing showed nothing open (the bot goes on placing afterwards). Best case for the "
        "orders found: a strict window's (R - 10) / 10 s for R = found / 50 batches. Goals: first cancel ≤ 1 s; "
        "batch ≤ 1.05 x it; auto faster than batch; nothing open (plan orders included), every order once, 0 x 429; "
        'reconcile on: 0 orders without a final status, fills equal to the mock\'s, ≤ 5 % added. "symbol" alone '
        "cannot outrun the bot (each round waits for the asynchronous cancel to show in the reads, while the bot "
        "places more): it runs to the 60 s deadline, reporting what is still open.\n"
    )
    return out


def _size(value: str | None) -> float:
    return float(value or 0)


def _sync_cancel_all(
    url: str, strategy: Any, deadline_s: float, reconcile: bool
) -> tuple[Any, float | None, float | None]:
    """One cancel-all run with a client of its own (see `_sync_bulk`); with the seconds from the call to
    the first cancel request sent (an httpx event hook) and to the first order an answer said was
    cancelled (its progress callback)."""
    from bitget_sdk import BitgetClient

    sent: list[float] = []
    first: list[float] = []

    def on_request(request: httpx.Request) -> None:
        if not sent and request.url.path.endswith(("/batch-cancel-order", "/cancel-symbol-order")):
            sent.append(time.perf_counter())

    def progress(done: int, _listed: int) -> None:
        if done and not first:
            first.append(time.perf_counter())

    hooks = {"event_hooks": {"request": [on_request]}}
    with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, uid=fresh_budget(), httpx_args=hooks) as client:
        start = time.perf_counter()
        report = client.cancel_open_orders(
            symbols=["BTCUSDT"], strategy=strategy, deadline_s=deadline_s, reconcile=reconcile, on_progress=progress
        )
        return report, (sent[0] - start if sent else None), (first[0] - start if first else None)


_SHARED_WORKER = """
import json, sys, time
from bitget_sdk import BitgetClient
url, backend, key, secret, passphrase, ids = json.loads(sys.stdin.read())
with BitgetClient(key, secret, passphrase, base_url=url, rate_limit_backend=backend) as client:
    client._api.get_httpx_client()
    start = time.time()
    report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, settle=False, deadline_s=120)
    end = time.time()
print(json.dumps({"start": start, "end": end, **report.counts}))
"""


def shared_budget(
    processes: int, per_process: int, backends: tuple[str, ...] = ("in-process budgets", "Redis backend")
) -> list[dict[str, Any]]:
    """N processes on one API key through the strict mock, with and without the Redis backend."""
    from tools.redisproc import redis_server

    rows = []
    for backend_name in backends:
        with mock_process(rate_limit=10) as url, redis_server() as redis:
            ids = seed(url, "BTCUSDT", processes * per_process)
            backend = redis.url if backend_name == "Redis backend" else None
            procs = []
            for k in range(processes):
                proc = subprocess.Popen(
                    [sys.executable, "-c", _SHARED_WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
                )
                share = ids[k * per_process : (k + 1) * per_process]
                assert proc.stdin is not None
                proc.stdin.write(json.dumps([url, backend, KEY, SECRET, PASSPHRASE, share]))
                proc.stdin.close()
                procs.append(proc)
            outs = []
            for proc in procs:
                assert proc.stdout is not None
                outs.append(json.loads(proc.stdout.read()))
                proc.wait(60)
            stats = httpx.get(url + "/mock/stats").json()
        requests = -(-per_process // 50) * processes
        best = (requests - 10) / 10
        elapsed = max(o["end"] for o in outs) - min(o["start"] for o in outs)
        rows.append(
            {
                "backend": backend_name,
                "processes": processes,
                "orders": processes * per_process,
                "cancelled": sum(o["cancelled"] for o in outs),
                "failed": sum(o["failed"] for o in outs),
                "elapsed_s": elapsed,
                "best_s": best,
                "ratio": best / elapsed,
                "http_429": stats["statuses"].get("429", 0),
            }
        )
        print(f"shared budget, {backend_name}: {rows[-1]}", flush=True)
    return rows


def ip_cap_markdown(r: dict[str, Any]) -> list[str]:
    return [
        f"## 3d. {r['accounts']} sub-accounts from one address for {r['seconds']:.0f} s, mock enforcing the per-IP cap\n",
        "| accounts | seconds | requests | requests/s | best case /s | ÷ best case | busiest window | cancelled | "
        "HTTP 429 (per-IP) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r['accounts']} | {r['seconds']:.1f} | {r['requests']:,} | {r['per_s']:.1f} | {r['best_per_s']:.0f} | "
        f"**{r['ratio']:.3f}** | {r['peak_window']:,} of {r['limit']:,} | {r['cancelled']:,} | "
        f"{r['http_429']} ({r['ip_429']}) |",
        "\nEach account at its own 10/s would send twice the address's cap (the contract's top-level `x-rate-limit`, "
        "6,000 a minute, then 429 to everything for 5 minutes); the SDK's per-IP budget, shared by every client of "
        "the process, is a sliding-window log of the cap's shape (5,940 requests in any 60.5 s): the accounts go "
        "at their own 10/s until the minute's budget is spent, and again as its first requests leave it. Best case: "
        f"the most that {r['accounts']} accounts at 10/s can send in {r['seconds']:.0f} s with at most 6,000 in any "
        f"minute ({r['best']:,}: {r['best_per_s']:.0f}/s; the cap's mean is 100/s). Busiest window: the most "
        "requests the mock counted in one sliding minute. Goal: 0 x 429, ≥ 0.95.\n",
    ]


STARTUP = {
    "floor: httpx + attrs + httpx.Client": "import attrs, httpx; c = httpx.Client()",
    "SDK: import bitget_sdk + BitgetClient": "from bitget_sdk import BitgetClient; c = BitgetClient('k', 's', 'p')",
    # httpx imports its own command line (click, rich, pygments) when they are installed, as the `cli`
    # extra's rich is here; without them (a plain install), or under the CLI (which skips it), it does not.
    "SDK, without httpx's command line": (
        "import sys; sys.modules['httpx._main'] = None; "
        "from bitget_sdk import BitgetClient; c = BitgetClient('k', 's', 'p')"
    ),
    # The SDK creates its httpx client (and TLS context) on first use; this row pays for it up front.
    "SDK + its httpx client (TLS context)": (
        "from bitget_sdk import BitgetClient; c = BitgetClient('k', 's', 'p'); c._api.get_httpx_client()"
    ),
    "ccxt: import ccxt + ccxt.bitget": "import ccxt; c = ccxt.bitget({'apiKey': 'k', 'secret': 's', 'password': 'p'})",
}


def _installed_env(cache: str) -> dict[str, str]:
    """The environment of a startup row: bytecode cached (in `cache`), as `pip install` leaves a package
    (it compiles every module). The dev session's editable install under PYTHONDONTWRITEBYTECODE=1 would
    compile every SDK module on every start instead, which no installed user pays."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",) and not k.startswith("BITGET_")}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def startup(runs: int, cache: str) -> dict[str, list[float]]:
    env = _installed_env(cache)
    results: dict[str, list[float]] = {name: [] for name in STARTUP}
    for i in range(runs + 1):  # the first round writes the bytecode cache and is not counted
        for name, code in STARTUP.items():  # interleaved, so drift in machine load hits all alike
            script = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
            out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
            if i:
                results[name].append(float(out.stdout))
    return results


def cli_answers(runs: int, cache: str) -> dict[str, list[float]]:
    """Seconds from starting `bitget-batch-cancel --version` / `--help` to its exit (wall clock)."""
    env = _installed_env(cache)
    out: dict[str, list[float]] = {"--version": [], "--help": []}
    for i in range(runs + 1):
        for flag, samples in out.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bitget_cli", flag], env=env, capture_output=True, check=True)
            if i:
                samples.append(time.perf_counter() - started)
    return out


def first_cancel(runs: int, cache: str) -> list[float]:
    """Seconds from starting `bitget-batch-cancel cancel` (one order, default journal, the symbol check)
    to its batch cancel arriving at the mock (the mock's access log: the limiter's monotonic clock,
    the same clock as this process's on Linux)."""
    import logging
    import tempfile

    from bitget_mock import MockExchange, MockServer, Settings
    from bitget_mock.accounts import demo_account

    arrivals: list[float] = []

    class Arrivals(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            line = json.loads(record.getMessage())
            if line["path"].endswith("/batch-cancel-order") and "accepted_at" in line:
                arrivals.append(line["accepted_at"])

    access = logging.getLogger("bitget_mock.access")
    handler, level = Arrivals(), access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    out: list[float] = []
    env = _installed_env(cache)
    env.update(BITGET_API_KEY="bg_demo_key", BITGET_SECRET_KEY="demo-secret-key", BITGET_PASSPHRASE="demo-passphrase")
    # As many pairs as Bitget lists (~1,300): a run that read the whole list before its first cancel
    # would pay for it here as it would there.
    listed = ("BTCUSDT", *(f"P{i:04d}USDT" for i in range(1300)))
    exchange = MockExchange([demo_account()], Settings(symbols=listed))
    try:
        with tempfile.TemporaryDirectory() as state, MockServer(exchange) as server:
            env["XDG_STATE_HOME"] = state
            for i in range(runs + 1):  # the first run writes the bytecode cache and is not counted
                order = httpx.post(server.url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 1}).json()
                args = ["cancel", "--symbol", "BTCUSDT", "--order-id", order["orders"][0]["orderId"]]
                arrivals.clear()
                started = time.monotonic()
                subprocess.run(
                    [sys.executable, "-m", "bitget_cli", *args, "--base-url", server.url],
                    env=env,
                    capture_output=True,
                    check=True,
                )
                if i:
                    out.append(min(arrivals) - started)
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    return out


def regen_time() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "tools" / "regen.py"), "check"], check=True, capture_output=True)
    return time.perf_counter() - t


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def output_at_scale(orders: int, deadline_s: float, cache: str) -> dict[str, float]:
    """`cancel --file` of `orders` orders (none of them open: each sent one is refused, 43001) cut by
    `--deadline`, against a strict 10/s mock in its own process, with every row to `--report FILE.csv`:
    seconds from its last request going out (the journal's record of it: the last answer came after) to
    the process's exit, its peak memory, the lines it printed and the rows of the report file."""
    import sqlite3
    import tempfile

    env = _installed_env(cache)
    env.update(BITGET_API_KEY="bg_demo_key", BITGET_SECRET_KEY="demo-secret-key", BITGET_PASSPHRASE="demo-passphrase")
    with tempfile.TemporaryDirectory() as tmp, mock_process(rate_limit=10) as url:
        folder = Path(tmp)
        (folder / "orders.csv").write_text(
            "symbol,orderId\n" + "".join(f"BTCUSDT,{9 * 10**11 + i}\n" for i in range(orders))
        )
        args = ["cancel", "--file", str(folder / "orders.csv"), "--base-url", url, "--deadline", f"{deadline_s:g}"]
        args += ["--no-settle", "--journal", str(folder / "run.db"), "--report", str(folder / "all.csv")]
        with (folder / "out.txt").open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bitget_cli", *args], env=env, stdout=out, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(proc.pid, 0)
        exited = time.time()
        proc.returncode = os.waitstatus_to_exitcode(status)
        with contextlib.closing(sqlite3.connect(folder / "run.db")) as journal:
            (ended,) = journal.execute("SELECT max(sent_at) FROM attempts").fetchone()
        return {
            "orders": orders,
            "deadline_s": deadline_s,
            "exit": proc.returncode,
            "after_end_s": exited - ended,
            "peak_mb": usage.ru_maxrss / 1024,
            "lines": len((folder / "out.txt").read_text().splitlines()),
            "rows": len((folder / "all.csv").read_text().splitlines()) - 1,
        }


def startup_markdown(runs: int) -> tuple[list[str], dict[str, list[float]]]:
    """Section 4: a fresh interpreter's import + construct, the CLI's answers, and Enter to the first cancel."""
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        boot = startup(runs, cache)
        answers = cli_answers(runs, cache)
        first = first_cancel(runs, cache)
        scale = output_at_scale(200_000, 20, cache)
    md = ["## 4. Start: a fresh interpreter to a ready client, the CLI's answers, Enter to the first cancel\n"]
    md.append("| what | median ms | ÷ ccxt | ÷ floor |\n|---|---:|---:|---:|")
    ccxt_boot = statistics.median(boot["ccxt: import ccxt + ccxt.bitget"])
    floor = statistics.median(boot["floor: httpx + attrs + httpx.Client"])
    for name, samples in boot.items():
        m = statistics.median(samples)
        md.append(f"| {name} | {m * 1000:,.0f} | {m / ccxt_boot:.2f} | {m / floor:.2f} |")
    md.append(
        f"\nGoal: SDK ÷ ccxt ≤ 0.5. Median of {runs} interleaved runs, each in a fresh interpreter with the "
        "bytecode cached, as `pip install` leaves it (a first round writes the cache and is not counted). "
        "httpx alone is most of the SDK's time; when click and rich are installed (the `cli` extra's rich "
        "is, here) httpx also imports its own command line, which a plain install or the CLI does not.\n"
    )
    md.append("| CLI, from start to | median s | max s | goal |\n|---|---:|---:|---:|")
    for flag, samples in answers.items():
        md.append(
            f"| `bitget-batch-cancel {flag}` exits | {statistics.median(samples):.3f} | {max(samples):.3f} | ≤ 0.15 |"
        )
    md.append(
        f"| `cancel --symbol BTCUSDT --order-id ...`: its batch cancel arrives | {statistics.median(first):.3f} | "
        f"{max(first):.3f} | ≤ 0.35 |"
    )
    md.append(
        f"\nMedian and max of {runs} runs. The cancel uses the default journal and the symbol check, against a "
        "loopback mock listing 1,301 pairs (as Bitget lists ~1,300); its arrival is the mock's access-log time "
        "on the same monotonic clock as the start.\n"
    )
    md.append(
        "| output at scale: `cancel --file` of 200,000 orders, `--deadline 20`, `--report all.csv` | value | goal |\n"
        "|---|---:|---:|\n"
        f"| from its last request to the process's exit | {scale['after_end_s']:.2f} s | ≤ 2 s |\n"
        f"| peak memory (max RSS) | {scale['peak_mb']:.0f} MB | < 300 MB |\n"
        f"| lines printed on stdout | {scale['lines']:,} | bounded |\n"
        f"| rows in --report all.csv | {scale['rows']:,} | 200,000 |\n"
        f"| exit code | {scale['exit']} | 1 (orders not cancelled) |\n"
    )
    md.append(
        "None of the orders is open: each one sent is refused (43001), the rest are not sent when the deadline "
        "cuts the run (a strict 10/s mock in its own process). Its last request: the journal's record of it "
        "(the last answer came after it, so the time from the last answer is shorter). The CLI rows run "
        "`python -m bitget_cli`, as the console script does plus runpy's few milliseconds.\n"
    )
    return md, boot


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--bulk-orders", type=int, default=10_000)
    parser.add_argument("--startup-runs", type=int, default=7)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--per-process", type=int, default=2500)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--per-account", type=int, default=5000)
    parser.add_argument("--ip-accounts", type=int, default=20)
    parser.add_argument("--ip-seconds", type=float, default=90.0)
    parser.add_argument("--only-ip-cap", action="store_true", help="run the per-IP cap row (3d) alone and print it")
    parser.add_argument("--only-sub-accounts", action="store_true", help="run the sub-accounts rows (3a) alone")
    parser.add_argument("--only-cancel-all", action="store_true", help="run the cancel-all rows (3c) alone")
    parser.add_argument("--only-startup", action="store_true", help="run the start rows (4) alone")
    parser.add_argument(
        "--only-transports", action="store_true", help="run the HTTP backends' per-call rows (1c) alone"
    )
    args = parser.parse_args()

    print(f"machine: {machine()}", flush=True)
    if args.only_ip_cap:
        print("\n".join(ip_cap_markdown(ip_cap(args.ip_accounts, args.ip_seconds))))
        return 0
    if args.only_startup:
        print("\n".join(startup_markdown(args.startup_runs)[0]))
        return 0
    if args.only_cancel_all:
        print("\n".join(cancel_all_markdown(cancel_all(args.bulk_orders, 20, 60))))
        return 0
    if args.only_sub_accounts or args.only_transports:
        if args.only_transports:
            print("\n".join(transports_markdown(transports(args.calls, args.warmup))))
        for r in sub_accounts(args.accounts, args.per_account) if args.only_sub_accounts else []:
            print(
                f"3a {r['mode']} on {r['backend']}: {r['elapsed_s']:.2f} s, best case {r['best_s']:.1f} s, "
                f"÷ best case {r['ratio']:.3f}, clients built inside the clock {r['cold_ratio']:.3f}, "
                f"HTTP 429: {r['http_429']}"
            )
        return 0
    with mock_process(rate_limit=0) as url:
        e2e = per_call(url, args.calls, args.warmup)
    fast = per_call_fast(args.calls, args.warmup)
    backends = transports(args.calls, args.warmup)
    iso = client_side(args.calls * 5, args.warmup)
    bulk_rows = bulk(args.bulk_orders)
    sub_rows = sub_accounts(args.accounts, args.per_account)
    ip_row = ip_cap(args.ip_accounts, args.ip_seconds)
    all_rows = cancel_all(args.bulk_orders, 20, 60)
    shared_rows = shared_budget(2, args.per_process, ("in-process budgets",)) + shared_budget(
        args.processes, args.per_process
    )
    boot_md, boot = startup_markdown(args.startup_runs)
    regen = regen_time()

    md: list[str] = [
        f"# Benchmarks\n\nMachine: {machine()}. Generated by `nox -s bench` ({time.strftime('%Y-%m-%d')}).\n"
    ]
    raw_e2e = med_us(e2e["raw httpx (pre-signed bytes)"])
    ccxt_e2e = med_us(e2e["ccxt cancel_orders"])
    md.append("## 1. Per-call cost, end to end (one 50-order batch cancel, mock in its own process, no rate limit)\n")
    raw_async = med_us(e2e["raw httpx async (pre-signed bytes)"])
    md.append("| client | median µs | p90 µs | ÷ raw httpx (same sync/async) | ÷ ccxt |\n|---|---:|---:|---:|---:|")
    for name, samples in e2e.items():
        m = med_us(samples)
        p90 = statistics.quantiles(samples, n=10)[-1] * 1e6
        floor = raw_async if "async" in name else raw_e2e
        md.append(f"| {name} | {m:,.0f} | {p90:,.0f} | {m / floor:.2f} | {m / ccxt_e2e:.2f} |")
    md.append(
        "\nGoals: SDK ÷ raw httpx ≤ 1.15 (async compared with raw httpx.AsyncClient); SDK ÷ ccxt ≤ 0.95. "
        "`batch_cancel_orders` returns the generated typed models; `cancel_orders` returns a CancelReport. "
        "ccxt's `cancel_orders` adds its unified parse of 50 orders; its raw endpoint method "
        "(`privateSpotPostV2SpotTradeBatchCancelOrder`) does the same work as ours: sign, send, decode.\n"
    )
    raw_fast = med_us(fast["raw httpx (pre-signed bytes)"])
    md.append("### 1b. The same call against a minimal fast server (canned answer: the clients' own cost shows)\n")
    md.append("| client | median µs | p90 µs | ÷ raw httpx |\n|---|---:|---:|---:|")
    for name, samples in fast.items():
        m = med_us(samples)
        p90 = statistics.quantiles(samples, n=10)[-1] * 1e6
        md.append(f"| {name} | {m:,.0f} | {p90:,.0f} | {m / raw_fast:.2f} |")
    md.append("\nGoal: SDK ÷ raw httpx ≤ 1.10 here.\n")
    md.extend(transports_markdown(backends))

    raw_iso = med_us(iso["raw httpx (MockTransport)"])
    ccxt_iso = med_us(iso["ccxt cancel_orders (fetch stubbed)"])
    md.append("## 2. Client-side cost in isolation (canned 50-order answer, no network)\n")
    md.append("| client | median µs | own cost µs (minus raw httpx) |\n|---|---:|---:|")
    for name, samples in iso.items():
        m = med_us(samples)
        own = m - raw_iso if name.startswith("SDK") else (m if name.startswith("ccxt") else 0.0)
        md.append(f"| {name} | {m:,.1f} | {own:,.1f} |")
    sdk_own = med_us(iso["SDK batch_cancel_orders (MockTransport)"]) - raw_iso
    ccxt_raw_iso = med_us(iso["ccxt raw endpoint method (fetch stubbed)"])
    md.append(
        f"\nSDK's own cost (validate + models + sign + parse + typed response) = {sdk_own:,.0f} µs; "
        f"ccxt's `cancel_orders` (its HTTP stubbed out) = {ccxt_iso:,.0f} µs ({sdk_own / ccxt_iso:.2f}); "
        f"ccxt's raw endpoint method = {ccxt_raw_iso:,.0f} µs: SDK ÷ it = **{sdk_own / ccxt_raw_iso:.2f}** "
        "(goal ≤ 1.5).\n"
    )

    md.append("## 3. Bulk cancel, mock enforcing 10 requests/s per UID (strict sliding window), by link\n")
    md.append(
        "| link (one way) | mode | orders | cancelled | requests | seconds | best case s | ÷ best case | "
        "link's best case s | ÷ link's best | HTTP 429 |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for r in bulk_rows:
        md.append(
            f"| {r['link']} | {r['mode']} | {r['orders']:,} | {r['cancelled']:,} | {r['requests']} | "
            f"{r['elapsed_s']:.2f} | {r['best_s']:.2f} | {r['ratio']:.3f} | {r['link_best_s']:.2f} | "
            f"**{r['link_ratio']:.3f}** | {r['http_429']} |"
        )
    md.append(
        "\nBest case: a strict window admits the first 10 requests at once, then 10 per second: (R - 10) / 10 s. "
        "Link's best case: (R - 10) / 10 x (1 s + the uplink delay's spread) + one round trip (no client can "
        "safely do better: request k+10 must arrive a second after request k). Links are simulated by "
        "tools/latency.py in its own process (uniform jitter, order kept). Goals: ≥ 0.97 of the link's best "
        "case at every row up to 150±40 ms, ≥ 0.985 of the best case on loopback, 0 x 429.\n"
    )
    for mode in ("sync", "async"):
        plain = next(r for r in bulk_rows if r["link"] == "loopback" and r["mode"] == mode)
        booked = next(r for r in bulk_rows if r["link"] == "loopback + journal" and r["mode"] == mode)
        cost = 1 - booked["cancels_per_s"] / plain["cancels_per_s"]
        md.append(f"Journal overhead ({mode}): {cost:+.1%} of the bulk rate (goal ≤ 3%).")
    md.append("")
    md.append(f"## 3a. {args.accounts} sub-accounts at once ({args.per_account:,} orders each, one process)\n")
    md.append(
        "| mode | HTTP backend | accounts | orders | cancelled | not cancelled | seconds | best case s | "
        "÷ best case | building the clients s | ÷ best case, clients built inside the clock | HTTP 429 |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for r in sub_rows:
        md.append(
            f"| {r['mode']} | {r['backend']} | {r['accounts']} | {r['orders']:,} | {r['cancelled']:,} | "
            f"{r['not_cancelled']:,} | {r['elapsed_s']:.2f} | {r['best_s']:.1f} | {r['ratio']:.3f} | "
            f"{r['open_s']:.3f} | **{r['cold_ratio']:.3f}** | {r['http_429']} |"
        )
    md.append(
        "\nEach sub-account is its own UID with its own 10/s budget, so N clients reach N x the ceiling; the "
        'aggregate best case is one account\'s. "÷ best case": the clients open before the clock starts, the '
        "clock running from the N `cancel_orders` calls to the last report; the bold column counts building the "
        "clients in (as a script started in an incident builds them). Goal: ≥ 0.95 with the clients built inside "
        "the clock, 0 x 429, on this 2-core machine. The per-IP budget (3d) does not slow a run the minute's budget holds (5,940 "
        f"requests in any 60.5 s; {args.accounts * -(-args.per_account // 50):,} here).\n"
    )

    md.extend(ip_cap_markdown(ip_row))
    md += cancel_all_markdown(all_rows)
    md.append(
        f"## 3b. One key's budget shared by processes "
        f"({args.per_process:,} orders each, strict mock, 10 requests/s per UID)\n"
    )
    md.append(
        "| budget | processes | orders | cancelled | failed | seconds | best case s | ÷ best case | HTTP 429 |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for r in shared_rows:
        md.append(
            f"| {r['backend']} | {r['processes']} | {r['orders']:,} | {r['cancelled']:,} | {r['failed']:,} | {r['elapsed_s']:.2f} | "
            f"{r['best_s']:.1f} | {r['ratio']:.3f} | {r['http_429']} |"
        )
    md.append(
        "\nBest case: one UID's strict window admits R requests in (R - 10) / 10 s, whoever sends them. Goal with "
        "the Redis backend: 0 x 429 and ≥ 0.95 of it. Without it, each process keeps its own 10/s and meets the "
        "other's requests as 429s: it halves its rate and retries them (never a final outcome while time remains), "
        "so no order fails (goal: 0 failed, all cancelled within the 120 s deadline).\n"
    )

    md += boot_md

    md.append("## 5. Regenerate + drift check\n")
    md.append(f"`python tools/regen.py check` (generate into a temp dir, ruff, byte diff): {regen:.2f} s\n")

    text = "\n".join(md)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "results.md").write_text(text, encoding="utf-8")
    plot(e2e, iso, bulk_rows, boot)
    print(f"wrote {OUT / 'results.md'} and {OUT / 'results.png'}")
    return 0


def plot(
    e2e: dict[str, list[float]],
    iso: dict[str, list[float]],
    bulk_rows: list[dict[str, Any]],
    boot: dict[str, list[float]],
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(14, 9))
    panels = [
        (axes[0][0], "1. per call, end to end (median µs)", {k: med_us(v) for k, v in e2e.items()}),
        (axes[0][1], "2. client side only (median µs)", {k: med_us(v) for k, v in iso.items()}),
        (
            axes[1][0],
            "3. bulk: ÷ the link's best case",
            {f"{r['link']} {r['mode']}": r["link_ratio"] for r in bulk_rows},
        ),
        (axes[1][1], "4. ready client (median ms)", {k: statistics.median(v) * 1000 for k, v in boot.items()}),
    ]
    for ax, title, values in panels:
        names = list(values)
        ax.barh(
            names,
            [values[n] for n in names],
            color=["#4c72b0" if "SDK" in n or n in ("sync", "async") else "#999999" for n in names],
        )
        ax.set_title(title)
        ax.invert_yaxis()
        for i, n in enumerate(names):
            ax.text(values[n], i, f" {values[n]:,.3f}" if values[n] < 10 else f" {values[n]:,.0f}", va="center")
    axes[1][0].axvline(0.97, color="red", linestyle="--")
    fig.tight_layout()
    fig.savefig(OUT / "results.png", dpi=90)


if __name__ == "__main__":
    sys.exit(main())
