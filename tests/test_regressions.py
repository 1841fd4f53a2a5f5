"""One test per failure found on the old main (issue #10): each fails if its fault comes back."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings
from bitget_sdk import (
    AsyncBitgetClient,
    BatchValidationError,
    BitgetClient,
    BitgetTransportError,
    CancelAbortedError,
    SlidingWindowLimiter,
)
from bitget_sdk._async.limits import slot as aslot
from bitget_sdk._sync import backend as sync_backend
from bitget_sdk._sync.limits import slot

from .conftest import DEMO, PATH, MockClient
from .hostile import HostileServer, Reply, http

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}


def _client(url: str, **kw: Any) -> BitgetClient:
    return BitgetClient(**CREDS, base_url=url, **{"rate_limit": 0, **kw})


# --- the limiter never loses a permit, and one key has one budget ------------------------------------


def test_async_cancellation_while_waiting_returns_the_permit() -> None:
    limiter = SlidingWindowLimiter(2, window_s=5.0, margin_s=0.0)

    async def main() -> None:
        async def hold() -> None:
            async with aslot(limiter):
                await asyncio.sleep(0.05)

        await asyncio.gather(hold(), hold())  # both permits used: free again only in 5 s

        async def wait_for_permit() -> None:
            async with aslot(limiter):
                pass

        for _ in range(3):  # asyncio.wait_for, as the reproduction did
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(wait_for_permit(), 0.05)
        task = asyncio.ensure_future(wait_for_permit())
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert len(limiter._idle) == 2  # every permit is back, with the time it had


def test_keyboard_interrupt_while_waiting_returns_the_permit(monkeypatch: pytest.MonkeyPatch) -> None:
    limiter = SlidingWindowLimiter(1, window_s=5.0, margin_s=0.0)
    with slot(limiter):
        pass  # the permit is free again only in 5 s: the next slot() must sleep

    def interrupted_sleep(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sync_backend, "sleep", interrupted_sleep)
    with pytest.raises(KeyboardInterrupt), slot(limiter):
        pass
    assert len(limiter._idle) == 1


def test_one_budget_per_key_whatever_the_url_spelling_or_margin() -> None:
    a = BitgetClient("budget-key", "s", "p", base_url="http://127.0.0.1:1")
    b = AsyncBitgetClient("budget-key", "s", "p", base_url="http://localhost:1/", rate_limit_margin_s=0.05)
    assert a.limiter is b.limiter
    assert a.limiter.margin_s == 0.05  # the larger margin wins: only ever safer
    with pytest.raises(ValueError, match="rate_limit=5 conflicts"):
        BitgetClient("budget-key", "s", "p", rate_limit=5)


def test_a_new_client_per_call_earns_no_429() -> None:
    with MockServer(MockExchange([DEMO], Settings(rate_limit=10))) as server:
        seeded = httpx.post(server.url + "/mock/orders", json={"symbol": "BTCUSDT", "count": 30}).json()["orders"]
        for order in seeded:  # 30 calls, each from a client made for it and dropped after
            client = BitgetClient(**CREDS, base_url=server.url)
            assert client.cancel_orders(symbol="BTCUSDT", order_ids=[order["orderId"]]).ok
            client.close()
            del client
        assert server.exchange.stats.count(429) == 0


# --- options are checked when a client is built ------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("base_url", "not a url"),
        ("base_url", "ftp://x"),
        ("base_url", "https://"),
        ("base_url", "https://api.bitget.com?x=1"),
        ("timeout", -1),
        ("timeout", 0),
        ("timeout", float("nan")),
        ("timeout", float("inf")),
        ("timeout", "10"),
        ("max_retries", -1),
        ("max_retries", 1.5),
        ("max_retries", True),
        ("backoff_base_s", -1),
        ("backoff_max_s", float("nan")),
        ("rate_limit", -1),
        ("rate_limit_margin_s", -0.1),
        ("max_concurrency", 0),
        ("locale", "fr-FR"),
        ("demo_trading", "yes"),
        ("auto_sync_time", 1),
        ("clock_offset_ms", 1.5),
        ("httpx_args", {"auth": None}),
        ("passphrase", "pass\nphrase"),
        ("passphrase", "pässphrase"),
        ("api_key", "key with\ttab"),
    ],
)
def test_bad_options_fail_at_construction_naming_the_option(option: str, value: Any) -> None:
    kw: dict[str, Any] = {"api_key": "k", "secret_key": "s", "passphrase": "p", option: value}
    with pytest.raises(ValueError, match=option):
        BitgetClient(**kw)
    with pytest.raises(ValueError, match=option):
        AsyncBitgetClient(**kw)


# --- bad input is refused before any I/O --------------------------------------------------------------


def test_a_lone_surrogate_is_refused_before_any_request() -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500))
    client = BitgetClient("k", "s", "p", base_url="https://bitget.test", httpx_args={"transport": transport})
    ids = [str(i) for i in range(150)] + ["bad\ud800"]
    with pytest.raises(BatchValidationError) as info:
        client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
    assert info.value.field == "order_ids[150]"
    assert info.value.report is None
    with pytest.raises(BatchValidationError):
        client.cancel_orders(orders=[{"symbol": "BTCUSDT", "clientOid": "\udcff"}])
    assert sent == []


# --- every exception ends the run with a report -------------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_raising_progress_callback_ends_the_run_with_a_full_report(mock: MockClient, mode: str) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 300)]
    calls: list[int] = []

    def on_progress(done: int, total: int) -> None:
        calls.append(done)
        raise RuntimeError("progress bar broke")

    kw = {"max_concurrency": 1}

    def go() -> None:
        if mode == "sync":
            with _client(mock.server.url, **kw) as client:
                client.cancel_orders(symbol="BTCUSDT", order_ids=ids, on_progress=on_progress)
            return

        async def run() -> None:
            async with AsyncBitgetClient(**CREDS, base_url=mock.server.url, rate_limit=0, **kw) as client:
                await client.cancel_orders(symbol="BTCUSDT", order_ids=ids, on_progress=on_progress)

        asyncio.run(run())

    with pytest.raises(CancelAbortedError) as info:
        go()
    report = info.value.report
    assert report is not None
    assert isinstance(info.value.__cause__, RuntimeError)
    assert report.total == 300
    live = {o["orderId"] for o in mock.orders(status="live")}
    assert {o.order_id for o in report.cancelled} == set(ids) - live
    assert all(o.order_id in live and "not sent" in (o.error_msg or "") for o in report.failed)
    assert len(report.cancelled) == 50  # the first batch went; nothing after the callback failed


def test_a_bug_mid_run_leaves_its_batch_unknown_and_the_rest_accounted(
    mock: MockClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 150)]
    client = _client(mock.server.url, max_concurrency=1)
    real = client._attempt
    calls = {"n": 0}

    def flaky(op: Any, kwargs: dict[str, Any], deadline: Any = None, on_send: Any = None) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # a bug while the request is out: it may have reached the exchange
            if on_send is not None:
                on_send()
            raise RecursionError("a bug deep in the SDK")
        return real(op, kwargs, deadline, on_send)

    monkeypatch.setattr(client, "_attempt", flaky)
    with client, pytest.raises(CancelAbortedError) as info:
        client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
    report = info.value.report
    assert report is not None
    assert report.counts == {"cancelled": 50, "failed": 50, "unknown": 50}
    assert isinstance(info.value.__cause__, RecursionError)


def test_keyboard_interrupt_carries_the_report(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 150)]

    def on_progress(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with _client(mock.server.url, max_concurrency=1) as client, pytest.raises(KeyboardInterrupt) as info:
        client.cancel_orders(symbol="BTCUSDT", order_ids=ids, on_progress=on_progress)
    report = info.value.report  # type: ignore[attr-defined]
    assert report.counts == {"cancelled": 50, "failed": 100, "unknown": 0}


def test_cancelling_the_task_carries_the_report_and_keeps_every_permit() -> None:
    slow = HostileServer(lambda req, book: Reply(b"", hang=True))

    async def main() -> tuple[Any, SlidingWindowLimiter]:
        client_kw: dict[str, Any] = {"base_url": slow.url, "timeout": 30, "max_concurrency": 4}
        async with AsyncBitgetClient("cancel-key", "s", "p", **client_kw) as client:
            task = asyncio.ensure_future(client.cancel_orders(symbol="BTCUSDT", order_ids=[str(i) for i in range(400)]))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await task
            return info.value, client.limiter

    with slow:
        error, limiter = asyncio.run(main())
    report = error.report
    assert report.total == 400
    assert len(report.unknown) == 4 * 50  # max_concurrency batches were in flight
    assert len(report.failed) == 200 and all("not sent" in (o.error_msg or "") for o in report.failed)
    assert len(limiter._idle) == limiter.limit


# --- a whole attempt is bounded, connect to last byte --------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_dribbling_server_cannot_hold_a_call_past_its_timeout(mode: str) -> None:
    def dribble(req: Any, book: Any) -> Reply:
        reply = http(200, b'{"code":"00000","msg":"success","data":{"successList":[],"failureList":[]}}')
        return Reply(reply.head, reply.body, dribble_s=0.2)

    with HostileServer(dribble) as server:
        kw = {"base_url": server.url, "timeout": 1.0, "max_retries": 0, "rate_limit": 0}

        def call() -> None:
            if mode == "sync":
                BitgetClient("k", "s", "p", **kw).batch_cancel_orders(symbol="X", order_list=[{"orderId": "1"}])
            else:
                client = AsyncBitgetClient("k", "s", "p", **kw)
                asyncio.run(client.batch_cancel_orders(symbol="X", order_list=[{"orderId": "1"}]))

        start = time.monotonic()
        with pytest.raises(BitgetTransportError) as info:
            call()
        elapsed = time.monotonic() - start
    assert info.value.sent is True
    assert elapsed < 1.5, elapsed


# --- the mock --------------------------------------------------------------------------------------


def test_mock_refuses_lone_surrogates_without_a_5xx(mock: MockClient) -> None:
    raw = b'{"symbol":"BTCUSDT","orderList":[{"orderId":"\\ud800"}]}'
    r = mock.cancel(None, raw=raw)
    assert r.status_code == 400
    assert r.json()["code"] == "40017"
    r = mock.http.post("/mock/orders", content=b'{"orders":[{"symbol":"BTCUSDT","clientOid":"\\udcff"}]}')
    assert r.status_code == 400
    assert mock.http.get("/mock/orders").status_code == 200


def test_mock_refuses_an_oversized_list_before_validating_items(mock: MockClient) -> None:
    raw = b'{"symbol":"BTCUSDT","orderList":[' + b",".join([b"{}"] * 340_000) + b"]}"
    assert len(raw) < 1 << 20
    stalls: list[float] = []

    def probe() -> None:
        with httpx.Client(base_url=mock.server.url) as c:
            for _ in range(20):
                t = time.monotonic()
                c.get("/api/v2/public/time")
                stalls.append(time.monotonic() - t)
                time.sleep(0.02)

    prober = threading.Thread(target=probe)
    prober.start()
    start = time.monotonic()
    r = mock.cancel(None, raw=raw)
    elapsed = time.monotonic() - start
    prober.join()
    assert r.status_code == 400 and "at most 50" in r.json()["msg"]
    assert elapsed < 1.0, elapsed
    assert max(stalls) < 0.3, max(stalls)


def test_mock_control_routes_never_answer_5xx(mock: MockClient) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/mock/orders", "/mock/faults"):
        for body in (deep, b'{"x": NaN}', b"\xff\xfe", b'{"orders": [{"symbol": "\\ud800"}]}'):
            assert mock.http.post(path, content=body).status_code == 400, (path, body[:20])
    too_big = b'{"orders": [' + b" " * (17 << 20) + b"]}"
    assert mock.http.post("/mock/orders", content=too_big).status_code == 400


def test_mock_seeding_is_linear(mock: MockClient) -> None:
    orders = [{"symbol": "BTCUSDT", "clientOid": f"c{i}"} for i in range(20_000)] + [
        {"symbol": "BTCUSDT", "clientOid": "c0"}
    ]
    start = time.monotonic()
    r = mock.http.post("/mock/orders", json={"orders": orders})
    assert r.status_code == 400 and "c0" in r.text
    assert time.monotonic() - start < 2.0


def test_mock_trailing_slash_is_a_404_without_host_reflection(mock: MockClient) -> None:
    r = mock.http.post(PATH + "/", content=b"{}", headers={"Host": "evil.test"})
    assert r.status_code == 404
    assert "evil.test" not in r.headers.get("location", "") + r.text


def test_mock_port_0_prints_the_port_it_got() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bitget_mock", "--port", "0"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline().decode()
        port = int(first.strip().rsplit(":", 1)[1])
        assert port != 0
        deadline = time.monotonic() + 10
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/api/v2/public/time").json()["code"] == "00000"
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(10)


# --- console scripts without their extra ------------------------------------------------------------


@pytest.mark.parametrize(
    ("package", "missing", "extra"),
    [("bitget_cli", "rich", "cli"), ("bitget_mock", "uvicorn", "mock"), ("bitget_mock", "httptools", "mock")],
)
def test_console_script_without_its_extra_prints_the_install_command(package: str, missing: str, extra: str) -> None:
    # The CLI answers --help before it imports its extra (see bitget_cli.args): a command needs it.
    argv = ["show", "run.db"] if package == "bitget_cli" else ["--help"]
    code = f"import sys; sys.modules[{missing!r}] = None; from {package} import main; sys.exit(main({argv!r}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert f"pip install 'bitget-batch-cancel[{extra}]'" in r.stderr


def test_json_report_round_trips(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    with _client(mock.server.url) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=[*ids, "404"])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["counts"] == {"cancelled": 3, "failed": 1, "unknown": 0}
    assert data["sent_count"] == report.request_count == 1
