"""The four books as tables and the stacked revenue/expenditure chart."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from fiscalsim.finance.ledger import BOOKS, MEMO, FinanceResult  # noqa: E402

WAN = 1e4


def books_table(f: FinanceResult, path: int = 0) -> pd.DataFrame:
    """Tidy lines of one path: year, book, side (source/use/memo), line, value_wan (万元)."""
    rows = []
    for book, (sources, uses) in BOOKS.items():
        for side, names in (("source", sources), ("use", uses)):
            for name in names:
                rows.append((book, side, name, f[name][path]))
    for name in MEMO:
        rows.append(("memo", "memo", name, f[name][path]))
    frames = [pd.DataFrame({"year": f.years, "book": b, "side": s, "line": n,
                            "value_wan": v / WAN if not _is_count(n) else v}) for b, s, n, v in rows]
    return pd.concat(frames, ignore_index=True)


def _is_count(name: str) -> bool:
    return name in {"staff", "staff_retirements", "staff_hires", "pension_contributors", "pension_retirees",
                    "population", "employment", "job_gap", "wage_index", "price_index"}


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


def budget_stack_chart(f: FinanceResult, title: str, paths: list[Path], source: str, path: int = 0) -> None:
    """Sources and uses of each book stacked by group (100 million yuan, nominal); arrears
    outstanding drawn on the general budget's uses."""
    years = f.years
    fig, axes = plt.subplots(3, 2, figsize=(13, 13), sharex=True)
    for row, (book, sources, uses) in enumerate(BOOK_GROUPS):
        for col, (groups, side) in enumerate(((sources, "sources"), (uses, "uses"))):
            ax = axes[row, col]
            data = [sum(f[n][path] for n in names) / 1e8 for names in groups.values()]
            ax.stackplot(years, data, labels=list(groups), alpha=0.85)
            ax.set_title(f"{book}: {side}", fontsize=10)
            ax.grid(alpha=0.3)
            if row == 0 and col == 1:
                arrears = (f["arrears_debt"][path] + f["arrears_sanbao"][path] + f["arrears_fund"][path]) / 1e8
                ax.plot(years, arrears, color="black", linewidth=1.5, linestyle="--", label="arrears outstanding")
            ax.legend(loc="upper left", fontsize=7)
        axes[row, 0].set_ylabel("100 million yuan (yi yuan), nominal")
    for ax in axes[-1]:
        ax.set_xlabel("year")
    fig.suptitle(title)
    fig.text(0.01, 0.005, source, fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.015, 1, 0.97))
    for p in paths:
        fig.savefig(p, dpi=100)
    plt.close(fig)


def wide_table(f: FinanceResult, path: int = 0) -> pd.DataFrame:
    """One row per year, one column per line (万元; counts and indices as they are)."""
    data = {"year": f.years}
    for name in f.lines:
        data[name] = f[name][path] / (1 if _is_count(name) else WAN)
    return pd.DataFrame(data)
