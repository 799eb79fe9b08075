"""Policy levers and the automatic restructuring response (scenario section ``policies``).

The section's schema and its building into model settings live with the other sections, in
:mod:`fiscalsim.scenario.levers`; the settings themselves are
:class:`fiscalsim.finance.inputs.PolicyLevers` and :class:`~fiscalsim.finance.inputs.RestructuringResponse`.
"""

from fiscalsim.scenario.levers import POLICIES, build_levers

__all__ = ["POLICIES", "build_levers"]
