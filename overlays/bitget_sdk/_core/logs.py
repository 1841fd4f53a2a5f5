"""`BITGET_SDK_LOG=debug|info`: the SDK's log on stderr without a line of code (Stainless' `<NAME>_LOG`).

The SDK logs to the `bitget_sdk` logger and, like any library, adds no handler of its own unless asked:
with the variable set, the first client built adds one stderr handler to that logger at that level
(once per process: this is the one piece of process-wide state, and the variable asked for it).
What is logged is secret-free by construction: methods, paths, statuses, codes and redacted messages,
never headers or bodies. A value other than debug or info is a ValueError when a client is built.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping

ENV = "BITGET_SDK_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_lock = threading.Lock()
_handler: logging.Handler | None = None


def configure_logging(env: Mapping[str, str] | None = None) -> None:
    """Apply `BITGET_SDK_LOG` (read now, so a test or a launcher may set it late); idempotent."""
    global _handler
    value = (os.environ if env is None else env).get(ENV, "").strip().lower()
    if not value:
        return
    if value not in LEVELS:
        raise ValueError(f"{ENV} must be one of {', '.join(LEVELS)}, not {value!r}")
    logger = logging.getLogger("bitget_sdk")
    with _lock:
        if _handler is None:
            _handler = logging.StreamHandler(sys.stderr)
            _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            logger.addHandler(_handler)
        logger.setLevel(LEVELS[value])
