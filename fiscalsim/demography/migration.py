"""Net-migration age profiles: Rogers-Castro model schedules and the census residual method.

Net migrants of a cohort are ``M(a, s) = r · g(a, s) · P(a, s)``: a net migration rate ``r``
(per person-year, negative for net out-migration) times a relative age-sex intensity ``g`` times
the population at risk (see :mod:`fiscalsim.demography.ccmpp`). Both sources below give the shape
of ``g``; :func:`fiscalsim.demography.projector.normalise_intensity` scales it so that ``r`` is the
crude rate on the base population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.demography.graduation import graduate_cumulative


@dataclass(frozen=True)
class RogersCastro:
    """Seven-parameter Rogers-Castro schedule (Rogers & Castro 1981, *Model Migration Schedules*).

    ``m(x) = a1·exp(−alpha1·x) + a2·exp(−alpha2·(x − mu2) − exp(−lambda2·(x − mu2))) + c``:
    a childhood component falling with age, a labour-force peak near ``mu2`` and a constant.
    """

    a1: float = 0.02
    alpha1: float = 0.10
    a2: float = 0.06
    alpha2: float = 0.11
    mu2: float = 20.0
    lambda2: float = 0.40
    c: float = 0.003

    def schedule(self, ages: np.ndarray) -> np.ndarray:
        x = np.asarray(ages, dtype=float)
        child = self.a1 * np.exp(-self.alpha1 * x)
        labour = self.a2 * np.exp(-self.alpha2 * (x - self.mu2) - np.exp(-self.lambda2 * (x - self.mu2)))
        return child + labour + self.c


def rogers_castro_intensity(model: RogersCastro, n_ages: int) -> np.ndarray:
    """Age-sex intensity shape (2, n_ages), the same schedule for both sexes (unnormalised)."""
    shape = model.schedule(np.arange(n_ages))
    return np.stack([shape, shape])


def survive_cohorts(pop: np.ndarray, cohort_survival: np.ndarray) -> np.ndarray:
    """Age a closed population (no births, no migration) through successive years.

    pop : ndarray (..., n_ages) at the start.
    cohort_survival : ndarray (n_steps, ..., n_ages), ``Sₓ`` of each year (open group last).
    Returns the survivors after ``n_steps`` years; ages below ``n_steps`` are zero.
    """
    out = np.asarray(pop, dtype=float).copy()
    for S in cohort_survival:
        nxt = np.zeros_like(out)
        nxt[..., 1:] = out[..., :-1] * S[..., :-1]
        nxt[..., -1] += out[..., -1] * S[..., -1]
        out = nxt
    return out


@dataclass(frozen=True)
class ResidualEstimate:
    """Intercensal net migration from the residual (cohort-survival) method.

    net_migrants_by_group : ndarray (2, n_groups), net migrants over the interval counted as
        survivors at the second census, by five-year age group at the second census
        (lower bounds in ``group_edges[:-1]``).
    rates : ndarray (2, n_ages), annual net migration rate by single age **at migration**
        (group rates, graduated, moved back by half the interval): the intensity shape.
    crude_rate : float, net migrants per person-year over the interval.
    """

    net_migrants_by_group: np.ndarray
    group_edges: np.ndarray
    rates: np.ndarray
    crude_rate: float


def estimate_residual_migration(
    pop_first: np.ndarray,
    pop_second: np.ndarray,
    cohort_survival: np.ndarray,
    child_parent_ratio: float = 1.0,
    oldest_identified_age: int = 80,
) -> ResidualEstimate:
    """Net migration by age and sex between two censuses an integer number of years apart.

    The first census (single years, ``(2, n_ages)``) is survived forward year by year with
    ``cohort_survival`` (``(n_years, 2, n_ages)``, no migration); the residual
    ``observed − expected`` at the second census is the net number of migrants who survived to
    it. Residuals are summed to five-year groups (the single years of a graduated census carry no
    more information). Cohorts born between the censuses have no first-census count; their
    rate is ``child_parent_ratio`` times that of ages 25-44 at the second census (children move
    with their parents, as in Rogers & Castro's child-dependency component).

    Group rates are residuals over person-years (interval × mean of expected and observed),
    graduated to single years and moved back by half the interval: a migrant seen at age ``a``
    at the second census moved, on average, at ``a − n/2``. At the oldest ages the residual
    mostly measures the gap between the assumed and the true mortality (and age misreporting),
    not migration: from ``oldest_identified_age`` up, the rate is the mean rate of the ten years
    below it.
    """
    n_years, _, n_ages = cohort_survival.shape
    expected = survive_cohorts(pop_first, cohort_survival)
    residual = pop_second - expected
    parents = slice(25, 45)
    parent_rate = residual[:, parents].sum() / pop_second[:, parents].sum()
    residual[:, :n_years] = child_parent_ratio * parent_rate * pop_second[:, :n_years]
    expected[:, :n_years] = pop_second[:, :n_years] - residual[:, :n_years]
    edges = np.append(np.arange(0, n_ages, 5), n_ages).astype(float)
    starts = edges[:-1].astype(int)
    groups = np.add.reduceat(residual, starts, axis=-1)
    exposure = n_years * 0.5 * np.add.reduceat(expected + pop_second, starts, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        group_rates = np.where(exposure > 0, groups / np.where(exposure > 0, exposure, 1.0), 0.0)
    single = graduate_cumulative(edges, group_rates * np.diff(edges))
    shift = n_years // 2
    rates = np.empty((2, n_ages))
    rates[:, : n_ages - shift] = single[:, shift:]
    rates[:, n_ages - shift :] = single[:, -1:]
    cut = oldest_identified_age
    rates[:, cut:] = rates[:, cut - 10 : cut].mean(axis=-1, keepdims=True)
    person_years = 0.5 * (pop_first.sum() + pop_second.sum()) * n_years
    return ResidualEstimate(
        net_migrants_by_group=groups,
        group_edges=edges,
        rates=rates,
        crude_rate=float(residual.sum() / person_years),
    )
