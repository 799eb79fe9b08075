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

from fiscalsim.demography.projector import PopulationResult, project
from fiscalsim.economy import EconomyShocks, project_economy
from fiscalsim.finance.ledger import FinanceResult
from fiscalsim.finance.run import FinanceInputs, FinanceShocks, simulate_finance
from fiscalsim.scenario import Scenario
from fiscalsim.simulate.population import _allocate_like, draw_demography_shocks, path_blocks
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


def run_block(sc: Scenario, entropy: int, start: int, stop: int, full_years: tuple[int, ...] = (),
              deterministic: bool = False) -> ModelResult:
    """Paths ``start … stop−1`` of the scenario (zero shocks when ``deterministic``)."""
    n_years = len(sc.years)
    if deterministic:
        z = np.zeros((stop - start, n_years))
        from fiscalsim.demography.projector import DemographyShocks

        demo_shocks = DemographyShocks(z, z, z)
        econ_shocks, fin_shocks = EconomyShocks(z, z, z), FinanceShocks(z)
    else:
        demo_shocks = draw_demography_shocks(entropy, start, stop, n_years)
        econ_shocks, fin_shocks = draw_economy_shocks(entropy, start, stop, n_years)
    pop = project(sc.demography, demo_shocks, full_years=full_years)
    working_age = (pop.stock("working_age_male") + pop.stock("working_age_female")).sum(-1)
    econ = project_economy(sc.economy, working_age, pop.stock("total").sum(-1), econ_shocks)
    fi = FinanceInputs(sc.accounts, sc.finance, sc.demography.retirement, sc.demography.base_population)
    return ModelResult(pop, simulate_finance(fi, pop, econ, fin_shocks))


def run_model(sc: Scenario, n_paths: int, entropy: int, full_years: tuple[int, ...] = (),
              progress: Callable[[int], None] | None = None, deterministic: bool = False) -> ModelResult:
    """All paths of a scenario, block by block, into preallocated results."""
    out: ModelResult | None = None
    for start, stop in path_blocks(n_paths):
        part = run_block(sc, entropy, start, stop, full_years, deterministic)
        if out is None:
            fin = FinanceResult(part.finance.years, part.finance.unit_names,
                                {k: np.empty((n_paths,) + v.shape[1:]) for k, v in part.finance.lines.items()},
                                {k: np.empty((n_paths,) + v.shape[1:]) for k, v in part.finance.units.items()})
            out = ModelResult(_allocate_like(part.population, n_paths), fin)
        for name in ("stocks", "flows", "tfr", "mortality_k", "migration_rate", "e0", "full"):
            arr = getattr(part.population, name)
            if arr is not None:
                getattr(out.population, name)[start:stop] = arr
        for k, v in part.finance.lines.items():
            out.finance.lines[k][start:stop] = v
        for k, v in part.finance.units.items():
            out.finance.units[k][start:stop] = v
        if progress is not None:
            progress(stop - start)
        log.debug("model paths %d-%d done", start, stop)
    return out
