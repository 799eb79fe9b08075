"""Monte Carlo runs of a scenario: first-passage years per rule and the key series.

Paths are computed in the seed tree's fixed 256-path blocks (see ``seeding``); blocks are grouped
into chunks of about ``chunk_paths`` paths, which run in this process or in ``jobs`` worker
processes. A chunk keeps only what a run reports — first-passage years and the key series —
so memory is bounded by the chunk size, and because every block is computed by one call with
its own random numbers, results are bitwise identical for any chunk size or number of workers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fiscalsim.scenario import Scenario
from fiscalsim.simulate.engine import run_block
from fiscalsim.simulate.population import path_blocks
from fiscalsim.simulate.seeding import BLOCK_PATHS
from fiscalsim.simulate.workers import map_in_workers
from fiscalsim.triggers.rules import Rule, first_passage

log = logging.getLogger(__name__)

#: Model series kept for every path (per-year quantiles, charts).
KEY_SERIES = (
    "population", "own_revenue", "transfers_total", "general_expenditure", "exp_personnel",
    "exp_general_interest", "debt_service_due", "debt_service_unpaid", "sanbao_unpaid", "debt_government",
    "debt_lgfv", "arrears_debt", "arrears_sanbao", "arrears_fund", "arrears_lgfv", "arrears_suppliers",
    "government_debt_arrears", "provincial_advances", "carry_forward", "carry_forward_free",
    "stabilisation_balance", "comprehensive_capacity", "standard_fiscal_scale", "land_revenue", "staff",
    "pension_retirees", "si_fiscal_subsidy", "services_per_capita", "sanbao_due", "personnel_due",
    "services_due", "si_subsidy_due", "operations_due", "lgfv_support_due", "exp_lgfv_support",
    "free_resources", "sanbao_debt_gap", "new_bond_quota", "special_interest_due", "fund_expenditure_88",
)


@dataclass
class RunResult:
    """first_passage : (n_paths, n_rules) int years (``NEVER`` if not by the horizon);
    indicators / series : name → (n_paths, n_years)."""

    years: np.ndarray
    rules: tuple[Rule, ...]
    first_passage: np.ndarray
    indicators: dict[str, np.ndarray]
    series: dict[str, np.ndarray]
    base_condition: np.ndarray  # (n_rules,) whether each rule's condition holds in the base year
    evaluated_from: int
    pyramid: np.ndarray | None = None  # (n_paths, 2 years, 2 sexes, 101 ages): city, base and report year
    pyramid_years: tuple[int, int] = (0, 0)

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules]


def run_chunk(sc: Scenario, entropy: int, start: int, stop: int, deterministic: bool = False) -> RunResult:
    """Paths ``start … stop−1``, block by block; only the reported arrays are kept."""
    years = np.asarray(sc.years)
    parts = []
    for b_start in range(start, stop, BLOCK_PATHS):
        b_stop = min(b_start + BLOCK_PATHS, stop)
        pyramid_years = (int(years[0]), sc.report_year)
        block = run_block(sc, entropy, b_start, b_stop, full_years=pyramid_years, deterministic=deterministic)
        pyramid = block.population.full.sum(axis=2)  # city: (n_paths, 2, 2, 101)
        lines = dict(block.finance.lines)
        services = lines["exp_services_education"] + lines["exp_services_elderly"] + lines["exp_services_residents"]
        lines["services_per_capita"] = services / lines["population"]
        ind = {r.id: r.indicator.evaluate(lines) for r in sc.rules}
        conditions = [r.condition(years, lines, ind[r.id]) for r in sc.rules]
        evaluated = years >= sc.triggers_from
        fp = np.stack([first_passage(c & evaluated, years, r.persistence) for c, r in zip(conditions, sc.rules,
                                                                                          strict=True)], axis=1)
        base = np.array([bool(c[0, 0]) for c in conditions])
        parts.append(RunResult(years, sc.rules, fp, ind, {k: lines[k].copy() for k in KEY_SERIES}, base,
                               sc.triggers_from, pyramid, pyramid_years))
    return _concat(parts)


def _concat(parts: list[RunResult]) -> RunResult:
    first = parts[0]
    return RunResult(
        first.years, first.rules, np.concatenate([p.first_passage for p in parts]),
        {k: np.concatenate([p.indicators[k] for p in parts]) for k in first.indicators},
        {k: np.concatenate([p.series[k] for p in parts]) for k in first.series},
        first.base_condition, first.evaluated_from, np.concatenate([p.pyramid for p in parts]),
        first.pyramid_years,
    )


def chunks(n_paths: int, chunk_paths: int) -> list[tuple[int, int]]:
    """Groups of whole blocks of about ``chunk_paths`` paths."""
    per = max(1, -(-chunk_paths // BLOCK_PATHS))
    blocks = path_blocks(n_paths)
    return [(blocks[i][0], blocks[min(i + per, len(blocks)) - 1][1]) for i in range(0, len(blocks), per)]


def _single_threaded_env() -> dict[str, str | None]:
    """Keep each worker's BLAS to one thread (the workers are the parallelism)."""
    keys = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {k: os.environ.get(k) for k in keys}
    for k in keys:
        os.environ[k] = "1"
    return saved


def run_scenario(sc: Scenario, n_paths: int, entropy: int, jobs: int = 1, chunk_paths: int = 1024,
                 progress: Callable[[int], None] | None = None, deterministic: bool = False) -> RunResult:
    """All paths of a scenario; identical results for any ``jobs`` and ``chunk_paths``."""
    if n_paths < 1 or jobs < 1 or chunk_paths < 1:
        raise ValueError("n_paths, jobs and chunk_paths must be positive")
    spans = chunks(n_paths, chunk_paths)
    results: dict[int, RunResult] = {}
    if jobs == 1 or len(spans) == 1:
        for start, stop in spans:
            results[start] = run_chunk(sc, entropy, start, stop, deterministic)
            if progress is not None:
                progress(stop - start)
    else:
        saved = _single_threaded_env()
        try:
            parts = map_in_workers(jobs, run_chunk, [(sc, entropy, a, b, deterministic) for a, b in spans],
                                   None if progress is None else lambda i: progress(spans[i][1] - spans[i][0]))
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        results = {a: part for (a, _), part in zip(spans, parts, strict=True)}
    return _concat([results[a] for a, _ in spans])
