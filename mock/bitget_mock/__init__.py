"""A strict, stateful mock of Bitget's spot batch cancel endpoint, for tests, demos and fuzzing.

Independent of the SDK (`bitget_sdk`) on purpose: it verifies signatures with its own code.
Names are imported on first use, so that `import bitget_mock` (e.g. by its pytest plugin, which
every install registers) works even where the `mock` extra is not installed, until a server is needed.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .accounts import DEMO_API_KEY, DEMO_PASSPHRASE, DEMO_SECRET_KEY, DEMO_UID, Account, account_from_env, demo_account

if TYPE_CHECKING:
    from .app import create_app
    from .exchange import MockExchange, Settings
    from .faults import FaultConfig
    from .server import MockServer

_LAZY = {
    "create_app": ".app",
    "MockExchange": ".exchange",
    "Settings": ".exchange",
    "FaultConfig": ".faults",
    "MockServer": ".server",
}

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
    "main",
]


# Top-level modules the `mock` extra brings.
_EXTRA_MODULES = frozenset(
    {"starlette", "uvicorn", "httptools", "jsonschema", "jsonschema_rs", "yaml", "referencing", "cryptography"}
)


def main(argv: Sequence[str] | None = None) -> int:
    """`bitget-mock`: a one-line hint with the install command when the `mock` extra is missing."""
    try:
        from .command import main as run
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] not in _EXTRA_MODULES:
            raise
        print(
            f"bitget-mock: the mock exchange needs the 'mock' extra (module {e.name!r} is missing): "
            "pip install 'bitget-batch-cancel[mock]'",
            file=sys.stderr,
        )
        return 2
    return run(list(argv) if argv is not None else None)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
