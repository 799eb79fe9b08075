"""Names the command line needs before any table or chart is made: chart kinds and money units.

Kept apart from :mod:`fiscalsim.report.charts` (matplotlib) and :mod:`fiscalsim.report.tables`
(pandas), so that defining the commands imports neither.
"""

from __future__ import annotations

#: Chart kinds: ``fan`` draws one chart per indicator, ``fans`` all indicators in one figure.
KINDS = ("headline", "survival", "fans", "fan", "pyramid")
#: What ``run`` draws by default: few charts, each worth putting in a report.
RUN_KINDS = ("headline", "survival", "fans", "pyramid")

#: Money units an output can use: factor from the currency's base unit (yuan or yen).
MONEY_UNITS = {"亿元": 1e8, "万元": 1e4, "yuan": 1.0, "million yuan": 1e6, "billion yuan": 1e9,
               "億円": 1e8, "万円": 1e4, "百万円": 1e6, "yen": 1.0}
#: The currency of each money unit: an output's unit must be in its scenario's currency.
MONEY_UNIT_CURRENCY = {u: ("yen" if u in ("億円", "万円", "百万円", "yen") else "yuan") for u in MONEY_UNITS}
