"""Bitget spot batch cancel SDK: signing, validation, batching, rate limiting, retries and per-order reports
on top of the generated `bitget_api` client.

    from bitget_sdk import BitgetClient

    with BitgetClient.from_env() as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids)
        print(report)
"""

from .batching import Batch, OrderRef, collect_orders, plan_batches
from .client import DEFAULT_BASE_URL, AsyncBitgetClient, BitgetClient
from .credentials import Credentials
from .errors import (
    AuthenticationError,
    BatchValidationError,
    BitgetAPIError,
    BitgetError,
    BitgetTransportError,
    CancelAbortedError,
    ParameterError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TimestampError,
)
from .ratelimit import SlidingWindowLimiter
from .report import CancelReport, OrderOutcome
from .signing import BitgetAuth, Clock, HmacSigner, RsaSigner, prehash

__all__ = [
    "DEFAULT_BASE_URL",
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
    "Clock",
    "Credentials",
    "HmacSigner",
    "OrderOutcome",
    "OrderRef",
    "ParameterError",
    "PermissionDeniedError",
    "RateLimitError",
    "RsaSigner",
    "ServerError",
    "SlidingWindowLimiter",
    "TimestampError",
    "collect_orders",
    "plan_batches",
    "prehash",
]
