"""The mock exchange's state and settings, independent of HTTP so tests can reach into it."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .accounts import Account, account_from_env
from .contract import Contract
from .faults import Faults
from .orders import OrderBook
from .plans import PlanBook
from .ratelimit import IpCap, SlidingWindowLimiter

DEFAULT_SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "BGBUSDT", "DOGEUSDT", "LTCUSDT", "TRXUSDT", "ETHBTC")


@dataclass
class Settings:
    # Batch cancels per second per UID; None = the contract's x-rate-limit; 0 = every limit off.
    # The other operations always use the contract's own x-rate-limit (unless 0).
    rate_limit: int | None = None
    timestamp_window_ms: int = 30_000
    # Bitget answers auth failures with 400; 401 is "conformance mode" for fuzzers that expect 401/403.
    auth_error_status: int = 400
    max_body_bytes: int = 1 << 20
    # Bitget's orderInfo finds an order by clientOid only while it is unfilled; False finds every status.
    client_oid_lookup_unfilled_only: bool = True
    # cancel-symbol-order is asynchronous on Bitget: the symbol's orders are cancelled this long after the answer.
    cancel_symbol_delay_ms: int = 300
    # Seeded orders are the exchange's state for the rest of a run: with this, each seeding moves every
    # object alive out of the garbage collector's way (gc.freeze), and a reset gives them back. 100,000
    # orders made each full collection ~140 ms, and one mid-run held every request that long. It
    # freezes the whole process's objects, so only `bitget-mock`, a process of its own, sets it.
    freeze_seeded_orders: bool = False
    # The overall cap per IP address (the contract's top-level x-rate-limit: 6,000 requests a minute of
    # every endpoint, then 429 to everything from that address for 5 minutes). Each None = the contract's;
    # ip_rate_limit=0 turns it off, and so does rate_limit=0 (every limit off) unless ip_rate_limit is given.
    ip_rate_limit: int | None = None
    ip_rate_window_ms: int | None = None
    ip_penalty_ms: int | None = None
    # Each address's last this many counted arrivals are kept (`MockExchange.ip_cap.arrivals(ip)`): tests
    # check every window of them. 0 keeps none.
    ip_arrival_record: int = 100_000
    # The spot symbols getSymbols lists (with those of every order seeded): a cancel for a symbol not
    # listed is refused by clients before it is sent.
    symbols: tuple[str, ...] = DEFAULT_SYMBOLS


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    statuses: Counter[int] = field(default_factory=Counter)
    requests: int = 0
    by_path: dict[str, Counter[int]] = field(default_factory=dict)
    user_agents: Counter[str] = field(default_factory=Counter)

    def record(self, status: int, path: str | None = None, user_agent: str | None = None) -> None:
        """One request to the exchange's API (control routes under /mock/ count in `requests` only)."""
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            if path is not None and not path.startswith("/mock/"):
                self.by_path.setdefault(path, Counter())[status] += 1
                self.user_agents[(user_agent or "(none)")[:200]] += 1

    def count(self, status: int) -> int:
        with self.lock:
            return self.statuses[status]

    def as_dict(self) -> dict[str, object]:
        with self.lock:
            return {
                "requests": self.requests,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "byPath": {
                    path: {str(k): v for k, v in sorted(counts.items())}
                    for path, counts in sorted(self.by_path.items())
                },
                "userAgents": dict(self.user_agents.most_common(20)),
            }


class MockExchange:
    def __init__(self, accounts: Iterable[Account] | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        if self.settings.auth_error_status not in (400, 401):
            raise ValueError("auth_error_status must be 400 (Bitget) or 401 (conformance mode)")
        accounts = list(accounts) if accounts is not None else [account_from_env()]
        if not accounts:
            raise ValueError("the mock needs at least one account")
        self.accounts = {a.api_key: a for a in accounts}
        self.default_account = accounts[0]
        self.contract = Contract()
        self.limiters: dict[str, SlidingWindowLimiter] = {}
        for op in self.contract.operations.values():
            limit = op.rate_limit
            if self.settings.rate_limit == 0 or (self.settings.rate_limit is not None and op.id == "batchCancelOrders"):
                limit = self.settings.rate_limit
            self.limiters[op.id] = SlidingWindowLimiter(limit, window_s=op.rate_window_s)
        self.ip_cap = self._ip_cap()
        self.orders = OrderBook()
        self.plans = PlanBook(self.orders)
        self.faults = Faults()
        self.stats = Stats()

    def _ip_cap(self) -> IpCap:
        """The per-IP cap: the contract's, with the settings' overrides."""
        s, cap = self.settings, self.contract.ip_rate_limit
        for name, least in (
            ("ip_rate_limit", 0),
            ("ip_rate_window_ms", 1),
            ("ip_penalty_ms", 0),
            ("ip_arrival_record", 0),
        ):
            value = getattr(s, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):
                raise ValueError(f"{name} must be an integer >= {least}, not {value!r}")
        limit = s.ip_rate_limit
        if limit is None:
            limit = 0 if s.rate_limit == 0 else cap.limit
        return IpCap(
            limit,
            cap.window_s if s.ip_rate_window_ms is None else s.ip_rate_window_ms / 1000,
            cap.penalty_s if s.ip_penalty_ms is None else s.ip_penalty_ms / 1000,
            record=s.ip_arrival_record,
        )

    def account_for(self, api_key: str | None) -> Account | None:
        return self.default_account if api_key is None else self.accounts.get(api_key)

    def reset(self) -> None:
        self.orders.reset()
        self.plans.reset()
        for limiter in self.limiters.values():
            limiter.reset()
        self.ip_cap.reset()
        self.faults = Faults()
        self.stats = Stats()
