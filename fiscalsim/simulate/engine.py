"""The full model for one scenario: demography → economy → public finance, block by block.

Every uncertain input is drawn from the seed tree keyed by (stream, 256-path block) before the
deterministic kernels run; each block is computed by one call, so results are bitwise
identical whatever the chunking or the number of worker processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fiscalsim.demography.projector import DemographyShocks, PopulationResult
from fiscalsim.economy import EconomyShocks
from fiscalsim.finance.books import book_set
from fiscalsim.finance.ledger import FinanceResult
from fiscalsim.finance.run import FinanceInputs, FinanceShocks
from fiscalsim.scenario import Scenario
from fiscalsim.simulate.coupled import BlockInputs, run_coupled, run_sequential
from fiscalsim.simulate.population import (
    draw_demography_shocks,
    path_blocks,
)
from fiscalsim.simulate.sampling import apply_parameter_shocks, draw_parameter_shocks
from fiscalsim.simulate.seeding import standard_normal

log = logging.getLogger(__name__)


@dataclass
class ModelResult:
    population: PopulationResult
    finance: FinanceResult


def draw_economy_shocks(entropy: int, start: int, stop: int, n_years: int) -> tuple[EconomyShocks, FinanceShocks]:
    econ = EconomyShocks(
        wage=standard_normal(entropy, "economy.wage", start, stop, n_years),
        coal=standard_normal(entropy, "economy.coal", start, stop, n_years),
        land_price=standard_normal(entropy, "economy.land_price", start, stop, n_years),
    )
    fin = FinanceShocks(market_rate=standard_normal(entropy, "finance.market_rate", start, stop, n_years))
    return econ, fin


@dataclass(frozen=True)
class BlockDraws:
    """Every random input of a block of paths: process innovations of the model and, per
    uncertain parameter, the normals of its distribution and the innovations of its process
    (``None`` for the deterministic run, which keeps every parameter at its central value)."""

    demography: DemographyShocks
    economy: EconomyShocks
    finance: FinanceShocks
    normals: dict[str, np.ndarray] | None = None
    innovations: dict[str, np.ndarray] | None = None


def draw_block(sc: Scenario, entropy: int, start: int, stop: int) -> BlockDraws:
    """The draws of paths ``start … stop−1`` from the seed tree."""
    n_years = len(sc.years)
    econ, fin = draw_economy_shocks(entropy, start, stop, n_years)
    normals, innovations = draw_parameter_shocks(list(sc.uncertain), sc.copula, entropy, start, stop, n_years)
    return BlockDraws(draw_demography_shocks(entropy, start, stop, n_years), econ, fin, normals, innovations)


def quiet_draws(n_paths: int, n_years: int) -> BlockDraws:
    """No shocks and central parameter values: the deterministic projection."""
    z = np.zeros((n_paths, n_years))
    return BlockDraws(DemographyShocks(z, z, z), EconomyShocks(z, z, z), FinanceShocks(z))


def block_inputs(sc: Scenario, draws: BlockDraws) -> BlockInputs:
    """The scenario's model inputs with every uncertain parameter set per path from ``draws``."""
    inputs = {"demography": sc.demography, "economy": sc.economy, "finance": sc.finance, "feedbacks": sc.feedbacks}
    if draws.normals is not None and sc.uncertain:
        inputs = apply_parameter_shocks(inputs, list(sc.uncertain), draws.normals, draws.innovations,
                                        np.asarray(sc.years), sc.demography.n_units)
    demography = inputs["demography"]
    rule = next((r for r in sc.rules if r.id == sc.restructuring_trigger), None)
    fi = FinanceInputs(sc.accounts, inputs["finance"], demography.retirement, demography.base_population, rule,
                       sc.triggers_from)
    return BlockInputs(demography, inputs["economy"], fi, inputs["feedbacks"])


def run_draws(sc: Scenario, draws: BlockDraws, full_years: tuple[int, ...] = (),
              out: ModelResult | None = None, coupled: bool = True, city_full: bool = False) -> ModelResult:
    """The model on given draws (the deterministic kernel of every run); written into ``out``
    (arrays for exactly these paths) when given. ``coupled=False`` runs the stages one after
    another (the reference of the coupled loop; no feedback can act). ``city_full`` keeps the
    population by age at ``full_years`` for the city only."""
    n_paths = draws.demography.n_paths
    books = book_set(sc.books)
    if out is None:
        out = ModelResult(PopulationResult.empty(n_paths, sc.years, sc.demography.unit_names, full_years,
                                                 city_full),
                          FinanceResult.empty(n_paths, sc.years, sc.demography.unit_names, books.line_names,
                                              books.unit_series))
    inputs = block_inputs(sc, draws)
    run = run_coupled if coupled else run_sequential
    run(inputs, books, draws, out.population, out.finance, full_years)
    return out


def run_block(sc: Scenario, entropy: int, start: int, stop: int, full_years: tuple[int, ...] = (),
              deterministic: bool = False, out: ModelResult | None = None, city_full: bool = False) -> ModelResult:
    """Paths ``start … stop−1`` of the scenario (zero shocks when ``deterministic``); written into
    ``out`` (arrays for exactly these paths) when given."""
    draws = quiet_draws(stop - start, len(sc.years)) if deterministic else draw_block(sc, entropy, start, stop)
    return run_draws(sc, draws, full_years, out, city_full=city_full)


def run_model(sc: Scenario, n_paths: int, entropy: int, full_years: tuple[int, ...] = (),
              progress: Callable[[int], None] | None = None, deterministic: bool = False) -> ModelResult:
    """All paths of a scenario, block by block, written into preallocated results."""
    bs = book_set(sc.books)
    out = ModelResult(PopulationResult.empty(n_paths, sc.years, sc.demography.unit_names, full_years),
                      FinanceResult.empty(n_paths, sc.years, sc.demography.unit_names, bs.line_names, bs.unit_series))
    for start, stop in path_blocks(n_paths):
        block = ModelResult(out.population.rows(start, stop), out.finance.rows(start, stop))
        run_block(sc, entropy, start, stop, full_years, deterministic, out=block)
        if progress is not None:
            progress(stop - start)
        log.debug("model paths %d-%d done", start, stop)
    return out
