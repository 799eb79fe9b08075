"""fiscalsim: a local-government fiscal stress simulator.

Public API: :func:`load_scenario` reads and validates a scenario file; :func:`run_population`
runs the stochastic cohort-component projection it describes.
"""

__version__ = "0.1.0"

from fiscalsim.scenario import Scenario, ScenarioError, load_scenario  # noqa: E402
from fiscalsim.simulate.population import run_population  # noqa: E402

__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario", "run_population"]
