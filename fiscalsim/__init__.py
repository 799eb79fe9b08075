"""fiscalsim: a local-government fiscal stress simulator.

Public API:

* :func:`run` — run a scenario (a file, a bundled name such as ``"transfer_cut"``, or a loaded
  :class:`Scenario`) and get a :class:`Results` with tidy tables (``summary``, ``headline``,
  ``first_passage``, ``quantiles``, ``pyramid``, ``assumptions``) and ``plot_*`` charts;
* :func:`load_scenario` reads and validates a scenario file; :func:`bundled_scenarios` lists the
  shipped ones and :func:`bundled_scenario` locates one;
* :func:`run_scenario` (raw arrays of a run), :func:`run_model` (every line of the books) and
  :func:`run_population` (the population alone) for lower-level work.
"""

__version__ = "0.1.0"

from fiscalsim.api import bundled_scenarios, run, run_population, run_scenario  # noqa: E402
from fiscalsim.report.results import Results  # noqa: E402
from fiscalsim.scenario import Scenario, ScenarioError, bundled_scenario, load_scenario  # noqa: E402
from fiscalsim.simulate.engine import run_model  # noqa: E402

__all__ = ["Results", "Scenario", "ScenarioError", "__version__", "bundled_scenario", "bundled_scenarios",
           "load_scenario", "run", "run_model", "run_population", "run_scenario"]
