"""One request on the wire: prepared once per call, signed per attempt, handed to the httpx client's transport.

Why not `httpx.Client.send`: around the transport it spends ~150 µs of CPU per request on this
project's machines (URL merging, the auth generator, the redirect loop, the cookie jar, a log line),
more than half of what the SDK itself costs per 50-order call, and the reason a process cancelling on
20 sub-accounts at once ran out of CPU before it ran out of budget. What the client layer does that a
signed Bitget call needs is done here once per call instead: the URL is merged by the client itself
(`build_request`, once per operation), the headers are the client's defaults merged with ours, the body
is encoded once, the transport is the client's one (the SDK's default, with its proxy, or the caller's
`transport=`; with the caller's `mounts=`, the httpx client's public `send` picks the mount).
The client's request and response event hooks run as `send` runs them (the README's metrics recipe).
What is dropped is what the API does not use: cookies (Bitget sets none; a hostile server's would not be
sent back), redirects (never followed anyway) and httpx's own INFO log line per request.

The signature covers exactly the bytes sent: the body encoded here and the path and query of the URL
the request goes to. Each attempt is signed again, with a fresh timestamp.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from .._core.signing import SIGNED_HEADERS, BitgetAuth


class Prepared:
    """One call's request, everything but the signature (see `request`)."""

    __slots__ = ("auth", "body", "extensions", "headers", "method", "raw_path", "url")

    def __init__(
        self,
        method: str,
        url: httpx.URL,
        body: bytes,
        headers: list[tuple[str, str]],
        extensions: dict[str, Any],
        auth: BitgetAuth | None,
    ) -> None:
        self.method = method
        self.url = url
        self.raw_path = url.raw_path
        self.body = body
        self.headers = headers
        self.extensions = extensions
        self.auth = auth

    def request(self, trace: Callable[[str, dict[str, Any]], Any] | None = None) -> httpx.Request:
        """The attempt's request, signed now (an unsigned operation has no `auth`). `trace`: an httpx
        `trace` extension to hear the transport's steps (the limiter's permit, to learn when the request
        was written and when the answer's headers came in)."""
        headers = self.headers
        auth = self.auth
        if auth is not None:
            headers = headers + list(auth.headers_for(self.method, self.raw_path, self.body).items())
        # A copy: event hooks may write to it (the README's latency recipe does).
        extensions = dict(self.extensions)
        if trace is not None:
            extensions["trace"] = trace
        return httpx.Request(self.method, self.url, content=self.body or None, headers=headers, extensions=extensions)

    def __repr__(self) -> str:
        return f"Prepared({self.method} {self.url})"


def query_string(params: Mapping[str, Any]) -> str:
    """The query as sent: parameters sorted by name (the contract's `x-signing`), every character but
    `A-Z a-z 0-9 - _ . ~` percent-encoded as UTF-8, a space as `%20` (not `+`, which a server that does
    not form-decode would read as a plus). The signature is over the same pairs decoded."""
    return "&".join(
        f"{quote(str(k), safe=_UNRESERVED)}={quote(_text(v), safe=_UNRESERVED)}" for k, v in sorted(params.items())
    )


_UNRESERVED = "-_.~"


def _text(value: Any) -> str:
    # As httpx renders query values: booleans in lower case, None as empty.
    if value is True or value is False:
        return "true" if value else "false"
    return "" if value is None else str(value)


# One encoder for every body: `json.dumps` with options makes a new JSONEncoder on each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode_body(value: Any) -> bytes:
    """JSON as httpx 0.28 encodes `json=`: compact, UTF-8, no NaN (the contract has no floats to send)."""
    return _ENCODER.encode(value).encode("utf-8")


class Wire:
    """The parts of one httpx client that requests of every operation share (one per SDK client and
    its derived clients: they share the httpx client)."""

    def __init__(self, http: httpx.Client | httpx.AsyncClient, transport: Any = None) -> None:
        """`transport`: the one every request goes through (the client's default, or the caller's
        `transport=`); None: the caller gave `mounts=`, and the httpx client's `send` picks the mount."""
        self.http = http
        self._urls: dict[tuple[str, str], httpx.URL] = {}
        self._transport = transport

    def url(self, method: str, path: str, params: Mapping[str, Any] | None) -> httpx.URL:
        """`path` merged into the client's base URL exactly as the client merges it, then the query
        (`query_string`)."""
        key = (method, path)
        url = self._urls.get(key)
        if url is None:
            url = self._urls[key] = self.http.build_request(method, path).url
        return url.copy_with(query=query_string(params).encode("ascii")) if params else url

    def headers(self, own: Mapping[str, str], extra: Mapping[str, str], signed: bool = False) -> list[tuple[str, str]]:
        """The client's default headers, then `own` (the client's), then `extra` (the operation's),
        case-insensitively, later ones winning: as httpx merges them. For a signed request, without the
        signer's headers (the generated client's own ACCESS-KEY among them), which each attempt adds."""
        merged = {
            k.decode("latin-1").lower(): (k.decode("latin-1"), v.decode("latin-1")) for k, v in self.http.headers.raw
        }
        for source in (own, extra):
            for k, v in source.items():
                merged[k.lower()] = (k, v)
        if signed:
            for name in SIGNED_HEADERS:
                merged.pop(name, None)
        return list(merged.values())

    def _check_open(self) -> None:
        if self.http.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")

    def send(self, request: httpx.Request) -> httpx.Response:
        """`request` through the client's transport and event hooks; the caller reads and closes the answer."""
        http = self.http
        assert isinstance(http, httpx.Client)
        self._check_open()
        if self._transport is None:
            return http.send(request, stream=True)  # mounts, hooks and the signer (afresh) by httpx itself
        hooks = http.event_hooks
        for hook in hooks["request"]:
            hook(request)
        response: httpx.Response = self._transport.handle_request(request)
        response.request = request
        try:
            for hook in hooks["response"]:
                hook(response)
        except BaseException:
            response.close()
            raise
        return response

    async def asend(self, request: httpx.Request) -> httpx.Response:
        """`send` for an `httpx.AsyncClient`."""
        http = self.http
        assert isinstance(http, httpx.AsyncClient)
        self._check_open()
        if self._transport is None:
            return await http.send(request, stream=True)
        hooks = http.event_hooks
        for hook in hooks["request"]:
            await hook(request)
        response: httpx.Response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            for hook in hooks["response"]:
                await hook(response)
        except BaseException:
            await response.aclose()
            raise
        return response
