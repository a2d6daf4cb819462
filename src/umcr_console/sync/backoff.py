"""Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").

The n-th retry waits a uniformly random time in [0, min(cap, base * 2**n)].
Full jitter spreads twenty consoles that lost the server at the same instant
over the whole window, so they do not come back as one stampede.
"""

from __future__ import annotations

import random


class Backoff:
    def __init__(
        self, base: float = 0.25, cap: float = 15.0, rng: random.Random | None = None
    ) -> None:
        if base <= 0 or cap < base:
            raise ValueError("need 0 < base <= cap")
        self.base = base
        self.cap = cap
        self.rng = rng or random.Random()
        self.attempt = 0

    def ceiling(self) -> float:
        """The longest wait of the next retry."""
        return min(self.cap, self.base * 2.0 ** min(self.attempt, 62))

    def next_delay(self) -> float:
        """The wait before the next retry; each call widens the window."""
        delay = self.rng.uniform(0, self.ceiling())
        self.attempt += 1
        return delay

    def reset(self) -> None:
        """After a success: the next failure starts from ``base`` again."""
        self.attempt = 0
