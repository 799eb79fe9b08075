"""Upper-level transfers: a formula-driven general (equalisation) transfer, special transfers
and tax returns.

The equalisation transfer follows the logic of China's general transfer payments (均衡性转移支付):
``T = coefficient × max(standard need − standard capacity, 0)``, where the standard need prices
the populations the city serves (residents, pupils, elderly) at standard unit costs and the
standard capacity is the revenue its tax base would yield at standard effort (its own revenue).
"""

from __future__ import annotations

import numpy as np


def standard_need(unit_costs: np.ndarray, driver_populations: np.ndarray) -> np.ndarray:
    """Σ unit cost × population: unit_costs (..., n_drivers) yuan/person, populations
    (..., n_drivers) persons → (...) yuan."""
    return (unit_costs * driver_populations).sum(axis=-1)


def equalisation_transfer(need: np.ndarray, capacity: np.ndarray, coefficient: np.ndarray) -> np.ndarray:
    """``coefficient × max(need − capacity, 0)`` (yuan)."""
    return coefficient * np.maximum(need - capacity, 0.0)
