"""The clients' default transports (async: httpx's own `AsyncHTTPTransport`; sync: httpcore's pool with
every socket operation clamped to the attempt's deadline), tried through the clients: TLS end to end,
stale keep-alive connections dropped before reuse, errors that say whether anything was sent, pool
options honoured, a dripping answer cut at the deadline, and the write/answer events the limiter hears."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, demo_account
from bitget_sdk import AsyncBitgetClient, BitgetClient, BitgetTransportError
from bitget_sdk._async import backend as async_backend
from bitget_sdk._sync import backend as sync_backend

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own trust anchor): (cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bitget-mock-test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_mock(certificate: tuple[Path, Path]) -> Iterator[tuple[str, MockExchange]]:
    exchange = MockExchange([demo_account()])
    cert_file, key_file = certificate
    with MockServer(exchange, ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)) as server:
        yield f"https://127.0.0.1:{server.port}", exchange


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_batch_is_cancelled_over_tls(mode: str, tls_mock: tuple[str, MockExchange], certificate: Any) -> None:
    url, exchange = tls_mock
    orders = exchange.orders.add(demo_account().uid, [_spec() for _ in range(3)])
    ids = [o.order_id for o in orders]
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    options: dict[str, Any] = {"base_url": url, "httpx_args": {"verify": trust}}
    if mode == "sync":
        with BitgetClient(KEY, SECRET, PASSPHRASE, **options) as client:
            report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
    else:

        async def run() -> Any:
            async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, **options) as client:
                return await client.cancel_orders(symbol="BTCUSDT", order_ids=ids)

        report = asyncio.run(run())
    assert [o.order_id for o in report.cancelled] == ids and report.ok


def test_an_untrusted_certificate_is_refused_before_anything_is_sent(tls_mock: tuple[str, MockExchange]) -> None:
    url, exchange = tls_mock
    order = exchange.orders.add(demo_account().uid, [_spec()])[0]

    async def run() -> Any:
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=url, max_retries=0) as client:
            return await client.cancel_orders(symbol="BTCUSDT", order_ids=[order.order_id])

    report = asyncio.run(run())
    assert report.sent_count == 0 and [o.order_id for o in report.failed] == [order.order_id]
    assert exchange.orders.find(demo_account().uid, order.order_id, None).status == "live"  # type: ignore[union-attr]


TIME = b'{"code":"00000","msg":"success","requestTime":1,"data":{"serverTime":"1"}}'
_OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(TIME), TIME)
MODES = ["sync", "async"]
# Both clients on each HTTP backend: httpx's own pool, and the `fast` extra's pyreqwest.
BACKENDS = [*MODES, "sync/pyreqwest", "async/pyreqwest"]
Respond = Callable[[int, asyncio.StreamWriter], Awaitable[bool]]


class Server:
    """A loopback server in a thread of its own: `respond(request number, writer)` per request, which
    says whether to keep the connection open; counts connections and requests."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.connections = 0
        self.requests = 0
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (int(x.split(b":")[1]) for x in head.split(b"\r\n") if x.lower().startswith(b"content-length")),
                    0,
                )
                await reader.readexactly(length)
                self.requests += 1
                if not await self.respond(self.requests, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def __enter__(self) -> Server:
        self._thread.start()
        server = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop)
        self._server = server.result(5)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:  # connections still being served end with the server
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


async def _ok(n: int, writer: asyncio.StreamWriter) -> bool:
    writer.write(_OK)
    await writer.drain()
    return True


def _server_time(mode: str, url: str, **options: Any) -> Any:
    """`get_server_time` through a fresh client of either kind, `rounds` times on it."""
    rounds = options.pop("rounds", 1)
    settings = {"base_url": url, "rate_limit": 0, "max_retries": 0, **options}
    mode, _, backend = mode.partition("/")
    if backend:
        settings["http_backend"] = backend
    if mode == "sync":
        with BitgetClient(KEY, SECRET, PASSPHRASE, **settings) as client:
            return [client.get_server_time() for _ in range(rounds)]

    async def run() -> Any:
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, **settings) as client:
            return [await client.get_server_time() for _ in range(rounds)]

    return asyncio.run(run())


@pytest.mark.parametrize("mode", MODES)
def test_a_connection_is_reused_and_one_the_server_closed_is_not(mode: str) -> None:
    """The pool asks each idle connection whether it is readable before reusing it: one the server
    closed meanwhile is dropped, and the next request goes out on a new connection instead of failing
    on a dead one (for a cancel, a failure after the write would leave its orders unknown)."""

    async def respond(n: int, writer: asyncio.StreamWriter) -> bool:
        await _ok(n, writer)
        if n == 3:
            await asyncio.sleep(0.05)
        return n != 3  # the third answer's connection is then closed by the server (keep-alive by default)

    def slow_fourth(client_call: Callable[[], Any]) -> None:
        time.sleep(0.15)  # the close reaches the client before the fourth request
        client_call()

    with Server(respond) as server:
        if mode == "sync":
            with BitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, rate_limit=0, max_retries=0) as client:
                for _ in range(3):
                    client.get_server_time()
                slow_fourth(client.get_server_time)
        else:

            async def run() -> None:
                async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, rate_limit=0) as client:
                    for _ in range(3):
                        await client.get_server_time()
                    await asyncio.sleep(0.15)
                    await client.get_server_time()

            asyncio.run(run())
        assert (server.connections, server.requests) == (2, 4)


@pytest.mark.parametrize("mode", BACKENDS)
def test_errors_say_whether_anything_can_have_been_sent(mode: str) -> None:
    async def silent(n: int, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(5)
        return False

    with Server(silent) as server:
        url = server.url
        with pytest.raises(BitgetTransportError) as read:
            _server_time(mode, url, timeout=0.3)
    assert read.value.sent is True  # the request was written: it may have been acted on
    with pytest.raises(BitgetTransportError) as refused:  # nothing listens there now
        _server_time(mode, url, timeout=1.0)
    assert refused.value.sent is False


@pytest.mark.parametrize("mode", BACKENDS)
def test_a_connection_closed_after_the_request_was_read_is_possibly_sent(mode: str) -> None:
    """The server read the whole request and hung up: it may have acted on it. (pyreqwest 0.15 calls
    this a connect error; taken at its word, a cancel that took effect would be reported failed.)"""

    async def hang_up(n: int, writer: asyncio.StreamWriter) -> bool:
        return False

    with Server(hang_up) as server, pytest.raises(BitgetTransportError) as closed:
        _server_time(mode, server.url, timeout=2.0)
    assert closed.value.sent is True


@pytest.mark.parametrize("mode", BACKENDS)
def test_a_dripping_answer_is_cut_at_the_attempts_timeout(mode: str) -> None:
    """httpx's timeouts are per socket operation: a server that sends a byte every 50 ms never trips
    them. The attempt as a whole ends by `timeout` all the same."""

    async def drip(n: int, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.05)
        return True

    with Server(drip) as server:
        started = time.monotonic()
        with pytest.raises(BitgetTransportError) as cut:
            _server_time(mode, server.url, timeout=0.4)
        assert time.monotonic() - started < 1.5
    assert cut.value.sent is True


@pytest.mark.parametrize("mode", MODES)
def test_pool_limits_in_httpx_args_reach_the_pool(mode: str) -> None:
    """`max_connections=1`: four callers at once share one connection, one after another."""

    async def respond(n: int, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(0.02)
        return await _ok(n, writer)

    limits = httpx.Limits(max_connections=1)
    with Server(respond) as server:
        settings: dict[str, Any] = {"base_url": server.url, "rate_limit": 0, "httpx_args": {"limits": limits}}
        if mode == "sync":
            with BitgetClient(KEY, SECRET, PASSPHRASE, **settings) as client:
                threads = [threading.Thread(target=client.get_server_time) for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
        else:

            async def run() -> None:
                async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, **settings) as client:
                    await asyncio.gather(*(client.get_server_time() for _ in range(4)))

            asyncio.run(run())
        assert (server.connections, server.requests) == (1, 4)


def test_an_async_client_kept_across_event_loops_makes_new_connections() -> None:
    """A client kept across two `asyncio.run` calls: its idle connection belongs to the first loop; the
    second run's request still goes out (on a new connection) instead of failing or waiting forever."""
    with Server(_ok) as server:
        client = AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url=server.url, rate_limit=0, max_retries=0)

        async def call() -> Any:
            return await client.get_server_time()

        first, second = asyncio.run(call()), asyncio.run(call())
        assert first.code == second.code == "00000"
        asyncio.run(client.aclose())


@pytest.mark.parametrize("mode", MODES)
def test_the_default_transport_tells_the_permit_when_the_request_was_written_and_answered(mode: str) -> None:
    """The limiter learns each request's write and answer times from the transport's trace events
    (`Permit.trace`); the default transports emit them under the names it listens for."""
    from bitget_sdk._limits.window import _ANSWERED, _WRITTEN

    events: list[str] = []
    with Server(_ok) as server:
        if mode == "sync":
            transport = sync_backend.default_transport(server.url, None, {})["transport"]
            with httpx.Client(transport=transport) as http:
                http.get(server.url, extensions={"trace": lambda name, info: events.append(name)})
        else:

            async def trace(name: str, info: dict[str, Any]) -> None:
                events.append(name)

            async def run() -> None:
                transport = async_backend.default_transport(server.url, None, {})["transport"]
                async with httpx.AsyncClient(transport=transport) as http:
                    await http.get(server.url, extensions={"trace": trace})

            asyncio.run(run())
    written = next(i for i, e in enumerate(events) if e in _WRITTEN)
    answered = next(i for i, e in enumerate(events) if e in _ANSWERED)
    assert written < answered


def _spec() -> Any:
    from bitget_mock.orders import OrderSpec

    return OrderSpec("BTCUSDT")


def test_the_pyreqwest_backend_refuses_a_python_tls_context_and_a_missing_extra_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValueError, match="verify= takes a Python TLS context"):
        BitgetClient(KEY, SECRET, PASSPHRASE, http_backend="pyreqwest", httpx_args={"verify": False})
    with pytest.raises(ValueError, match='http_backend must be "httpx" or "pyreqwest"'):
        BitgetClient(KEY, SECRET, PASSPHRASE, http_backend="aiohttp")  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "pyreqwest.compatibility.httpx", None)  # as if not installed
    with pytest.raises(ValueError, match=r"bitget-batch-cancel\[fast\]"):
        AsyncBitgetClient(KEY, SECRET, PASSPHRASE, http_backend="pyreqwest")
