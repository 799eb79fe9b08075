"""What ``fiscalsim validate`` checks beyond the scenario file itself: that the model can start.

The base year must reproduce the scenario's accounts (for China's books the calibration in
:mod:`fiscalsim.finance.model` and the debt register of :mod:`fiscalsim.finance.run`; for Japan's
:mod:`fiscalsim.finance.japan.state`). When it cannot, the
:class:`~fiscalsim.finance.model.CalibrationError` becomes a
:class:`~fiscalsim.scenario.ScenarioError` that names the scenario file and line and every key
whose value or unit is involved (the book set's own key map), with the value as written — a
debt given in 万元 where 亿元 was meant shows up at once. The model is started with the central values, then with each
parameter that has a distribution at either end of its range (the others central), because a
Monte Carlo run stops when any one path cannot be calibrated.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from fiscalsim.finance.books import book_set
from fiscalsim.finance.model import CalibrationError
from fiscalsim.scenario import Scenario, ScenarioError
from fiscalsim.scenario.schema import ParamValue, location_of
from fiscalsim.scenario.uncertainty import Distribution
from fiscalsim.simulate.engine import run_model
from fiscalsim.simulate.sampling import zero_variance
from fiscalsim.units import UNITS


def calibration_keys(sc: Scenario, message: str) -> tuple[str, ...]:
    """The scenario keys involved in a calibration failure, from the scenario's book set
    (:attr:`~fiscalsim.finance.books.BookOutline.calibration_keys`; its sections when it is not known)."""
    return book_set(sc.books).outline.calibration_keys_of(message)


def check_calibration(sc: Scenario, tree: Any) -> None:
    """Raise a located :class:`ScenarioError` when the base year cannot be calibrated.

    ``tree`` is the scenario's composed YAML tree (:func:`fiscalsim.scenario.load_scenario_and_tree`),
    used to name the file and line of each key involved.
    """
    for label, variant in _variants(sc):
        try:
            run_model(variant, 1, 0)
        except CalibrationError as exc:
            raise _located(sc, tree, str(exc), label) from None


def _variants(sc: Scenario):
    """The scenario with all variances zero, then with each distribution at either end."""
    quiet = zero_variance(sc)
    yield "", quiet
    for i, u in enumerate(sc.uncertain):
        dist = u.param.distribution
        if dist is None:
            continue
        for end, q in (("lower", 1e-12), ("upper", 1 - 1e-12)):
            value = float(dist.ppf(np.array(q)))
            if u.param.clip is not None:
                value = float(np.clip(value, *u.param.clip))
            fixed = dataclasses.replace(u.param, distribution=Distribution("fixed", (("value", value),)))
            uncertain = list(quiet.uncertain)
            uncertain[i] = dataclasses.replace(uncertain[i], param=fixed)
            label = f" with {u.key} at the {end} end of its distribution ({_in_unit(value, u.param)})"
            yield label, dataclasses.replace(quiet, uncertain=tuple(uncertain))


def _in_unit(value: float, param: ParamValue) -> str:
    """A model-unit value in the unit the scenario states it in."""
    factor = next((table[param.unit] for table in UNITS.values() if param.unit in table), 1.0)
    return f"{value / factor:,.6g} {param.unit}"


def _stated(tree: Any, key: str) -> str:
    """How ``key`` is written in the scenario: ``value unit``, or the kind of parameter."""
    node = tree
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return "(not set)"
    unit = node.get("unit", "")
    if "value" in node:
        return f"{node['value']} {unit}".strip()
    kind = next((k for k in ("distribution", "path", "table") if k in node), None)
    return f"a {kind} in {unit}" if kind else "(no value)"


def _located(sc: Scenario, tree: Any, message: str, label: str) -> ScenarioError:
    keys = calibration_keys(sc, message)
    file, line = location_of(tree, keys[0])
    listed = []
    for key in keys:
        f, ln = location_of(tree, key)
        where = f"line {ln}" if f == file else (f if ln is None else f"{f}:{ln}")
        listed.append(f"{key} = {_stated(tree, key)} ({where})")
    return ScenarioError(f"the base year cannot reproduce the scenario's accounts{label}: {message}. "
                         f"Check these values and their units: {'; '.join(listed)}", file or str(sc.path), line,
                         keys[0])
