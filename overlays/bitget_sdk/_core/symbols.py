"""Which symbols the exchange lists (getSymbols), and the refusal of a run naming one it does not.

A symbol Bitget does not list has no orders: a cancel for `btcusdt` (Bitget's symbols are upper
case) answers every order "does not exist", and a cancel-all for it lists nothing and reports success
while the real BTCUSDT orders stay open. So a run naming an unlisted symbol is refused before any
cancel, with the listed symbols closest to it. Sans-I/O: the client reads the list (`SymbolCache`
keeps it a while) and these functions judge.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable, Sequence
from collections.abc import Set as AbstractSet

from .batching import Batch
from .errors import BatchValidationError

# A listing changes rarely (a new pair, a delisting): read once per this many seconds per client.
SYMBOLS_TTL_S = 300.0
# How long a run waits for the list before it goes on unchecked (one try, no retry).
SYMBOLS_WAIT_S = 3.0


class SymbolCache:
    """The last symbol list read and when, and the symbols read one by one (a run naming one symbol asks
    for that one) and when; shared by a client and the clients `with_options` makes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listed: frozenset[str] | None = None
        self._read_at = 0.0
        self._seen: dict[str, float] = {}

    def get(self) -> frozenset[str] | None:
        with self._lock:
            fresh = self._listed is not None and time.monotonic() - self._read_at < SYMBOLS_TTL_S
            return self._listed if fresh else None

    def listed(self, symbol: str) -> bool:
        """Whether `symbol` was read as listed, alone, within the TTL."""
        with self._lock:
            return time.monotonic() - self._seen.get(symbol, -SYMBOLS_TTL_S) < SYMBOLS_TTL_S

    def saw(self, symbol: str) -> None:
        with self._lock:
            self._seen[symbol] = time.monotonic()

    def put(self, listed: Iterable[str]) -> frozenset[str] | None:
        """Keep a list read; an empty one (an exchange listing nothing is broken, not informative) is
        not kept and refuses nothing (None)."""
        symbols = frozenset(listed)
        if not symbols:
            return None
        with self._lock:
            self._listed, self._read_at = symbols, time.monotonic()
        return symbols


def close_matches(symbol: str, listed: Collection[str]) -> list[str]:
    """Up to three listed symbols like `symbol`: its own letters in upper case without a separator
    (`btcusdt`, `BTC/USDT`) alone if listed, else the most alike (`BTCUSD`: BTCUSDT)."""
    plain = "".join(c for c in symbol.upper() if c.isalnum())
    if plain in listed:
        return [plain]
    import difflib  # only for a refusal's suggestions, never on a run's way to its first request

    return difflib.get_close_matches(plain, listed, n=3, cutoff=0.8)


def refusal(symbol: str, listed: Collection[str], field: str, index: int | None = None) -> BatchValidationError:
    hint = close_matches(symbol, listed)
    closest = f" (closest listed: {', '.join(hint)})" if hint else ""
    message = f"{symbol!r} is not a spot symbol the exchange lists{closest}; nothing was sent"
    return BatchValidationError(field, message, index)


def check_names(symbols: Sequence[str], listed: Collection[str], field: str = "symbols") -> None:
    """Refuse the first of `symbols` not listed, as `field[i]`."""
    for i, symbol in enumerate(symbols):
        if symbol not in listed:
            raise refusal(symbol, listed, f"{field}[{i}]", i)


def first_unlisted(batches: Sequence[Batch], listed: AbstractSet[str]) -> tuple[str, int] | None:
    """The unlisted symbol that comes first in the input, with the input position of its first order."""
    first: dict[str, int] = {}
    for batch in batches:
        if batch.symbols <= listed:
            continue
        for order in batch.orders:
            if order.symbol not in listed and order.position < first.get(order.symbol, order.position + 1):
                first[order.symbol] = order.position
    if not first:
        return None
    symbol = min(first, key=first.__getitem__)
    return symbol, first[symbol]
