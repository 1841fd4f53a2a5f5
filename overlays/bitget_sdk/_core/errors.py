"""The SDK's exceptions, and the mapping from Bitget's error codes to them.

The code table is read from the contract's `x-error-codes` (generated into `bitget_api.facts`):
callers catch a class (`except AuthenticationError`) instead of comparing code strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from bitget_api import facts

if TYPE_CHECKING:
    from .report import CancelReport


class BitgetError(Exception):
    """Base of every exception this SDK raises.

    `report` is set when the exception ended a `cancel_orders` run: it accounts for every order given
    (cancelled, failed, or unknown), so nothing is lost whatever stopped the run. `BatchValidationError`,
    raised before any I/O, is the one exception that never carries a report.
    """

    report: CancelReport | None = None


class BatchValidationError(BitgetError, ValueError):
    """Input Bitget would reject, caught before any network I/O. Names the field and the order."""

    def __init__(self, field: str, message: str, index: int | None = None) -> None:
        self.field = field
        self.index = index
        self.message = message
        super().__init__(f"{field}: {message}")


class BitgetAPIError(BitgetError):
    """Bitget answered with an error envelope (or an HTTP error status).

    `code` and `msg` are the envelope's; `http_status` the HTTP status; `request_time` the envelope's
    `requestTime` (the exchange's clock when it took the request: what Bitget's support asks for);
    `headers` the answer's HTTP headers (with any secret the server echoed scrubbed), e.g. Retry-After.
    """

    headers: Mapping[str, str] = MappingProxyType({})

    def __init__(
        self,
        code: str,
        msg: str,
        http_status: int,
        request_time: int | str | None = None,
        *,
        report: CancelReport | None = None,
    ) -> None:
        self.code = code
        self.msg = msg
        self.http_status = http_status
        self.request_time = request_time
        if report is not None:
            self.report = report
        super().__init__(f"Bitget error {code} (HTTP {http_status}): {msg}")


class AuthenticationError(BitgetAPIError):
    """Missing or wrong API key, passphrase or signature (40001-40003, 40006, 40009-40012, 40037)."""


class TimestampError(BitgetAPIError):
    """ACCESS-TIMESTAMP missing, malformed, or outside the server's window: sync the clock (40004/40005/40008)."""


class PermissionDeniedError(BitgetAPIError):
    """The key lacks the permission or is bound to other IPs (40014, 40018)."""


class ParameterError(BitgetAPIError):
    """The server rejected the request's parameters (40007, 40017, 40019, 40020, 40808...)."""


class RateLimitError(BitgetAPIError):
    """HTTP 429: more than 10 requests per second for this UID. Retried automatically before raised."""


class ServerError(BitgetAPIError):
    """HTTP 5xx: the outcome of the request is unknown. Retried automatically before raised."""


class BitgetTransportError(BitgetError):
    """The request could not be completed on the network (connect failure, timeout, dropped connection).

    `sent` says whether the request may have reached the exchange (its effect is then unknown).
    """

    def __init__(self, message: str, *, sent: bool, method: str, url: str) -> None:
        self.sent = sent
        self.method = method
        self.url = url
        super().__init__(f"{method} {url}: {message}")


class CancelAbortedError(BitgetError):
    """A `cancel_orders` run stopped on something other than an answer from Bitget: an exception in a
    callback (`on_progress`), or a bug. The original exception is chained (`__cause__`); `.report`
    accounts for every order: batches never sent are `failed` ("not sent"), batches in flight `unknown`.
    """


class JournalError(BitgetError):
    """A run's journal cannot be used: missing, not a journal, already there for a new run, or written
    for another API key / UID or contract version."""


class RateLimitBackendError(BitgetError):
    """The shared rate limit backend (`rate_limit_backend`, Redis) cannot be reached when a client is
    built. (Lost later, mid-run, it is not an error: the client falls back to its local share.)"""


# code -> class, from the contract's `x-error-codes` categories (bitget_api.facts, generated);
# anything else 4xx is a ParameterError, 5xx a ServerError, 429 a RateLimitError.
_BY_CATEGORY: dict[str, type[BitgetAPIError]] = {
    "authentication": AuthenticationError,
    "timestamp": TimestampError,
    "permission": PermissionDeniedError,
    "parameter": ParameterError,
    "rate-limit": RateLimitError,
    "server": ServerError,
}
ERROR_CLASSES: dict[str, type[BitgetAPIError]] = {
    code: _BY_CATEGORY[category] for code, category, _ in facts.ERROR_CODES if category in _BY_CATEGORY
}


def error_class(code: str, http_status: int) -> type[BitgetAPIError]:
    if http_status == 429:
        return RateLimitError
    if http_status >= 500:
        return ServerError
    if code in ERROR_CLASSES:
        return ERROR_CLASSES[code]
    # A status with no Bitget code (a proxy or gateway answered): classify by the status alone.
    by_status = {401: AuthenticationError, 403: PermissionDeniedError}
    return by_status.get(http_status, ParameterError if http_status >= 400 else BitgetAPIError)
