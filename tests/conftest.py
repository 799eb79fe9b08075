import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")
# No timed unit tests (house rule): hypothesis's default 200 ms deadline per example would time
# the first example, which pays for lazy imports (scipy.interpolate is imported on first use).
settings.register_profile("fiscalsim", deadline=None)
settings.load_profile("fiscalsim")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def hegang():
    """The bundled Hegang baseline scenario, loaded once."""
    from fiscalsim.scenario import bundled_scenario, load_scenario

    return load_scenario(bundled_scenario())


@pytest.fixture(params=["numpy", "numba"])
def engine(request):
    """Each projection engine in turn; numba's is skipped (not passed) where numba is missing."""
    if request.param == "numba":
        pytest.importorskip("numba")
    return request.param


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
