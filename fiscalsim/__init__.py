"""fiscalsim: a local-government fiscal stress simulator.

Public API: :func:`load_scenario` reads and validates a scenario file (:func:`bundled_scenario`
locates the shipped ones); :func:`run_scenario` runs its Monte Carlo with the trigger rules;
:func:`run_model` keeps every line of the books; :func:`run_population` runs the population alone.
"""

__version__ = "0.1.0"

from fiscalsim.scenario import Scenario, ScenarioError, bundled_scenario, load_scenario  # noqa: E402
from fiscalsim.simulate.engine import run_model  # noqa: E402
from fiscalsim.simulate.montecarlo import run_scenario  # noqa: E402
from fiscalsim.simulate.population import run_population  # noqa: E402

__all__ = ["Scenario", "ScenarioError", "__version__", "bundled_scenario", "load_scenario", "run_model",
           "run_population", "run_scenario"]
