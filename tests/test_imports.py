"""Modules that callers import on their own load in a fresh interpreter (no import cycles
hidden by the order in which the package usually loads them)."""

import subprocess
import sys

import pytest

MODULES = ["fiscalsim.policies", "fiscalsim.finance.steps", "fiscalsim.finance.staffing", "fiscalsim.triggers.rules",
           "fiscalsim.triggers", "fiscalsim.economy", "fiscalsim.feedbacks", "fiscalsim.simulate.coupled"]


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_on_its_own(module):
    res = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
