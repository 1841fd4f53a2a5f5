"""Injected faults for reliability tests (`POST /mock/faults`), chosen by a seeded RNG."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class FaultConfig:
    error_rate: float = 0.0  # answered 5xx BEFORE anything is cancelled
    drop_rate: float = 0.0  # connection dropped AFTER the cancels took effect
    delay_rate: float = 0.0  # answered only after delay_ms, cancels already applied
    delay_ms: int = 0
    throttle_rate: float = 0.0  # answered 429 whatever the limiter says
    throttle_burst: int = 1  # a throttle lasts this many requests in a row
    error_status: int = 503
    seed: int | None = None
    fill_rate: float = 0.0  # each live order a valid cancel targets is filled just before the cancel
    read_lag_ms: int = 0  # state changes reach the read endpoints only after this long
    read_error_rate: float = 0.0  # reads answered 5xx (error_status)

    @classmethod
    def from_json(cls, data: Any) -> FaultConfig:
        if not isinstance(data, dict):
            raise ValueError("faults must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}; known: {sorted(known)}")
        cfg = cls(**data)
        for name in ("error_rate", "drop_rate", "delay_rate", "throttle_rate", "fill_rate", "read_error_rate"):
            value = getattr(cfg, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number from 0 to 1")
        for name in ("delay_ms", "read_lag_ms"):
            value = getattr(cfg, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 120_000:
                raise ValueError(f"{name} must be an integer from 0 to 120000")
        if (
            not isinstance(cfg.throttle_burst, int)
            or isinstance(cfg.throttle_burst, bool)
            or not 1 <= cfg.throttle_burst <= 1000
        ):
            raise ValueError("throttle_burst must be an integer from 1 to 1000")
        if cfg.error_status not in (500, 502, 503, 504):
            raise ValueError("error_status must be one of 500, 502, 503, 504")
        if cfg.seed is not None and (not isinstance(cfg.seed, int) or isinstance(cfg.seed, bool)):
            raise ValueError("seed must be an integer")
        return cfg

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    error: bool = False
    drop: bool = False
    delay: bool = False
    throttle: bool = False


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.config = FaultConfig()
        self._rng = random.Random(0)
        self.counts = {"error": 0, "drop": 0, "delay": 0, "throttle": 0, "fill": 0, "read_error": 0}
        self._side_rng = random.Random(1)
        self._burst_left = 0

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
            # Fills and read errors draw from their own generator, so enabling them leaves the cancel faults'
            # sequence (and a seeded chaos run's injected counts) unchanged.
            self._side_rng = random.Random(None if config.seed is None else config.seed + 1)
            self.counts = dict.fromkeys(self.counts, 0)
            self._burst_left = 0

    def decide(self) -> Decision:
        """At most one fault per request (throttle, then error, then drop, then delay), counted when chosen.

        All four draws are made every time, so a seed gives the same sequence for the same traffic.
        """
        with self._lock:
            c, r = self.config, self._rng
            if self._burst_left > 0:
                self._burst_left -= 1
                self.counts["throttle"] += 1
                return Decision(throttle=True)
            draws = [r.random() < c.throttle_rate, r.random() < c.error_rate]
            draws += [r.random() < c.drop_rate, r.random() < c.delay_rate]
            for name, hit in zip(("throttle", "error", "drop", "delay"), draws, strict=True):
                if hit:
                    self.counts[name] += 1
                    if name == "throttle":
                        self._burst_left = c.throttle_burst - 1
                    return Decision(**{name: True})
            return Decision()

    def fill_first(self) -> bool:
        """Whether a live order a cancel targets is filled just before the cancel (`fill_rate`)."""
        with self._lock:
            if self.config.fill_rate and self._side_rng.random() < self.config.fill_rate:
                self.counts["fill"] += 1
                return True
            return False

    def read_error(self) -> bool:
        """Whether a read is answered 5xx (`read_error_rate`)."""
        with self._lock:
            if self.config.read_error_rate and self._side_rng.random() < self.config.read_error_rate:
                self.counts["read_error"] += 1
                return True
            return False

    def read_view_ms(self) -> int | None:
        """The time a read sees the book at (now - `read_lag_ms`), or None for now."""
        lag = self.config.read_lag_ms
        return None if not lag else int(time.time() * 1000) - lag
