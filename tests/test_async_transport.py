"""The async client's transport (httpcore's pool on asyncio streams, `_aio`): TLS end to end, stale
keep-alive connections dropped before reuse, errors as httpx names them, and pool options honoured."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, demo_account
from bitget_sdk import AsyncBitgetClient, BitgetClient
from bitget_sdk._http.aio import AsyncPoolTransport

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


async def _serve(handler: Any) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


def test_a_keep_alive_connection_the_server_closed_is_not_reused() -> None:
    """The pool asks each idle connection whether it is readable before reusing it: one the server
    closed meanwhile is dropped, and the next request goes out on a new connection instead of failing
    on a dead one (for a cancel, a failure after the write would leave its orders unknown)."""
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(_OK)  # keep-alive by HTTP/1.1 default ...
        await writer.drain()
        writer.close()  # ... and then closed while the client holds it idle

    async def run() -> list[int]:
        server, url = await _serve(handler)
        async with server, httpx.AsyncClient(transport=AsyncPoolTransport(ssl.create_default_context())) as http:
            first = await http.get(url)
            await asyncio.sleep(0.1)  # the close reaches the client
            second = await http.get(url)
            return [first.status_code, second.status_code]

    assert asyncio.run(run()) == [200, 200]
    assert connections == 2


def test_errors_are_httpxs_and_a_refused_connection_says_nothing_was_sent() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1 << 16)
        await asyncio.sleep(5)

    async def run() -> None:
        transport = AsyncPoolTransport(ssl.create_default_context())
        async with httpx.AsyncClient(transport=transport, timeout=0.2) as http:
            server, url = await _serve(silent)
            async with server:
                with pytest.raises(httpx.ReadTimeout):
                    await http.get(url)
            closed = server.sockets  # the listener is gone: nothing accepts on that port now
            assert not closed
            with pytest.raises(httpx.ConnectError):
                await http.get(url)

    asyncio.run(run())


def test_pool_options_in_httpx_args_reach_the_pool() -> None:
    limits = httpx.Limits(max_connections=7, max_keepalive_connections=3, keepalive_expiry=2.0)

    async def pool() -> Any:
        options = {"limits": limits}
        async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, base_url="http://127.0.0.1:9", httpx_args=options) as c:
            return c._api.get_async_httpx_client()._transport._pool  # type: ignore[attr-defined]

    book = asyncio.run(pool())._book
    assert (book.max_connections, book.max_keepalive_connections, book.keepalive_expiry) == (7, 3, 2.0)


def _spec() -> Any:
    from bitget_mock.orders import OrderSpec

    return OrderSpec("BTCUSDT")
