"""API credentials. The secrets in them (passphrase, secret key, private key) are never shown by repr or str."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

import attrs


@attrs.frozen
class Credentials:
    """An API key with its passphrase and either an HMAC `secret_key` or an RSA `private_key` (PKCS#8 PEM)."""

    api_key: str
    passphrase: str = attrs.field(repr=False)
    secret_key: str | None = attrs.field(default=None, repr=False)
    private_key: str | None = attrs.field(default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        for name in ("api_key", "passphrase"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string")
            # Sent as a header: anything else would fail (or be mangled) at send time, after other batches.
            if not (value.isascii() and value.isprintable()):
                raise ValueError(f"{name} must be printable ASCII (it is sent as an HTTP header)")
        if (self.secret_key is None) == (self.private_key is None):
            raise ValueError("give exactly one of secret_key (HMAC keys) or private_key (RSA keys)")
        if self.secret_key is not None and (not isinstance(self.secret_key, str) or not self.secret_key):
            raise ValueError("secret_key must be a non-empty string")
        if self.private_key is not None and not isinstance(self.private_key, str):
            raise ValueError("private_key must be a PEM string")

    def redactor(self) -> Redactor:
        """What removes these secrets from anything a server sends back (some echo request headers)."""
        return Redactor(s for s in (self.passphrase, self.secret_key, self.private_key) if s)

    @property
    def key_type(self) -> str:
        return "HMAC" if self.secret_key is not None else "RSA"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Credentials:
        """BITGET_API_KEY, BITGET_PASSPHRASE and BITGET_SECRET_KEY (or BITGET_PRIVATE_KEY_FILE for RSA)."""
        env = os.environ if env is None else env
        missing = [n for n in ("BITGET_API_KEY", "BITGET_PASSPHRASE") if not env.get(n)]
        key_file = env.get("BITGET_PRIVATE_KEY_FILE")
        if not env.get("BITGET_SECRET_KEY") and not key_file:
            missing.append("BITGET_SECRET_KEY")
        if missing:
            raise ValueError(f"missing environment variables: {', '.join(missing)}")
        private_key = None
        if key_file and not env.get("BITGET_SECRET_KEY"):
            with open(key_file, encoding="utf-8") as f:
                private_key = f.read()
        return cls(
            api_key=env["BITGET_API_KEY"],
            passphrase=env["BITGET_PASSPHRASE"],
            secret_key=env.get("BITGET_SECRET_KEY") or None,
            private_key=private_key,
        )


_IDENTIFIERS = frozenset({"orderId", "clientOid"})


class Redactor:
    """Replaces secrets with `***` in what a server sent back, before any of it is shown or kept.

    Answers are redacted after they are decoded, value by value, never as raw bytes: a short or common
    secret must not corrupt the JSON around it. Keys and the order identifiers (`orderId`, `clientOid`:
    the caller's own data, echoed) are left alone, so that redaction never changes what an answer means.
    The raw bytes are only searched, which is cheap,
    so an answer without an echo costs one substring search per form. Forms: the secret itself and the
    escaped forms a JSON string would carry. Only the passphrase is ever sent (as a header), so only it
    can come back; the keys are listed anyway.
    """

    __slots__ = ("_bytes", "_text")

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            forms |= {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
        self._text = sorted((f for f in forms if f), key=len, reverse=True)
        self._bytes = [f.encode("utf-8", "surrogatepass") for f in self._text]

    def found_in(self, data: bytes) -> bool:
        return any(form in data for form in self._bytes)

    def redact(self, text: str) -> str:
        for form in self._text:
            if form in text:
                text = text.replace(form, "***")
        return text

    def scrub(self, payload: Any) -> Any:
        """Redact the string values of a decoded JSON value, in place; iterative, as JSON may be deep."""
        if isinstance(payload, str):
            return self.redact(payload)
        stack = [payload]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if isinstance(value, str):
                        if key not in _IDENTIFIERS:
                            node[key] = self.redact(value)
                    elif isinstance(value, dict | list):
                        stack.append(value)
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    if isinstance(value, str):
                        node[i] = self.redact(value)
                    elif isinstance(value, dict | list):
                        stack.append(value)
        return payload

    def __repr__(self) -> str:
        return f"Redactor(<{len(self._text)} forms>)"
