"""What one demo run is: profile, size, seed and calendar, plus its random streams.

Every random draw comes from a stream keyed by (seed, profile, chunk, purpose), so a run is
reproducible and changing one part of the generator does not reshuffle the others.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np

from pulse.demo.calendar import Floats, Ints, day_number, is_month_end, month_number, month_start
from pulse.demo.profiles import Shape
from pulse.errors import PulseError

WINDOW_MONTHS = 30
CHUNK_OPPORTUNITIES = 200_000
NO_DAY = np.iinfo(np.int64).max // 4

# How deal flow varies over the year (January first); scaled by the shape's seasonality.
SEASON = np.array([-0.1, 0.0, 0.15, 0.0, 0.0, 0.1, -0.3, -0.3, 0.2, 0.2, 0.15, -0.4])


class DemoError(PulseError):
    """A demo run was asked for something it cannot generate."""


@dataclass(frozen=True)
class Plan:
    """The fixed facts of one run; everything else is drawn from :meth:`rng`."""

    profile_id: str
    shape: Shape
    stages: tuple[str, ...]
    opportunities: int
    seed: int
    anchor: int
    end_month: int
    window_start_month: int
    create_start_month: int

    @classmethod
    def make(
        cls, shape: Shape, stages: tuple[str, ...], opportunities: int, seed: int, anchor: date
    ) -> Plan:
        """Validate the inputs and lay out the calendar."""
        if opportunities < 1:
            raise DemoError(f"--opportunities must be at least 1, got {opportunities}")
        if not is_month_end(anchor):
            raise DemoError(
                f"the anchor must be the last day of a month, got {anchor.isoformat()}",
                hint="use a month end such as 2025-06-30 (the default is the end of last month)",
            )
        if len(stages) < 3:
            raise DemoError(f"profile '{shape.id}' needs at least 3 stages, got {list(stages)}")
        end = month_number(anchor)
        start = end - WINDOW_MONTHS + 1
        return cls(
            profile_id=shape.id,
            shape=shape,
            stages=stages,
            opportunities=opportunities,
            seed=seed,
            anchor=day_number(anchor),
            end_month=end,
            window_start_month=start,
            create_start_month=start - shape.warmup_months,
        )

    def rng(self, purpose: str, chunk: int = -1) -> np.random.Generator:
        """The random stream for one purpose (and chunk)."""
        key = [
            self.seed,
            zlib.crc32(self.profile_id.encode()),
            chunk + 1,
            zlib.crc32(purpose.encode()),
        ]
        return np.random.default_rng(np.random.SeedSequence(key))

    @property
    def window_start(self) -> int:
        """First day of the 30-month data window."""
        return int(month_start(np.array([self.window_start_month]))[0])

    @property
    def window_months(self) -> Ints:
        """Month numbers of the data window."""
        return np.arange(self.window_start_month, self.end_month + 1, dtype=np.int64)

    @property
    def create_months(self) -> Ints:
        """Month numbers in which opportunities are created (window plus warm-up)."""
        return np.arange(self.create_start_month, self.end_month + 1, dtype=np.int64)

    def create_weights(self) -> Floats:
        """Share of opportunities created in each month of :attr:`create_months`."""
        m = self.create_months
        w = np.exp(self.shape.growth * (m - self.end_month) / 12.0)
        w = w * (1.0 + self.shape.seasonality * SEASON[m % 12])
        return np.asarray(w / w.sum(), dtype=np.float64)

    @property
    def chunks(self) -> list[int]:
        """Opportunities per chunk."""
        full, rest = divmod(self.opportunities, CHUNK_OPPORTUNITIES)
        return [CHUNK_OPPORTUNITIES] * full + ([rest] if rest else [])

    @property
    def quote_stage(self) -> int:
        """Index of the stage at which a formal quote or proposal goes out."""
        for i, name in enumerate(self.stages):
            if "proposal" in name.lower() or "quote" in name.lower():
                return i
        return len(self.stages) // 2

    @property
    def id_width(self) -> int:
        """Digits in opportunity-sized ids."""
        return max(6, len(str(self.opportunities * 20)))
