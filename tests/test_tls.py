"""TLS settings: one CA bundle load per process for clients with default settings, and a client's own
`verify=` / `cert=` (in `httpx_args`) honoured by both clients."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import pytest

from bitget_sdk import AsyncBitgetClient, BitgetClient

CREDS: dict[str, Any] = {"api_key": "bg_tls_key", "secret_key": "tls-secret", "passphrase": "tls-pass"}
URL = "https://bitget.invalid"


def _sync_context(client: BitgetClient) -> ssl.SSLContext:
    transport = client._api.get_httpx_client()._transport
    context: ssl.SSLContext = transport._get_pool()._ssl_context  # type: ignore[attr-defined]
    return context


def _async_context(client: AsyncBitgetClient) -> ssl.SSLContext:
    """The context of the pool httpx's AsyncHTTPTransport made for this event loop (inside a running one)."""
    transport = client._api.get_async_httpx_client()._transport._current()  # type: ignore[attr-defined]
    context: ssl.SSLContext = transport._pool._ssl_context
    return context


def test_clients_with_default_tls_share_one_context() -> None:
    with BitgetClient(**CREDS, base_url=URL) as a, BitgetClient(**CREDS, base_url=URL) as b:
        shared = _sync_context(a)
        assert _sync_context(b) is shared and shared.verify_mode == ssl.CERT_REQUIRED

    async def contexts() -> list[ssl.SSLContext]:
        async with AsyncBitgetClient(**CREDS, base_url=URL) as c, AsyncBitgetClient(**CREDS, base_url=URL) as d:
            return [_async_context(c), _async_context(d)]

    assert all(c is shared for c in asyncio.run(contexts()))


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_clients_own_verify_is_honoured(mode: str) -> None:
    """`verify=False` (or a CA file) in httpx_args reaches the pool: it was ignored by the sync client."""
    if mode == "sync":
        with BitgetClient(**CREDS, base_url=URL, httpx_args={"verify": False}) as client:
            context = _sync_context(client)
    else:

        async def made() -> ssl.SSLContext:
            async with AsyncBitgetClient(**CREDS, base_url=URL, httpx_args={"verify": False}) as client:
                return _async_context(client)

        context = asyncio.run(made())
    assert context.verify_mode == ssl.CERT_NONE


def test_a_changed_ca_bundle_variable_makes_a_new_context(monkeypatch: pytest.MonkeyPatch) -> None:
    import certifi

    from bitget_sdk._http.transport import default_ssl_context

    before = default_ssl_context()
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert default_ssl_context() is not before and default_ssl_context() is default_ssl_context()


def test_a_plain_http_client_loads_no_ca_bundle_and_would_fail_closed() -> None:
    """A client of a local mock never makes a TLS connection: no CA bundle is loaded for it (~25 ms
    of CPU per process), and the context it holds trusts no certificate at all."""
    with BitgetClient(**CREDS, base_url="http://127.0.0.1:9") as client:
        context = _sync_context(client)
    assert context.cert_store_stats()["x509_ca"] == 0 and context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
