"""`client.with_raw_response.<operation>(...)`: the same calls, answered with the HTTP status, headers
and `requestTime` beside the parsed model (openai-python's pattern). Errors raise as usual, and carry
`.http_status`, `.headers` and `.request_time` themselves.

The methods are generated with the plain ones (`_surface`), checked by the same contract rules and
sent by the same runtime core; only what comes back differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

T = TypeVar("T")


@attrs.frozen
class RawResponse(Generic[T]):
    """An operation's answer with its HTTP details. `headers`: as received, any secret a server echoed
    scrubbed; `request_time`: the envelope's `requestTime` (the exchange's clock, ms); `attempts`: how
    many attempts the call made (retries included); `elapsed_s`: the last attempt's duration."""

    http_status: int
    headers: Mapping[str, str]
    parsed: T
    request_time: int | None
    attempts: int
    elapsed_s: float


def raw_response(
    parsed: Any, status: int | None, headers: Mapping[str, str], stamp: int | None, n: int, elapsed: float
) -> RawResponse[Any]:
    return RawResponse(status if status is not None else 200, headers, parsed, stamp, n, elapsed)
