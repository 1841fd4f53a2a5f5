"""A proxy in the way: both clients and the CLI go through a real forward proxy on loopback, as httpx
users expect (`HTTP_PROXY` / `HTTPS_PROXY` / `ALL_PROXY`, `NO_PROXY`, `proxy=`, `--proxy`): plain
forwarding to an http:// exchange and a CONNECT tunnel to an https:// one. Every request goes through
the proxy, and no order is lost."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from bitget_mock import MockExchange, MockServer, Settings
from bitget_sdk import AsyncBitgetClient, BitgetClient, BitgetError, BitgetTransportError, CancelReport

from .conftest import DEMO, MockClient
from .proxy import ForwardProxy
from .test_cli import ENV, run

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}
MODES = ["sync", "async"]
# Both clients on each HTTP backend: httpx's own pool, and the `fast` extra's pyreqwest.
BACKENDS = [*MODES, "sync/pyreqwest", "async/pyreqwest"]
PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)


@pytest.fixture(autouse=True)
def _clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


def _cancel(url: str, mode: str, order_ids: list[str], **client_kw: Any) -> CancelReport:
    """`cancel_orders` through a client of `mode` ("sync" or "async", "/pyreqwest" for that backend)."""
    kw: dict[str, Any] = {"rate_limit": 0, "backoff_base_s": 0.01, "settle_lag_s": 0.3, **CREDS, **client_kw}
    mode, _, backend = mode.partition("/")
    if backend:
        kw["http_backend"] = backend
    if mode == "sync":
        with BitgetClient(base_url=url, **kw) as client:
            return client.cancel_orders(symbol="BTCUSDT", order_ids=order_ids)

    async def go() -> CancelReport:
        async with AsyncBitgetClient(base_url=url, **kw) as client:
            return await client.cancel_orders(symbol="BTCUSDT", order_ids=order_ids)

    return asyncio.run(go())


def _through_proxy(mock_server: MockServer, proxy: ForwardProxy) -> None:
    """Every API request the mock answered came through the proxy, which carried no other."""
    by_path: dict[str, dict[str, int]] = mock_server.exchange.stats.as_dict()["byPath"]  # type: ignore[assignment]
    answered = sum(sum(statuses.values()) for path, statuses in by_path.items() if path.startswith("/api/"))
    assert answered > 0 and proxy.count("POST http://") + proxy.count("GET http://") == answered == len(proxy.seen)


@pytest.mark.parametrize("mode", BACKENDS)
@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_the_environments_proxy_carries_every_request(
    mock: MockClient, mode: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 120)]
    with ForwardProxy() as proxy:
        monkeypatch.setenv(variable, proxy.url)
        report = _cancel(mock.server.url, mode, ids)
    assert len(report.cancelled) == 120 and not report.failed and not report.unknown
    assert mock.orders(status="live") == []
    _through_proxy(mock.server, proxy)


@pytest.mark.parametrize("mode", BACKENDS)
def test_no_proxy_names_the_exchange_and_it_is_reached_directly(
    mock: MockClient, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "example.com, 127.0.0.1")
        report = _cancel(mock.server.url, mode, ids)
        assert len(report.cancelled) == 3 and proxy.seen == []


@pytest.mark.parametrize("mode", MODES)
def test_trust_env_false_ignores_the_environment(mock: MockClient, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        report = _cancel(mock.server.url, mode, ids, httpx_args={"trust_env": False})
        assert len(report.cancelled) == 3 and proxy.seen == []


@pytest.mark.parametrize("mode", BACKENDS)
def test_an_explicit_proxy_with_credentials_is_used_and_its_password_never_shown(
    mock: MockClient, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 60)]
    with ForwardProxy(credentials="ops:pr0xy-CANARY") as proxy:
        url = proxy.url.replace("http://", "http://ops:pr0xy-CANARY@")
        report = _cancel(mock.server.url, mode, ids, proxy=url)
        assert len(report.cancelled) == 60
        assert proxy.count("POST http://") == 2 and set(proxy.auth_headers) == {"Basic b3BzOnByMHh5LUNBTkFSWQ=="}
        with pytest.raises(ValueError, match="proxy must be") as bad:
            BitgetClient(**CREDS, base_url=mock.server.url, proxy="ftp://ops:pr0xy-CANARY@h:1")
    assert "CANARY" not in str(bad.value) and "CANARY" not in report.summary() and "CANARY" not in caplog.text


def test_a_proxy_that_refuses_the_credentials_fails_every_order_nothing_reached_the_exchange(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    with ForwardProxy(credentials="ops:right") as proxy:
        bad = proxy.url.replace("http://", "http://ops:wrong-CANARY@")
        with BitgetClient(**CREDS, base_url=mock.server.url, rate_limit=0, proxy=bad, settle_lag_s=0.1) as client:
            with pytest.raises(BitgetError, match="407") as refused:
                client.get_server_time()
            # Not Bitget answering: the run stops at once, every order failed, nothing sent to the exchange.
            with pytest.raises(BitgetTransportError, match="407") as stopped:
                client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
    report = stopped.value.report
    assert report is not None and report.sent_count == 0
    assert "CANARY" not in str(refused.value) and "CANARY" not in str(report.to_dict())
    assert len(report.failed) == 3 and not report.cancelled and not report.unknown
    assert all("407" in (o.error_msg or "") for o in report.failed)
    assert len(mock.orders(status="live")) == 3


@pytest.fixture(scope="module")
def tls_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MockServer, ssl.SSLContext, Path]]:
    """The mock served over TLS for `localhost`, with a CA of its own (trustme) the clients trust."""
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    folder: Path = tmp_path_factory.mktemp("tls")
    key_file, chain_file = folder / "key.pem", folder / "chain.pem"
    cert.private_key_pem.write_to_path(str(key_file))
    cert.cert_chain_pems[0].write_to_path(str(chain_file))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(chain_file), append=True)
    trust = ssl.create_default_context()
    ca.configure_trust(trust)
    server = MockServer(
        MockExchange([DEMO], Settings(rate_limit=0)), ssl_keyfile=str(key_file), ssl_certfile=str(chain_file)
    )
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with server:
        yield server, trust, ca_file


@pytest.mark.parametrize("mode", BACKENDS)
def test_an_https_exchange_is_reached_through_a_connect_tunnel(
    tls_mock: tuple[MockServer, ssl.SSLContext, Path], mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, trust, ca_file = tls_mock
    server.exchange.reset()
    control = MockClient(server)
    control.http = control.http.__class__(base_url=f"https://localhost:{server.port}", verify=trust, timeout=10)
    ids = [o["orderId"] for o in control.seed("BTCUSDT", 120)]
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        if mode.endswith("pyreqwest"):  # reqwest takes no Python TLS context: the CA bundle as a file
            monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
            tls: dict[str, Any] = {}
        else:
            tls = {"httpx_args": {"verify": trust}}
        report = _cancel(f"https://localhost:{server.port}", mode, ids, **tls)
    control.http.close()
    assert len(report.cancelled) == 120 and not report.unknown
    tunnels = proxy.count(f"CONNECT localhost:{server.port}")
    assert tunnels >= 1 and tunnels == len(proxy.seen)  # nothing went around the tunnel


def test_the_cli_goes_through_proxy(mock: MockClient) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 3)]
    with ForwardProxy() as proxy:
        args = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, "--proxy", proxy.url]
        r = run(*args, *[x for i in ids for x in ("--order-id", i)], env=ENV)
        assert r.returncode == 0, r.stderr
        assert proxy.count("POST http://") == 1
        env_run = run("cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url, "--order-id", "1",
                      env={**ENV, "HTTP_PROXY": proxy.url})  # fmt: skip
        assert proxy.count("POST http://") == 2, env_run.stderr
    bad = run("cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--proxy", "nope://x", env=ENV)
    assert bad.returncode == 2 and "--proxy must be" in bad.stderr
