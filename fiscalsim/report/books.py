"""The four books as tables and the stacked revenue/expenditure chart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fiscalsim.finance.ledger import BOOKS, MEMO, FinanceResult
from fiscalsim.report.style import chart_style, footer, new_figure, save
from fiscalsim.report.tables import MONEY_UNITS

#: Lines that are not money, with their units.
NON_MONEY_LINES = {"staff": "persons", "staff_retirements": "persons", "staff_hires": "persons",
                   "pension_contributors": "persons", "pension_retirees": "persons", "population": "persons",
                   "employment": "persons", "job_gap": "persons", "wage_index": "index", "price_index": "index",
                   "staff_wage_index": "index", "restructured": "flag"}


def line_unit(name: str, money_unit: str) -> tuple[float, str]:
    """Divisor from model units and the unit of a line of the books."""
    if name in NON_MONEY_LINES:
        return 1.0, NON_MONEY_LINES[name]
    return MONEY_UNITS[money_unit], money_unit


def books_table(f: FinanceResult, path: int = 0, money_unit: str = "亿元") -> pd.DataFrame:
    """Tidy lines of one path: year, book, side (source/use/memo), line, value, unit (money in
    ``money_unit``; counts in persons, indices as they are)."""
    rows = []
    for book, (sources, uses) in BOOKS.items():
        for side, names in (("source", sources), ("use", uses)):
            for name in names:
                rows.append((book, side, name, f[name][path]))
    for name in MEMO:
        rows.append(("memo", "memo", name, f[name][path]))
    frames = []
    for b, s, n, v in rows:
        divisor, unit = line_unit(n, money_unit)
        frames.append(pd.DataFrame({"year": f.years, "book": b, "side": s, "line": n, "value": v / divisor,
                                    "unit": unit}))
    return pd.concat(frames, ignore_index=True)


GENERAL_REVENUE_GROUPS = {
    "own revenue": ("own_tax_revenue", "own_nontax_revenue"),
    "equalisation transfer": ("transfer_equalisation",),
    "special transfers and tax returns": ("transfer_special", "transfer_tax_returns"),
    "bond proceeds": ("bond_proceeds_refinancing", "bond_proceeds_new"),
    "carry-over, fund and stabilisation": ("carry_over_in", "transfer_in_from_fund", "stabilisation_drawn"),
    "provincial substitute payment": ("provincial_substitute_general",),
}
GENERAL_USE_GROUPS = {
    "personnel": ("exp_personnel",),
    "social insurance subsidy": ("exp_social_insurance_subsidy",),
    "public services": ("exp_services_education", "exp_services_elderly", "exp_services_residents"),
    "overheads": ("exp_overhead",),
    "debt service (incl. LGFV support)": ("exp_general_interest", "bond_principal_repaid", "exp_lgfv_support"),
    "arrears repaid": ("exp_arrears_repaid",),
    "capital and other": ("exp_capital", "exp_other_residual"),
    "remittance up": ("remittance_up",),
    "carry-forward and stabilisation": ("carry_forward", "stabilisation_paid_in"),
}


FUND_SOURCE_GROUPS = {
    "land revenue": ("land_revenue",), "project revenue": ("project_revenue",), "subsidy": ("fund_subsidy",),
    "special bonds": ("special_bond_proceeds_refinancing", "special_bond_proceeds_new"),
    "carry-over": ("fund_carry_over_in",), "provincial substitute payment": ("provincial_substitute_fund",),
}
FUND_USE_GROUPS = {
    "land costs": ("land_costs",), "projects": ("fund_projects_residual",),
    "special-debt service": ("special_interest", "special_principal_repaid", "fund_arrears_repaid"),
    "to the general budget": ("transfer_out_to_general",), "carry-forward": ("fund_carry_forward",),
}
SI_SOURCE_GROUPS = {
    "premiums": ("si_premiums",), "local fiscal subsidy": ("si_fiscal_subsidy",),
    "upper-level subsidy": ("si_upper_subsidy",), "other": ("si_other_revenue",),
}
SI_USE_GROUPS = {"benefits": ("si_benefits",), "remitted up": ("si_remitted_up",), "other": ("si_other_expenditure",)}
BOOK_GROUPS = (
    ("general public budget", GENERAL_REVENUE_GROUPS, GENERAL_USE_GROUPS),
    ("government fund budget", FUND_SOURCE_GROUPS, FUND_USE_GROUPS),
    ("social-insurance fund (flows)", SI_SOURCE_GROUPS, SI_USE_GROUPS),
)


def budget_stack_chart(f: FinanceResult, title: str, paths: list[Path], source: str, path: int = 0,
                       money_unit: str = "亿元") -> None:
    """Sources and uses of each book stacked by group (``money_unit``, nominal); arrears
    outstanding drawn on the general budget's uses."""
    years = f.years
    divisor = MONEY_UNITS[money_unit]
    with chart_style():
        fig = new_figure(13, 13)
        axes = fig.subplots(3, 2, sharex=True)
        for row, (book, sources, uses) in enumerate(BOOK_GROUPS):
            for col, (groups, side) in enumerate(((sources, "sources"), (uses, "uses"))):
                ax = axes[row, col]
                data = [sum(f[n][path] for n in names) / divisor for names in groups.values()]
                ax.stackplot(years, data, labels=list(groups), alpha=0.85)
                ax.set_title(f"{book}: {side}")
                if row == 0 and col == 1:
                    arrears = (f["arrears_debt"][path] + f["arrears_sanbao"][path] + f["arrears_fund"][path]) / divisor
                    ax.plot(years, arrears, color="black", linewidth=1.5, linestyle="--", label="arrears outstanding")
                ax.legend(loc="upper left", fontsize=7)
            axes[row, 0].set_ylabel(f"{money_unit}, nominal")
        for ax in axes[-1]:
            ax.set_xlabel("year")
        fig.suptitle(title)
        footer(fig, source)
        save(fig, paths)


def wide_table(f: FinanceResult, path: int = 0, money_unit: str = "亿元") -> pd.DataFrame:
    """One row per year, one column per line (money in ``money_unit``, stated in the
    ``money_unit`` column; counts and indices as they are)."""
    data = {"year": f.years, "money_unit": money_unit}
    for name in f.lines:
        data[name] = f[name][path] / line_unit(name, money_unit)[0]
    return pd.DataFrame(data)
