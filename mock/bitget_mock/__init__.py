"""A strict, stateful mock of Bitget's spot batch cancel endpoint, for tests, demos and fuzzing.

Independent of the SDK (`bitget_sdk`) on purpose: it verifies signatures with its own code.
"""

from .accounts import (
    DEMO_API_KEY,
    DEMO_PASSPHRASE,
    DEMO_SECRET_KEY,
    DEMO_UID,
    Account,
    account_from_env,
    demo_account,
)
from .app import create_app
from .exchange import MockExchange, Settings
from .faults import FaultConfig
from .server import MockServer

__all__ = [
    "DEMO_API_KEY",
    "DEMO_PASSPHRASE",
    "DEMO_SECRET_KEY",
    "DEMO_UID",
    "Account",
    "FaultConfig",
    "MockExchange",
    "MockServer",
    "Settings",
    "account_from_env",
    "create_app",
    "demo_account",
]
