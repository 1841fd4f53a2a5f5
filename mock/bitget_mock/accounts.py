"""API accounts the mock knows: who may call it, and how their requests are verified."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

# Documented demo credentials (README): printed at start-up, used by the CLI's `demo`, never valid on Bitget.
DEMO_API_KEY = "bg_demo_key"
DEMO_SECRET_KEY = "demo-secret-key"
DEMO_PASSPHRASE = "demo-passphrase"
DEMO_UID = "1000000001"


@dataclass(frozen=True)
class Account:
    """One API key. HMAC accounts carry `secret_key`; RSA accounts carry `public_key_pem` instead.

    Secrets are excluded from `repr` so that an account can be logged or shown in a failed test.
    """

    api_key: str
    passphrase: str = field(repr=False)
    uid: str
    secret_key: str | None = field(default=None, repr=False)
    public_key_pem: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if (self.secret_key is None) == (self.public_key_pem is None):
            raise ValueError(f"account {self.api_key!r}: give exactly one of secret_key or public_key_pem")

    @property
    def key_type(self) -> str:
        return "HMAC" if self.secret_key is not None else "RSA"


def demo_account() -> Account:
    return Account(api_key=DEMO_API_KEY, secret_key=DEMO_SECRET_KEY, passphrase=DEMO_PASSPHRASE, uid=DEMO_UID)


def account_from_env(env: Mapping[str, str] | None = None) -> Account:
    """The default account: BITGET_API_KEY / BITGET_SECRET_KEY / BITGET_PASSPHRASE if all set, else the demo."""
    env = os.environ if env is None else env
    key, secret, passphrase = (env.get(n) for n in ("BITGET_API_KEY", "BITGET_SECRET_KEY", "BITGET_PASSPHRASE"))
    if key and secret and passphrase:
        return Account(api_key=key, secret_key=secret, passphrase=passphrase, uid=env.get("BITGET_UID", DEMO_UID))
    return demo_account()
