"""Policy levers and the automatic restructuring response (scenario section ``policies``)."""

from fiscalsim.policies.levers import POLICIES, build_levers

__all__ = ["POLICIES", "build_levers"]
