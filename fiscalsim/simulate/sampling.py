"""Drawing the uncertain parameters of a scenario for a block of paths.

A parameter with a ``distribution`` or a ``process`` is drawn per path. Its standard normals come
from its own stream of the seed tree, named after its key path (``param.<key>`` and
``param.<key>.process``), so adding an uncertain parameter shifts no other draw, and two scenarios
run with the same seed share them (common random numbers). Correlated parameters (the scenario's
``uncertainty.correlations``) are coupled by a **Gaussian copula**: their independent normals are
multiplied by the Cholesky factor of the correlation matrix before each is mapped through its own
inverse CDF.

Which parameters may be uncertain, and where their draws go, is the scenario's business
(:data:`fiscalsim.scenario.targets.REGISTRY`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from fiscalsim.scenario.schema import ParamValue
from fiscalsim.scenario.targets import Uncertain
from fiscalsim.simulate.seeding import standard_normal


def draw_values(param: ParamValue, normal: np.ndarray, innovations: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Per-path values ``(n_paths, n_years)`` of one parameter, in model units.

    normal : (n_paths,) standard normals for the distribution (correlated by the copula);
    innovations : (n_paths, n_years) standard normals for the process.
    """
    from fiscalsim.scenario.inverse_cdf import normal_cdf

    base = param.series(years)[None, :]
    if param.distribution is not None:
        u = np.clip(normal_cdf(normal), 1e-12, 1 - 1e-12)
        base = np.broadcast_to(param.distribution.ppf(u)[:, None], (len(normal), len(years)))
    out = np.array(np.broadcast_to(base, (len(normal), len(years))), dtype=float)
    if param.process is not None:
        out = out + param.process.deviations(innovations)
    if param.clip is not None:
        out = np.clip(out, *param.clip)
    return out


def draw_normals(uncertain: list[Uncertain], copula: tuple[list[str], np.ndarray] | None, entropy: int,
                 start: int, stop: int) -> dict[str, np.ndarray]:
    """Standard normals (n_paths,) per uncertain parameter, correlated by the copula."""
    z = {u.key: standard_normal(entropy, f"param.{u.key}", start, stop, 1)[:, 0] for u in uncertain}
    if copula is not None:
        keys, chol = copula
        stacked = np.stack([z[k] for k in keys], axis=1) @ chol.T
        for i, k in enumerate(keys):
            z[k] = stacked[:, i]
    return z


def _get(obj: Any, field: str) -> Any:
    for part in field.split("."):
        obj = getattr(obj, part)
    return obj


def _set(obj: Any, field: str, value: Any) -> Any:
    head, _, rest = field.partition(".")
    if rest:
        return dataclasses.replace(obj, **{head: _set(getattr(obj, head), rest, value)})
    return dataclasses.replace(obj, **{head: value})


def draw_parameter_shocks(uncertain: list[Uncertain], copula, entropy: int, start: int, stop: int,
                          n_years: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Standard normals (n_paths,) for each uncertain parameter's distribution (correlated by the
    copula) and innovations (n_paths, n_years) for its process, from the seed tree."""
    normals = draw_normals(uncertain, copula, entropy, start, stop)
    # only a parameter with a process uses innovations (each stream is its own: skipping one shifts
    # no other draw)
    innovations = {u.key: standard_normal(entropy, f"param.{u.key}.process", start, stop, n_years)
                   if u.param.process is not None else None for u in uncertain}
    return normals, innovations


def apply_parameter_shocks(inputs: dict[str, Any], uncertain: list[Uncertain], normals: dict[str, np.ndarray],
                           innovations: dict[str, np.ndarray], years: np.ndarray, n_units: int) -> dict[str, Any]:
    """Model inputs with every uncertain parameter set per path from its normals and innovations."""
    out = dict(inputs)
    for u in uncertain:
        t = u.target
        if _get(out[t.inputs], t.field) is None:
            continue  # an input switched off (e.g. a feedback) stays off whatever its distribution
        draw = draw_values(u.param, normals[u.key], innovations[u.key], years)  # (n_paths, n_years)
        if t.shape == "scalar":
            value = draw[:, 0]
        elif t.shape == "series":
            value = draw
        else:
            value = np.repeat(draw[:, None, :], n_units, axis=1)
        if t.factor is not None:
            value = value * getattr(inputs[t.inputs], t.factor) / u.param.scalar()
        out[t.inputs] = _set(out[t.inputs], t.field, value)
    return out


def materialise(inputs: dict[str, Any], uncertain: list[Uncertain], copula, entropy: int, start: int, stop: int,
                years: np.ndarray, n_units: int) -> dict[str, Any]:
    """Model inputs for paths ``start … stop−1`` with every uncertain parameter drawn per path."""
    if not uncertain:
        return inputs
    normals, innovations = draw_parameter_shocks(uncertain, copula, entropy, start, stop, len(years))
    return apply_parameter_shocks(inputs, uncertain, normals, innovations, years, n_units)


def zero_variance(sc: Any) -> Any:
    """The scenario with every variance set to zero: each distribution degenerate at its median,
    each process and built-in shock process (demography, economy and its book set's own, see
    :attr:`~fiscalsim.finance.books.BookOutline.processes`) with zero innovation (and no drift).
    Its Monte Carlo run equals the deterministic projection exactly."""
    from fiscalsim.finance.books import book_set
    from fiscalsim.scenario.uncertainty import Distribution, Process

    def quiet_param(u: Uncertain) -> Uncertain:
        p = u.param
        dist = Distribution("fixed", (("value", p.distribution.central()),)) if p.distribution else None
        proc = None
        if p.process is not None:
            proc = Process(p.process.kind, tuple((k, 0.0 if k in ("sigma", "drift") else v)
                                                 for k, v in p.process.params))
        return dataclasses.replace(u, param=dataclasses.replace(p, distribution=dist, process=proc))

    def quiet(proc: Any) -> Any:
        return dataclasses.replace(proc, sigma=0.0)

    d, e, f = sc.demography, sc.economy, sc.finance
    return dataclasses.replace(
        sc,
        demography=dataclasses.replace(d, lc_sigma=0.0, tfr_process=quiet(d.tfr_process),
                                       migration_process=quiet(d.migration_process)),
        economy=dataclasses.replace(e, wage_process=quiet(e.wage_process), coal_process=quiet(e.coal_process),
                                    land_price_process=quiet(e.land_price_process)),
        finance=dataclasses.replace(f, **{p.field: quiet(getattr(f, p.field))
                                          for p in book_set(sc.books).outline.processes}),
        uncertain=tuple(quiet_param(u) for u in sc.uncertain),
    )
