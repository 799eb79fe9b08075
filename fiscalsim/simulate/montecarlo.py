"""Monte Carlo runs of a scenario: first-passage years per rule and the key series.

Paths are computed in fixed blocks of :data:`~fiscalsim.simulate.population.COMPUTE_PATHS` paths
(whole blocks of the seed tree, see ``seeding``); blocks are grouped
into chunks of about ``chunk_paths`` paths, which run in this process or in ``jobs`` worker
processes. A chunk keeps only what a run reports — first-passage years, the rules' indicators
and the key series (about 13 kB per path for the Hegang baseline), and the population pyramid
for the first :data:`PYRAMID_PATHS` paths — and is copied into the run's preallocated arrays as
soon as it is done, so memory grows by that much per path and no more. Because every block is
computed by one call with its own random numbers, results are bitwise identical for any chunk
size or number of workers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fiscalsim.demography.schedules import N_AGES
from fiscalsim.finance.books import book_set
from fiscalsim.scenario import Scenario
from fiscalsim.simulate import population
from fiscalsim.simulate.engine import run_block
from fiscalsim.simulate.population import DEFAULT_CHUNK_PATHS, path_blocks
from fiscalsim.simulate.workers import share_with_workers
from fiscalsim.triggers.rules import Rule, first_passage

log = logging.getLogger(__name__)

#: Paths whose population pyramid (city; base and report year; sex × age) a run keeps: its
#: quantiles are taken over the first paths only (the same ones for any chunking), which bounds
#: the pyramid to 32 MB however many paths run (100,000 pyramids would take 320 MB).
PYRAMID_PATHS = 10_000

def key_series(sc: Scenario) -> tuple[str, ...]:
    """The model series a run keeps for every path (per-year quantiles, charts): its book set's."""
    return book_set(sc.books).outline.key_series


def path_series_names(sc: Scenario) -> list[str]:
    """What a run keeps per path and year: each rule's id (its indicator), then each key series."""
    return [*(r.id for r in sc.rules), *key_series(sc)]


@dataclass
class RunResult:
    """first_passage : (n_paths, n_rules) int years (``NEVER`` if not by the horizon);
    indicators / series : name → (n_paths, n_years); books: the book set that recorded the series.
    Rules with one indicator share its array, and an indicator that is a key series as it stands
    (``Indicator.line``) is that series' array: 100,000 paths keep 94 MiB less."""

    years: np.ndarray
    rules: tuple[Rule, ...]
    first_passage: np.ndarray
    indicators: dict[str, np.ndarray]
    series: dict[str, np.ndarray]
    base_condition: np.ndarray  # (n_rules,) whether each rule's condition holds in the base year
    evaluated_from: int
    books: str
    pyramid: np.ndarray | None = None  # (min(n_paths, PYRAMID_PATHS), 2 years, 2 sexes, 101 ages): city
    pyramid_years: tuple[int, int] = (0, 0)

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules]

    @classmethod
    def like(cls, part: RunResult, n_paths: int, n_pyramid: int) -> RunResult:
        """An unfilled result for ``n_paths`` paths (pyramids for the first ``n_pyramid``) shaped
        like ``part``; rules sharing one indicator array there share one here."""
        def rows(a: np.ndarray, n: int) -> np.ndarray:
            return np.empty((n,) + a.shape[1:], dtype=a.dtype)

        shared: dict[int, np.ndarray] = {}
        series = {k: shared.setdefault(id(v), rows(v, n_paths)) for k, v in part.series.items()}
        indicators = {k: shared.setdefault(id(v), rows(v, n_paths)) for k, v in part.indicators.items()}
        return cls(part.years, part.rules, rows(part.first_passage, n_paths), indicators, series,
                   part.base_condition, part.evaluated_from, part.books, rows(part.pyramid, n_pyramid),
                   part.pyramid_years)

    def write(self, start: int, part: RunResult) -> None:
        """Copy ``part`` (paths ``start …``) into this result."""
        stop = start + part.first_passage.shape[0]
        self.first_passage[start:stop] = part.first_passage
        for k, v in part.indicators.items():
            self.indicators[k][start:stop] = v
        for k, v in part.series.items():
            self.series[k][start:stop] = v
        self.pyramid[start:start + len(part.pyramid)] = part.pyramid  # pyramids are of the first paths


def run_chunk(sc: Scenario, entropy: int, start: int, stop: int, deterministic: bool = False) -> list[RunResult]:
    """Paths ``start … stop−1``, block by block: one result per block, of the reported arrays only
    (a chunk of many blocks holds their key series, not their books)."""
    years = np.asarray(sc.years)
    parts = []
    for b_start, b_stop in path_blocks(stop, start):
        pyramid_years = (int(years[0]), sc.report_year)
        keep = max(0, min(b_stop, PYRAMID_PATHS) - b_start)
        block = run_block(sc, entropy, b_start, b_stop, full_years=pyramid_years if keep else (),
                          deterministic=deterministic, city_full=True)
        if keep:
            pyramid = block.population.full[:keep, :, 0]  # city: (keep, 2, 2, 101)
        else:
            pyramid = np.empty((0, len(pyramid_years), 2, N_AGES))
        lines = rule_lines(block.finance.lines)
        ind, conditions, fp = evaluate_rules(sc, years, lines)
        base = np.array([bool(c[0, 0]) for c in conditions])
        series = {k: lines[k].copy() for k in key_series(sc)}  # not views: the block's books go now
        ind = {r.id: series.get(r.indicator.line, ind[r.id]) for r in sc.rules}
        parts.append(RunResult(years, sc.rules, fp, ind, series, base, sc.triggers_from, sc.books, pyramid,
                               pyramid_years))
    return parts


def rule_lines(finance_lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The model's lines plus the derived series rules and reports read (services per resident)."""
    lines = dict(finance_lines)
    if "exp_services_education" in lines:
        services = lines["exp_services_education"] + lines["exp_services_elderly"] + lines["exp_services_residents"]
    else:  # another country's books: the services every book set records
        services = lines["services_paid"]
    lines["services_per_capita"] = services / lines["population"]
    return lines


def evaluate_rules(sc: Scenario, years: np.ndarray, lines: dict[str, np.ndarray]):
    """Each rule's indicator (rules with the same indicator share its array), condition and
    first-passage year (evaluated from ``sc.triggers_from``): ``(indicators, conditions, (n_paths, n_rules))``."""
    by_indicator: dict = {}
    ind = {}
    for r in sc.rules:
        if r.indicator not in by_indicator:
            by_indicator[r.indicator] = r.indicator.evaluate(lines)
        ind[r.id] = by_indicator[r.indicator]
    conditions = [r.condition(years, lines, ind[r.id]) for r in sc.rules]
    evaluated = years >= sc.triggers_from
    fp = np.stack([first_passage(c & evaluated, years, r.persistence)
                   for c, r in zip(conditions, sc.rules, strict=True)], axis=1)
    return ind, conditions, fp


def chunks(n_paths: int, chunk_paths: int) -> list[tuple[int, int]]:
    """Groups of whole blocks of about ``chunk_paths`` paths."""
    per = max(1, -(-chunk_paths // population.COMPUTE_PATHS))
    blocks = path_blocks(n_paths)
    return [(blocks[i][0], blocks[min(i + per, len(blocks)) - 1][1]) for i in range(0, len(blocks), per)]


def _single_threaded_env() -> dict[str, str | None]:
    """Keep each worker's BLAS to one thread (the workers are the parallelism)."""
    keys = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {k: os.environ.get(k) for k in keys}
    for k in keys:
        os.environ[k] = "1"
    return saved


def run_scenario(sc: Scenario, n_paths: int, entropy: int, jobs: int = 1, chunk_paths: int = DEFAULT_CHUNK_PATHS,
                 progress: Callable[[int], None] | None = None, deterministic: bool = False) -> RunResult:
    """All paths of a scenario; identical results for any ``jobs`` and ``chunk_paths``.

    ``jobs`` processes compute chunks: this one and ``jobs − 1`` workers."""
    if n_paths < 1 or jobs < 1 or chunk_paths < 1:
        raise ValueError("n_paths, jobs and chunk_paths must be positive")
    spans = chunks(n_paths, chunk_paths)
    out: RunResult | None = None

    def take(i: int, parts: list[RunResult]) -> None:
        # each chunk goes into the run's arrays as it arrives (in any order), then is dropped
        nonlocal out
        if out is None:
            out = RunResult.like(parts[0], n_paths, min(n_paths, PYRAMID_PATHS))
        start = spans[i][0]
        for part in parts:
            out.write(start, part)
            start += part.first_passage.shape[0]
        if progress is not None:
            progress(spans[i][1] - spans[i][0])

    tasks = [(sc, entropy, a, b, deterministic) for a, b in spans]
    if jobs == 1 or len(spans) == 1:
        share_with_workers(1, run_chunk, tasks, take)
    else:
        saved = _single_threaded_env()
        try:  # this process computes chunks too while the jobs − 1 workers start
            share_with_workers(jobs, run_chunk, tasks, take)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return out
