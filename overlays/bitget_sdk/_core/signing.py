"""Request signing: `base64(HMAC-SHA256 | SHA256withRSA (timestamp + METHOD + path[?query] + body))`.

`BitgetAuth` is an `httpx.Auth`, so it signs the request httpx is about to send, bytes and all:
whatever JSON spacing or key order produced the body, the signature covers exactly those bytes.
httpx runs the auth flow once per `send`, so every retry is signed again with a fresh timestamp. The
SDK's clients call `headers_for` themselves on the bytes they send, once per attempt (see `_wire`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Generator
from typing import Any, Protocol
from urllib.parse import unquote_plus

import httpx

from .credentials import Credentials

# The headers `BitgetAuth` sets on each request (lower case).
SIGNED_HEADERS = ("access-key", "access-sign", "access-timestamp", "access-passphrase")


def signed_target(raw_path: bytes) -> bytes:
    """The path and query as Bitget verifies them: the path as sent, the query's pairs in the order sent
    with each key and value percent-decoded (UTF-8; `+` is a space, as the server form-decodes it).
    Signing the encoded form is refused for any value it changes (ccxt#28888, JKorf/Bitget.Net#48)."""
    path, sep, query = raw_path.partition(b"?")
    if not query or (b"%" not in query and b"+" not in query):
        return raw_path  # nothing to decode: the common case costs nothing
    pairs = []
    for part in query.decode("utf-8").split("&"):  # as sent it is ASCII; a caller's own path may not be
        key, eq, value = part.partition("=")
        pairs.append(unquote_plus(key) + eq + unquote_plus(value))
    return path + sep + "&".join(pairs).encode("utf-8")


def prehash(timestamp: str, method: str, request_path: str | bytes, body: bytes = b"") -> bytes:
    """The signed message. `request_path`: the path and `?query` exactly as sent (percent-encoded); the
    query is signed decoded (`signed_target`)."""
    path = request_path.encode() if isinstance(request_path, str) else request_path
    return timestamp.encode("ascii") + method.upper().encode("ascii") + signed_target(path) + body


class Signer(Protocol):
    def sign(self, message: bytes) -> str: ...


class HmacSigner:
    __slots__ = ("_key",)

    def __init__(self, secret_key: str) -> None:
        self._key = secret_key.encode()

    def sign(self, message: bytes) -> str:
        return base64.b64encode(hmac.new(self._key, message, hashlib.sha256).digest()).decode("ascii")

    def __repr__(self) -> str:
        return "HmacSigner(<secret>)"


class RsaSigner:
    """SHA256withRSA (RSASSA-PKCS1-v1_5) with a PKCS#8 PEM key; needs the `rsa` extra (cryptography)."""

    __slots__ = ("_key",)

    def __init__(self, private_key_pem: str) -> None:
        try:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa
        except ImportError as e:  # pragma: no cover - depends on the install
            raise ImportError("RSA keys need the 'rsa' extra: pip install 'bitget-batch-cancel[rsa]'") from e
        try:
            key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        except (ValueError, TypeError):
            # Never chain the parser's exception: its text could quote the key material.
            raise ValueError("private_key is not a PEM-encoded, unencrypted PKCS#8 RSA private key") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("private_key is not an RSA key")
        self._key = key

    def sign(self, message: bytes) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return base64.b64encode(self._key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")

    def __repr__(self) -> str:
        return "RsaSigner(<private key>)"


def signer_for(credentials: Credentials) -> Signer:
    if credentials.secret_key is not None:
        return HmacSigner(credentials.secret_key)
    assert credentials.private_key is not None
    return RsaSigner(credentials.private_key)


class Clock:
    """Milliseconds since the epoch as the server sees them: local time plus a measured or configured offset."""

    def __init__(self, offset_ms: int = 0, now: Callable[[], float] | None = None) -> None:
        self.offset_ms = offset_ms
        # None: `time.time` looked up at each call, not bound here, so a test's patched clock
        # (monkeypatch, freezegun) is the one signed with.
        self._now = now

    def ms(self) -> int:
        return int((self._now or time.time)() * 1000) + self.offset_ms

    def __repr__(self) -> str:
        return f"Clock(offset_ms={self.offset_ms})"


class BitgetAuth(httpx.Auth):
    """Adds ACCESS-KEY, ACCESS-SIGN, ACCESS-TIMESTAMP and ACCESS-PASSPHRASE to each request it sends."""

    requires_request_body = True

    def __init__(self, credentials: Credentials, clock: Clock | None = None) -> None:
        self._api_key = credentials.api_key
        self._passphrase = credentials.passphrase
        self._signer = signer_for(credentials)
        self.clock = clock or Clock()

    def headers_for(self, method: str, raw_path: bytes, body: bytes) -> dict[str, str]:
        ts = str(self.clock.ms())
        return {
            "ACCESS-KEY": self._api_key,
            "ACCESS-SIGN": self._signer.sign(prehash(ts, method, raw_path, body)),
            "ACCESS-TIMESTAMP": ts,
            "ACCESS-PASSPHRASE": self._passphrase,
        }

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(self.headers_for(request.method, request.url.raw_path, request.content))
        yield request

    def __repr__(self) -> str:
        return f"BitgetAuth(api_key={self._api_key!r}, signer={self._signer!r}, clock={self.clock!r})"

    def __getstate__(self) -> Any:
        raise TypeError("BitgetAuth holds secrets and cannot be pickled")
