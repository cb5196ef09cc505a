"""What every channel shares: the delivery result, its error, and the backoff between tries."""

from __future__ import annotations

from dataclasses import dataclass

from pulse.errors import PulseError

MAX_DELAY = 30.0


@dataclass(frozen=True)
class Delivery:
    """A message the channel accepted, and how many tries it took."""

    attempts: int
    status: int


class DeliveryError(PulseError):
    """A channel did not accept the message (after its retries, or permanently)."""

    def __init__(self, message: str, attempts: int, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.attempts = attempts


def backoff_delay(
    attempt: int, base: float, retry_after: str | None = None, cap: float = MAX_DELAY
) -> float:
    """Seconds to wait after failed try ``attempt`` (1-based): base × 2^(attempt−1), capped.

    A ``Retry-After`` header in seconds (HTTP 429/503) is honoured up to the same cap.
    """
    if retry_after:
        try:
            return min(cap, max(0.0, float(retry_after)))
        except ValueError:
            pass  # an HTTP date: fall back to exponential backoff
    return min(cap, base * 2.0 ** (attempt - 1))
