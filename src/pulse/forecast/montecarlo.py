"""Monte Carlo of a period's revenue: vectorised numpy, exact Bernoulli draws in chunks.

Each simulated period is ``base`` (already won) + Σ amountᵢ·Xᵢ over the open deals, with Xᵢ an
independent Bernoulli(pᵢ), + the amounts of the new deals (a Poisson number of them, sizes
drawn from an empirical distribution).

The open deals are the expensive part: 10,000 simulations × 100,000 deals is 10⁹ Bernoulli
draws. They are drawn exactly (no rounding of pᵢ), in chunks of deals, with no Python loop over
deals and one random byte per draw (see :func:`_chunk_totals`):

- a deal with p > ½ draws its loss instead and is inverted afterwards, so the drawn q ≤ ½;
- a random byte u gives ``u < ⌊256q⌋``; the remainder of q comes from a few Poisson-placed
  extra hits per deal (fewer than 1 in 128 cells), which keeps every draw exact;
- the flags are packed 8 deals to a byte (``numpy.packbits``) and summed through a table of the
  256 subset sums of each 8 deals: one gather per 8 draws instead of 8 multiply-adds;
- every chunk has its own random stream spawned from the seed, so a seed gives one answer.

Deals can carry a group (a rep or a team): the simulation then also returns each group's total
per simulation (deals are sorted by group and each group padded to a whole byte of deals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

CHUNK_DEALS = 1024
SIM_BLOCK = 1024
NEW_DEALS_BLOCK = 1 << 21
_SUBSETS = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.float64).T  # 8 × 256


@dataclass(frozen=True)
class NewDeals:
    """Deals not yet created that will be created and won inside the period.

    ``expected`` is the Poisson mean of their number; each one's size is drawn from ``sizes``
    with probabilities proportional to ``weights`` (all equal when omitted).
    """

    expected: float
    sizes: Floats
    weights: Floats | None = None

    @property
    def mean_size(self) -> float:
        """The mean of the size distribution."""
        if not len(self.sizes):
            return 0.0
        if self.weights is None:
            return float(self.sizes.mean())
        return float(np.average(self.sizes, weights=self.weights))

    @property
    def expected_value(self) -> float:
        """Expected total of the new deals."""
        return self.expected * self.mean_size if len(self.sizes) else 0.0


@dataclass
class Simulation:
    """Simulated period totals (and per-group totals when groups were given)."""

    totals: Floats
    seed: int
    group_totals: Floats | None = None
    groups: list[str] = field(default_factory=list)

    @property
    def simulations(self) -> int:
        """Number of simulations."""
        return int(self.totals.shape[0])

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0..1) of the simulated totals (linear interpolation)."""
        return float(np.quantile(self.totals, q))

    @property
    def p10(self) -> float:
        """10th percentile: 9 periods in 10 do at least this."""
        return self.quantile(0.10)

    @property
    def p50(self) -> float:
        """Median."""
        return self.quantile(0.50)

    @property
    def p90(self) -> float:
        """90th percentile: 1 period in 10 does better."""
        return self.quantile(0.90)

    @property
    def mean(self) -> float:
        """Mean of the simulated totals."""
        return float(self.totals.mean())

    def group_quantiles(self, q: float) -> dict[Any, float]:
        """The ``q`` quantile of each group's simulated total."""
        if self.group_totals is None:
            return {}
        values = np.quantile(self.group_totals, q, axis=1)
        return {g: float(v) for g, v in zip(self.groups, values, strict=True)}


def _layout(
    amounts: Floats, probabilities: Floats, groups: Ints | None
) -> tuple[Floats, Floats, Ints | None]:
    """Deals sorted by group, each group padded to a multiple of 8 with empty deals."""
    if groups is None:
        pad = (-len(amounts)) % 8
        return np.r_[amounts, np.zeros(pad)], np.r_[probabilities, np.zeros(pad)], None
    if not len(groups):
        return np.zeros(0), np.zeros(0), np.zeros(0, np.int64)
    order = np.argsort(groups, kind="stable")
    g, a, p = groups[order], amounts[order], probabilities[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    parts_a, parts_p, parts_g = [np.zeros(0)], [np.zeros(0)], [np.zeros(0, np.int64)]
    for s, e in zip(starts, ends, strict=True):
        pad = (-(e - s)) % 8
        parts_a.append(np.r_[a[s:e], np.zeros(pad)])
        parts_p.append(np.r_[p[s:e], np.zeros(pad)])
        parts_g.append(np.full(e - s + pad, g[s], dtype=np.int64))
    return np.concatenate(parts_a), np.concatenate(parts_p), np.concatenate(parts_g)


class _Buffers:
    """Scratch arrays reused from chunk to chunk (allocating fresh pages is slow)."""

    def __init__(self, deals: int, simulations: int):
        block = min(simulations, SIM_BLOCK)
        self.wins = np.empty((simulations, deals), dtype=bool)
        self.index = np.empty((block, deals // 8), dtype=np.intp)
        self.gathered = np.empty((block, deals // 8), dtype=np.float64)


def _chunk(
    amounts: Floats,
    probabilities: Floats,
    byte_groups: Ints | None,
    simulations: int,
    seed_seq: np.random.SeedSequence,
    buffers: _Buffers,
) -> tuple[Floats, Ints, Floats | None]:
    """Simulate one chunk of deals (a multiple of 8): per-simulation totals, and per group.

    Deals with p > ½ draw their loss instead (q = 1 − p, flags inverted after packing), so the
    drawn probability q is at most ½. With h = ⌊256q⌋ a random byte u decides ``u < h``; the
    rest of q, ρ = (q − h/256) ÷ (1 − h/256) < 1/128, comes from a Poisson number of extra hits
    per deal at uniformly drawn simulations: by Poisson splitting each cell is hit
    independently, with P(hit) = 1 − e^(−λ/S) = ρ for λ = −S·ln(1 − ρ). So P = h/256 +
    (1 − h/256)·ρ = q exactly, for one random byte per cell.

    Returns (totals (S,), the chunk's group codes, group totals (groups, S) or None).
    """
    n = len(amounts)
    rng = np.random.Generator(np.random.SFC64(seed_seq))
    flip = probabilities > 0.5
    q = np.where(flip, 1.0 - probabilities, probabilities)
    high = np.floor(q * 256.0)
    rho = (q - high / 256.0) / (1.0 - high / 256.0)
    lam = -np.log1p(-rho) * simulations
    words = (n * simulations + 7) // 8
    u = rng.integers(0, 2**64, size=words, dtype=np.uint64, endpoint=False).view(np.uint8)
    wins = buffers.wins[:, :n]
    np.less(u[: n * simulations].reshape(simulations, n), high.astype(np.uint8), out=wins)
    hits = rng.poisson(lam)
    deals = np.repeat(np.arange(n), hits)
    sims = rng.integers(0, simulations, size=len(deals))
    wins.reshape(-1)[sims * n + deals] = True
    packed = np.packbits(wins, axis=1, bitorder="little")  # (S, n/8)
    packed ^= np.packbits(flip, bitorder="little")
    table = (amounts.reshape(-1, 8) @ _SUBSETS).ravel()  # the 256 subset sums of each 8 deals
    offsets = np.arange(n // 8, dtype=np.intp) * 256
    totals = np.empty(simulations)
    codes = np.zeros(0, np.int64)
    cuts = np.zeros(0, np.int64)
    group_totals = None
    if byte_groups is not None:
        cuts = np.flatnonzero(np.r_[True, byte_groups[1:] != byte_groups[:-1]])
        codes = byte_groups[cuts]
        group_totals = np.empty((len(cuts), simulations))
    for s in range(0, simulations, SIM_BLOCK):
        e = min(s + SIM_BLOCK, simulations)
        index = buffers.index[: e - s, : n // 8]
        gathered = buffers.gathered[: e - s, : n // 8]
        np.add(packed[s:e], offsets, out=index, casting="unsafe")
        np.take(table, index, out=gathered, mode="clip")
        np.sum(gathered, axis=1, out=totals[s:e])
        if group_totals is not None:
            group_totals[:, s:e] = np.add.reduceat(gathered, cuts, axis=1).T
    return totals, codes, group_totals


def simulate(
    amounts: npt.ArrayLike,
    probabilities: npt.ArrayLike,
    *,
    base: float = 0.0,
    new: NewDeals | None = None,
    simulations: int = 10_000,
    seed: int = 0,
    groups: npt.ArrayLike | None = None,
    group_new: dict[Any, NewDeals] | None = None,
    group_base: dict[Any, float] | None = None,
    chunk: int = CHUNK_DEALS,
) -> Simulation:
    """Simulate the period total ``simulations`` times (``seed`` makes it reproducible).

    ``groups`` (one label per deal, e.g. the owner) adds per-group totals; ``group_new`` and
    ``group_base`` give each group its own new deals and already-won amount.
    """
    if simulations < 1:
        raise ValueError("simulations must be at least 1")
    a = np.asarray(amounts, dtype=np.float64).ravel()
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    if a.shape != p.shape:
        raise ValueError("amounts and probabilities must have the same length")
    if len(p) and (np.isnan(p).any() or p.min() < 0 or p.max() > 1):
        raise ValueError("probabilities must lie in [0, 1]")
    labels: list[str] = []
    codes: Ints | None = None
    if groups is not None:
        keys = ["" if x is None else str(x) for x in np.asarray(groups, dtype=object).ravel()]
        if len(keys) != len(a):
            raise ValueError("groups must have one label per deal")
        extra = {str(g) for g in (group_new or {})} | {str(g) for g in (group_base or {})}
        labels = sorted(set(keys) | extra)
        index = {g: i for i, g in enumerate(labels)}
        codes = np.fromiter((index[k] for k in keys), dtype=np.int64, count=len(keys))
    a_l, p_l, g_l = _layout(a, p, codes)
    open_seq, new_seq, group_seq = np.random.SeedSequence(seed).spawn(3)
    step = max(8, chunk - chunk % 8)
    starts = list(range(0, len(a_l), step))
    seqs = open_seq.spawn(len(starts))
    totals = np.full(simulations, float(base))
    group_totals = np.zeros((len(labels), simulations)) if labels else None
    buffers = _Buffers(min(step, len(a_l)), simulations) if starts else None
    for s, seq in zip(starts, seqs, strict=True):
        assert buffers is not None
        byte_groups = g_l[s : s + step : 8] if g_l is not None else None
        chunk_totals, chunk_codes, chunk_groups = _chunk(
            a_l[s : s + step], p_l[s : s + step], byte_groups, simulations, seq, buffers
        )
        totals += chunk_totals
        if group_totals is not None and chunk_groups is not None:
            group_totals[chunk_codes] += chunk_groups
    if new is not None:
        totals += _new_deals(new, simulations, new_seq)
    if group_totals is not None:
        for i, (label, gseq) in enumerate(zip(labels, group_seq.spawn(len(labels)), strict=True)):
            group_totals[i] += float((group_base or {}).get(label, 0.0))
            extra_new = (group_new or {}).get(label)
            if extra_new is not None:
                group_totals[i] += _new_deals(extra_new, simulations, gseq)
    return Simulation(totals, seed, group_totals, labels)


def _new_deals(new: NewDeals, simulations: int, seq: np.random.SeedSequence) -> Floats:
    """Per simulation: the total of a Poisson number of new deals with drawn sizes.

    Sizes are drawn with Walker's alias method (one uniform per deal, whatever the number of
    distinct sizes) and summed per simulation with ``numpy.add.reduceat``.
    """
    out = np.zeros(simulations)
    if new.expected <= 0 or not len(new.sizes):
        return out
    rng = np.random.Generator(np.random.SFC64(seq))
    counts = rng.poisson(new.expected, size=simulations)
    total = int(counts.sum())
    if not total:
        return out
    sizes = np.asarray(new.sizes, dtype=np.float64)
    weights = (
        np.ones(len(sizes)) if new.weights is None else np.asarray(new.weights, dtype=np.float64)
    )
    cut, alias = _alias_table(weights)
    ends = np.cumsum(counts)
    first = 0
    while first < simulations:  # blocks of about NEW_DEALS_BLOCK draws keep memory flat
        start = int(ends[first] - counts[first])
        last = int(np.searchsorted(ends, start + NEW_DEALS_BLOCK, side="right"))
        last = max(last, first + 1)
        block = counts[first:last]
        n = int(block.sum())
        if n:
            scaled = rng.random(n) * len(sizes)  # its integer part picks a size, the rest decides
            pick = scaled.astype(np.int64)
            keep = (scaled - pick) < cut[pick]
            drawn = sizes[np.where(keep, pick, alias[pick])]
            has = block > 0
            offsets = (np.cumsum(block) - block)[has]
            out[first:last][has] = np.add.reduceat(drawn, offsets)
        first = last
    return out


def _alias_table(weights: Floats) -> tuple[Floats, Ints]:
    """Walker's alias table: pick i uniformly, keep it with probability cut[i], else alias[i]."""
    n = len(weights)
    scaled = weights * (n / weights.sum())
    cut = np.ones(n)
    alias = np.arange(n, dtype=np.int64)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        cut[s], alias[s] = scaled[s], g
        scaled[g] -= 1.0 - scaled[s]
        (small if scaled[g] < 1.0 else large).append(g)
    return cut, alias
