"""Bitget spot batch cancel SDK: the contract's operations (batch cancel, server time, order-state reads)
signed, limited, retried and classified by one runtime core on top of the generated `bitget_api`
package, and `cancel_orders` (validation, batching, per-order reports). Modules are private; this
namespace is the public surface.

    from bitget_sdk import BitgetClient

    with BitgetClient.from_env() as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
        print(report)
"""

from typing import TYPE_CHECKING, Any

from ._base_client import DEFAULT_BASE_URL
from ._core.batching import Batch, OrderItem, OrderRef, collect_orders, plan_batches
from ._core.credentials import Credentials
from ._core.errors import (
    AuthenticationError,
    BatchValidationError,
    BitgetAPIError,
    BitgetError,
    BitgetTransportError,
    CancelAbortedError,
    JournalError,
    ParameterError,
    PermissionDeniedError,
    RateLimitBackendError,
    RateLimitError,
    ServerError,
    TimestampError,
)
from ._core.params import ClientOptions, RequestOptions
from ._core.raw import RawResponse
from ._core.report import OUTCOME_FIELDS, CancelReport, OrderOutcome, RequestRecord
from ._core.signing import BitgetAuth, Clock, HmacSigner, RsaSigner, prehash
from ._limits.window import SlidingWindowLimiter
from ._runs.resume import journal_report
from ._sync.client import BitgetClient
from ._version import __version__

if TYPE_CHECKING:
    from ._async.client import AsyncBitgetClient


def __getattr__(name: str) -> Any:
    """`AsyncBitgetClient` is imported when first asked for: a blocking program (the CLI) does not pay
    for asyncio's side (anyio) before its first request."""
    if name == "AsyncBitgetClient":
        from ._async.client import AsyncBitgetClient

        return AsyncBitgetClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_BASE_URL",
    "OUTCOME_FIELDS",
    "AsyncBitgetClient",
    "AuthenticationError",
    "Batch",
    "BatchValidationError",
    "BitgetAPIError",
    "BitgetAuth",
    "BitgetClient",
    "BitgetError",
    "BitgetTransportError",
    "CancelAbortedError",
    "CancelReport",
    "ClientOptions",
    "Clock",
    "Credentials",
    "HmacSigner",
    "JournalError",
    "OrderItem",
    "OrderOutcome",
    "OrderRef",
    "ParameterError",
    "PermissionDeniedError",
    "RateLimitBackendError",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "RequestRecord",
    "RsaSigner",
    "ServerError",
    "SlidingWindowLimiter",
    "TimestampError",
    "__version__",
    "collect_orders",
    "journal_report",
    "plan_batches",
    "prehash",
]
