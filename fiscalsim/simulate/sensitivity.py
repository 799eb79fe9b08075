"""Which uncertain input moves a rule's first year: global (Sobol, Morris) and one-at-a-time.

Every uncertain input of a scenario is a **factor** with a quantile ``q`` in (0, 1):

* a parameter with a distribution: its value at quantile ``q`` (``distribution.ppf(q)``);
* a parameter with a time process, and each of the model's own processes (fertility, mortality,
  migration, wages, coal, land prices, and the book set's own, e.g. China's market rate): a
  **persistent deviation** — the process
  held at the ``q``-quantile of its stationary distribution from the year after the base year
  (an AR(1) at ``Φ⁻¹(q)·σ/√(1−φ²)``; a random walk reaching ``Φ⁻¹(q)·σ·√T`` at the horizon).
  The base year stays data.

A design (SALib's Saltelli/Sobol sequence, Morris trajectories, or the one-at-a-time swings) is a
matrix of factor quantiles; each row is one model path with those inputs and no other
randomness, so a whole design runs as one vectorised batch. The output is each rule's
first-passage year, with "not by the horizon" counted as the year after it. Correlations between
parameters are ignored in the design (the factors are independent, as Sobol indices assume).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from fiscalsim.demography.projector import DemographyShocks
from fiscalsim.economy import EconomyShocks
from fiscalsim.finance.books import book_set
from fiscalsim.finance.run import FinanceShocks
from fiscalsim.simulate.engine import BlockDraws, run_draws
from fiscalsim.simulate.montecarlo import evaluate_rules, rule_lines
from fiscalsim.simulate.population import path_blocks
from fiscalsim.triggers.rules import NEVER, headline_passage

METHODS = ("sobol", "morris", "oat")
#: Factor quantiles are kept inside these bounds (the tails of unbounded distributions).
Q_BOUNDS = (0.01, 0.99)
#: The model's own time processes outside the books: (factor name, where its σ and φ live, which
#: shock it drives); a book set adds its own (:func:`model_processes`).
MODEL_PROCESSES = (
    ("process: fertility (log TFR)", "demography", "tfr_process", "demography", "tfr"),
    ("process: mortality (Lee-Carter k)", "demography", None, "demography", "mortality"),
    ("process: migration rate", "demography", "migration_process", "demography", "migration"),
    ("process: wage growth", "economy", "wage_process", "economy", "wage"),
    ("process: coal output", "economy", "coal_process", "economy", "coal"),
    ("process: land prices", "economy", "land_price_process", "economy", "land_price"),
)


def model_processes(sc) -> tuple[tuple[str, str, str | None, str, str], ...]:
    """The scenario's own time processes: demography's and economy's, then its book set's."""
    books = tuple((p.name, "finance", p.field, "finance", p.shock) for p in book_set(sc.books).outline.processes)
    return MODEL_PROCESSES + books


@dataclass(frozen=True)
class Factor:
    """One uncertain input: ``kind`` is ``distribution``, ``process`` (of a parameter) or ``model``."""

    name: str
    kind: str
    key: str  # parameter key, or the shock it drives ("demography.tfr")
    phi: float | None  # AR(1) persistence; None for a random walk


def factors(sc) -> list[Factor]:
    """Every uncertain input of the scenario, in a stable order."""
    out = []
    for u in sc.uncertain:
        if u.param.distribution is not None:
            out.append(Factor(u.key, "distribution", u.key, None))
        if u.param.process is not None:
            p = dict(u.param.process.params)
            out.append(Factor(f"{u.key} (process)", "process", u.key,
                              p["phi"] if u.param.process.kind == "ar1" else None))
    sources = {"demography": sc.demography, "economy": sc.economy, "finance": sc.finance}
    for name, where, attr, book, shock in model_processes(sc):
        if attr is None:
            if np.any(np.asarray(sc.demography.lc_sigma) > 0):
                out.append(Factor(name, "model", f"{book}.{shock}", None))
            continue
        proc = getattr(sources[where], attr)
        if np.any(np.asarray(proc.sigma) > 0):
            out.append(Factor(name, "model", f"{book}.{shock}", float(proc.phi)))
    return out


def persistent_innovations(z: np.ndarray, n_years: int, phi: float | None) -> np.ndarray:
    """Innovations ``(n, n_years)`` that hold a process at ``z`` stationary s.d. from year 1 on
    (AR(1) with ``phi``), or bring a random walk to ``z·√(n_years−1)`` steps' s.d. at the horizon."""
    eps = np.zeros((len(z), n_years))
    if n_years < 2:
        return eps
    if phi is None:
        eps[:, 1:] = z[:, None] / np.sqrt(n_years - 1)  # Σ of the n_years−1 steps is z·√(n_years−1)
        return eps
    scale = 1.0 / np.sqrt(1.0 - phi**2)
    eps[:, 1] = z * scale
    eps[:, 2:] = (z * scale * (1.0 - phi))[:, None]
    return eps


def design_draws(sc, fs: list[Factor], q: np.ndarray) -> BlockDraws:
    """The draws of a design ``q`` (n_rows, n_factors) of factor quantiles."""
    n, n_years = q.shape[0], len(sc.years)
    z = stats.norm.ppf(np.clip(q, *Q_BOUNDS))
    zero = np.zeros((n, n_years))
    shocks = {f"{b}.{s}": zero for _, _, _, b, s in MODEL_PROCESSES}
    shocks.update({f"finance.{f.name}": zero for f in dataclasses.fields(FinanceShocks)})
    normals = {u.key: np.zeros(n) for u in sc.uncertain}
    innovations = {u.key: zero for u in sc.uncertain}
    for j, f in enumerate(fs):
        if f.kind == "distribution":
            normals[f.key] = z[:, j]
        elif f.kind == "process":
            innovations[f.key] = persistent_innovations(z[:, j], n_years, f.phi)
        else:
            shocks[f.key] = persistent_innovations(z[:, j], n_years, f.phi)
    return BlockDraws(
        DemographyShocks(shocks["demography.tfr"], shocks["demography.mortality"], shocks["demography.migration"]),
        EconomyShocks(shocks["economy.wage"], shocks["economy.coal"], shocks["economy.land_price"]),
        FinanceShocks(**{f.name: shocks[f"finance.{f.name}"] for f in dataclasses.fields(FinanceShocks)}),
        normals, innovations)


def design_years(sc, fs: list[Factor], q: np.ndarray) -> pd.DataFrame:
    """First-passage year of every rule (and of the headline event) per design row; "not by the
    horizon" is counted as the year after it. Rows run in the model's computation blocks."""
    years = np.asarray(sc.years)
    parts = []
    for start, stop in path_blocks(q.shape[0]):
        block = q[start:stop]
        lines = rule_lines(run_draws(sc, design_draws(sc, fs, block)).finance.lines)
        _, _, fp = evaluate_rules(sc, years, lines)
        parts.append(np.column_stack([fp, headline_passage(fp, sc.rules)]))
    out = np.concatenate(parts)
    out[out == NEVER] = int(years[-1]) + 1
    return pd.DataFrame(out, columns=[*(r.id for r in sc.rules), "headline"])


@dataclass(frozen=True)
class Sensitivity:
    method: str
    rule: str
    table: pd.DataFrame  # one row per factor, sorted by importance
    central_year: int
    runs: int
    constant: bool  # the studied year is the same in every run of the design: no input moves it


def _problem(fs: list[Factor]) -> dict:
    return {"num_vars": len(fs), "names": [f.name for f in fs], "bounds": [list(Q_BOUNDS)] * len(fs)}


def sensitivity(sc, rule: str, method: str = "sobol", n: int = 256, seed: int = 0,
                q_low: float = 0.1, q_high: float = 0.9) -> Sensitivity:
    """Sensitivity of ``rule``'s first year (``rule="headline"``: the first restructuring- or
    default-class event) to every uncertain input; see the module docstring."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    fs = factors(sc)
    if not fs:
        raise ValueError("the scenario has no uncertain input")
    central = int(design_years(sc, fs, np.full((1, len(fs)), 0.5))[rule].iloc[0])
    if method == "oat":
        table, y = _oat(sc, fs, rule, q_low, q_high, central)
    elif method == "sobol":
        table, y = _sobol(sc, fs, rule, n, seed)
    else:
        table, y = _morris(sc, fs, rule, n, seed)
    return Sensitivity(method, rule, table, central, len(y), bool(np.all(y == central)))


def _oat(sc, fs, rule, q_low, q_high, central):
    k = len(fs)
    q = np.full((2 * k, k), 0.5)
    for j in range(k):
        q[2 * j, j], q[2 * j + 1, j] = q_low, q_high
    y = design_years(sc, fs, q)[rule].to_numpy()
    table = pd.DataFrame({"factor": [f.name for f in fs], "kind": [f.kind for f in fs],
                          "year_at_low": y[0::2], "year_at_high": y[1::2]})
    table["swing_years"] = (table.year_at_high - table.year_at_low).abs()
    table["central_year"] = central
    return table.sort_values("swing_years", ascending=False, kind="stable").reset_index(drop=True), y


def _sobol(sc, fs, rule, n, seed):
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = _problem(fs)
    salib_seed = seed + 1  # SALib treats a seed of 0 as "no seed" and falls back to global state
    q = sobol_sample.sample(problem, n, calc_second_order=False, seed=salib_seed)
    y = design_years(sc, fs, q)[rule].to_numpy(dtype=float)
    if np.all(y == y[0]):
        si = {"S1": np.zeros(len(fs)), "S1_conf": np.zeros(len(fs)), "ST": np.zeros(len(fs)),
              "ST_conf": np.zeros(len(fs))}
    else:
        si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=salib_seed)
    table = pd.DataFrame({"factor": [f.name for f in fs], "kind": [f.kind for f in fs],
                          "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]})
    return table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True), y


def _morris(sc, fs, rule, n, seed):
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    problem = _problem(fs)
    salib_seed = seed + 1  # SALib treats a seed of 0 as "no seed" and falls back to global state
    q = morris_sample.sample(problem, n, num_levels=4, seed=salib_seed)
    y = design_years(sc, fs, q)[rule].to_numpy(dtype=float)
    si = morris_analyze.analyze(problem, q, y, num_levels=4, seed=salib_seed)
    table = pd.DataFrame({"factor": [f.name for f in fs], "kind": [f.kind for f in fs],
                          "mu_star_years": si["mu_star"], "mu_star_conf": si["mu_star_conf"],
                          "sigma_years": si["sigma"]})
    return table.sort_values("mu_star_years", ascending=False, kind="stable").reset_index(drop=True), y
