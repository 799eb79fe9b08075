"""One coupled year step for a block of paths: demography → economy → books → feedbacks.

The stages share one year loop, so what the budget does reaches people: the migration of year
``t`` responds to the job gap, the service cuts and the wage arrears the books showed in year
``t−1`` (:mod:`fiscalsim.feedbacks`), and the establishment follows residents inside the
staffing step. Everything random was drawn before the loop (:class:`~fiscalsim.simulate.engine.
BlockDraws`); the loop is deterministic given the draws, and with every feedback off it computes
what the stages computed one after another (:func:`run_sequential`, kept as the reference).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from fiscalsim.demography.projector import (
    DemographyInputs,
    DemographyPlan,
    PopulationResult,
    project,
)
from fiscalsim.demography.step import StepOutput
from fiscalsim.economy import (
    EconomyInputs,
    EconomyPlan,
    economy_base_year,
    economy_year,
    project_economy,
)
from fiscalsim.feedbacks import (
    FeedbackInputs,
    FeedbackSignals,
    migration_response,
    real_services_per_resident,
    signals_of_year,
)
from fiscalsim.finance.books import BookSet, simulate_book_set
from fiscalsim.finance.ledger import FinanceResult
from fiscalsim.finance.model import city_drivers, drivers_from_bands
from fiscalsim.finance.run import FinanceInputs, inputs_of_year


@dataclass(frozen=True)
class BlockInputs:
    """The model inputs of one block (uncertain parameters already drawn per path)."""

    demography: DemographyInputs
    economy: EconomyInputs
    finance: FinanceInputs
    feedbacks: FeedbackInputs


def demography_of_year(plan: DemographyPlan, state, t: int, fb: FeedbackInputs, sig: FeedbackSignals,
                       pop: PopulationResult) -> None:
    """Year ``t`` of the cohorts, with the migration feedbacks of last year's signals; writes the
    year's bands, e₀ and realised migration rate into ``pop``."""
    rates, pop.e0[:, t] = plan.rates(t)
    if fb.moves_people:
        rates = dataclasses.replace(rates, migration_rate=rates.migration_rate + migration_response(fb, sig)[:, None])
    pop.migration_rate[:, t] = rates.migration_rate
    plan.step(state, t, rates, out=StepOutput(pop.stocks[:, t], pop.flows[:, t]))


@dataclass
class Loop:
    """The state of the coupled loop for one block: cohorts, economy, books and last year's signals."""

    inputs: BlockInputs
    books: BookSet
    plan: DemographyPlan
    econ: EconomyPlan
    pop: PopulationResult
    fin: FinanceResult
    cohorts: object = None
    econ_state: object = None
    setup: object = None
    state: object = None
    signals: FeedbackSignals | None = None
    services0: np.ndarray | None = None  # base-year real services per resident


def base_year(loop: Loop, shocks) -> None:
    """The base year: its people, the economy's base levels, the books set up and booked as published."""
    demography_of_year(loop.plan, loop.cohorts, 0, loop.inputs.feedbacks, loop.signals, loop.pop)
    drivers = drivers_from_bands(loop.pop.stocks[:, 0])
    city = drivers["city"]
    ey, loop.econ_state = economy_base_year(loop.econ, city["working_age"], city["residents"])
    x = inputs_of_year(drivers, ey, 0)
    demo = loop.inputs.demography
    loop.setup, loop.state = loop.books.setup(loop.inputs.finance, x, shocks, np.asarray(demo.years), demo.n_units)
    loop.books.base_year(loop.setup, loop.state, x, loop.fin)
    loop.services0 = real_services_per_resident(loop.fin.lines, 0)
    loop.signals = signals_of_year(loop.fin.lines, 0, loop.services0)


def later_year(loop: Loop, t: int) -> None:
    """Year ``t``: people (with last year's feedbacks), the economy, the books, then the signals."""
    demography_of_year(loop.plan, loop.cohorts, t, loop.inputs.feedbacks, loop.signals, loop.pop)
    drivers = drivers_from_bands(loop.pop.stocks[:, t])
    city = drivers["city"]
    ey = economy_year(loop.econ, loop.econ_state, t, city["working_age"], city["residents"])
    loop.books.year(loop.setup, loop.state, inputs_of_year(drivers, ey, t), loop.fin)
    if loop.inputs.feedbacks.moves_people:
        loop.signals = signals_of_year(loop.fin.lines, t, loop.services0)


def run_coupled(inputs: BlockInputs, books: BookSet, draws, pop: PopulationResult, fin: FinanceResult,
                full_years: tuple[int, ...] = (), engine: str | None = None) -> None:
    """Every year of one block, written into ``pop`` and ``fin`` (arrays for exactly these paths).
    Population by single age is kept at 1 January of ``full_years`` (``years[-1] + 1``: the end),
    by unit or for the city, as ``pop.full`` is shaped."""
    demo = inputs.demography
    plan = DemographyPlan.prepare(demo, draws.demography, engine)
    loop = Loop(inputs, books, plan, EconomyPlan.prepare(inputs.economy, draws.economy), pop, fin, plan.start(),
                signals=FeedbackSignals.quiet(plan.n_paths))
    keep = {int(y) - int(demo.years[0]): i for i, y in enumerate(full_years)}
    for t in range(demo.n_years + 1):
        if t in keep:
            loop.cohorts.by_age(out=pop.full[:, keep[t]])
        if t == demo.n_years:
            break
        if t:
            later_year(loop, t)
        else:
            base_year(loop, draws.finance)
    pop.tfr[...], pop.mortality_k[...] = plan.tfr, plan.mortality_k


def run_sequential(inputs: BlockInputs, books: BookSet, draws, pop: PopulationResult, fin: FinanceResult,
                   full_years: tuple[int, ...] = (), engine: str | None = None) -> None:
    """The stages one after another over the whole horizon (no feedback can act): the reference
    the coupled loop equals with its feedbacks off."""
    project(inputs.demography, draws.demography, full_years=full_years, out=pop, engine=engine)
    drivers = city_drivers(pop)
    econ = project_economy(inputs.economy, drivers["city"]["working_age"], drivers["city"]["residents"],
                           draws.economy)
    simulate_book_set(books, inputs.finance, pop, econ, draws.finance, out=fin)
