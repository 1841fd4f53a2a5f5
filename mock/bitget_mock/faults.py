"""Injected faults for reliability tests (`POST /mock/faults`), chosen by a seeded RNG."""

from __future__ import annotations

import random
import threading
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

    @classmethod
    def from_json(cls, data: Any) -> FaultConfig:
        if not isinstance(data, dict):
            raise ValueError("faults must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}; known: {sorted(known)}")
        cfg = cls(**data)
        for name in ("error_rate", "drop_rate", "delay_rate", "throttle_rate"):
            value = getattr(cfg, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number from 0 to 1")
        if not isinstance(cfg.delay_ms, int) or isinstance(cfg.delay_ms, bool) or not 0 <= cfg.delay_ms <= 120_000:
            raise ValueError("delay_ms must be an integer from 0 to 120000")
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
        self.counts = {"error": 0, "drop": 0, "delay": 0, "throttle": 0}
        self._burst_left = 0

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
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
