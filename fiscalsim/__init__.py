"""fiscalsim: a local-government fiscal stress simulator.

Public API:

* :func:`run` — run a scenario (a file, a bundled name such as ``"transfer_cut"``, or a loaded
  :class:`Scenario`) and get a :class:`Results` with tidy tables (``summary``, ``headline``,
  ``first_passage``, ``quantiles``, ``pyramid``, ``assumptions``) and ``plot_*`` charts;
* :func:`load_scenario` reads and validates a scenario file; :func:`bundled_scenarios` lists the
  shipped ones and :func:`bundled_scenario` locates one;
* :func:`run_scenario` (raw arrays of a run), :func:`run_model` (every line of the books) and
  :func:`run_population` (the population alone) for lower-level work.

The names are imported on first use (PEP 562), so ``import fiscalsim`` — and every worker
process, which imports the package before its simulation modules — stays light: the report
layer (pandas, matplotlib) loads only when a table or chart is asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # what the names are, for type checkers and the API reference
    from fiscalsim.api import bundled_scenarios, run, run_population, run_scenario
    from fiscalsim.report.results import Results
    from fiscalsim.scenario import Scenario, ScenarioError, bundled_scenario, load_scenario
    from fiscalsim.simulate.engine import run_model

#: Public name → the module that defines it.
PUBLIC = {
    "bundled_scenarios": "fiscalsim.api", "run": "fiscalsim.api", "run_population": "fiscalsim.api",
    "run_scenario": "fiscalsim.api", "Results": "fiscalsim.report.results", "Scenario": "fiscalsim.scenario",
    "ScenarioError": "fiscalsim.scenario", "bundled_scenario": "fiscalsim.scenario",
    "load_scenario": "fiscalsim.scenario", "run_model": "fiscalsim.simulate.engine",
}

__all__ = ["Results", "Scenario", "ScenarioError", "__version__", "bundled_scenario", "bundled_scenarios",
           "load_scenario", "run", "run_model", "run_population", "run_scenario"]


def __getattr__(name: str):
    if name not in PUBLIC:
        raise AttributeError(f"module 'fiscalsim' has no attribute {name!r}")
    value = getattr(import_module(PUBLIC[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
