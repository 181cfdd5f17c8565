"""Level distributions: counts of levels 1..5, from which counts, means and deviations follow
exactly (results.analysis and results.understanding)."""

import math
from dataclasses import dataclass

from ttm.levels import LEVELS


@dataclass(frozen=True)
class Distribution:
    """Counts of levels 1..5 for one party's answers to one question."""

    counts: tuple

    @property
    def n(self):
        return sum(self.counts)

    @property
    def mean(self):
        if not self.n:
            return None
        return sum(level * count for level, count in zip(LEVELS, self.counts, strict=True)) / self.n

    @property
    def sd(self):
        """Population standard deviation (0 when n = 1)."""
        mean = self.mean
        if mean is None:
            return None
        pairs = zip(LEVELS, self.counts, strict=True)
        return math.sqrt(sum(count * (level - mean) ** 2 for level, count in pairs) / self.n)


EMPTY = Distribution((0, 0, 0, 0, 0))
