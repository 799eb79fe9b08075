"""The four books as named lines, and the identities they satisfy.

Every line is a series ``(n_paths, n_years)`` in yuan. A book's sources equal its uses every year
and path; obligations that could not be paid are not uses — they are **arrears** (memo lines),
so that ``due = paid + new arrears`` for every obligation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GENERAL_SOURCES = (
    "own_tax_revenue", "own_nontax_revenue", "transfer_equalisation", "transfer_special",
    "transfer_tax_returns", "carry_over_in", "bond_proceeds_refinancing", "bond_proceeds_new",
    "stabilisation_drawn", "transfer_in_from_fund", "provincial_substitute_general", "asset_sales",
    "provincial_aid",
)
GENERAL_USES = (
    "exp_personnel", "exp_social_insurance_subsidy", "exp_services_education", "exp_services_elderly",
    "exp_services_residents", "exp_dibao", "exp_staff_pensions", "exp_overhead", "exp_general_interest",
    "exp_lgfv_support", "exp_arrears_repaid", "exp_policy_costs", "exp_capital", "exp_other_residual", "remittance_up",
    "bond_principal_repaid", "stabilisation_paid_in", "carry_forward",
)
FUND_SOURCES = (
    "land_revenue", "project_revenue", "fund_subsidy", "fund_carry_over_in", "special_bond_proceeds_refinancing",
    "special_bond_proceeds_new", "provincial_substitute_fund",
)
FUND_USES = (
    "land_costs", "fund_projects_residual", "special_interest", "special_principal_repaid",
    "fund_arrears_repaid", "transfer_out_to_general", "fund_carry_forward",
)
SI_SOURCES = ("si_premiums", "si_fiscal_subsidy", "si_upper_subsidy", "si_other_revenue", "si_balance_start")
SI_USES = ("si_benefits", "si_remitted_up", "si_other_expenditure", "si_balance_end")
BOOKS = {
    "general": (GENERAL_SOURCES, GENERAL_USES),
    "fund": (FUND_SOURCES, FUND_USES),
    "social_insurance": (SI_SOURCES, SI_USES),
}
#: Expenditure (支出) of the general budget in the sense of the budget report.
GENERAL_EXPENDITURE = (
    "exp_personnel", "exp_social_insurance_subsidy", "exp_services_education", "exp_services_elderly",
    "exp_services_residents", "exp_dibao", "exp_staff_pensions", "exp_overhead", "exp_general_interest", "exp_lgfv_support",
    "exp_arrears_repaid", "exp_policy_costs", "exp_capital", "exp_other_residual",
)
FUND_EXPENDITURE = ("land_costs", "fund_projects_residual", "special_interest", "special_principal_repaid",
                    "fund_arrears_repaid")
#: Expenditure on the basis of the 88号 interest tests: no debt principal, no arrears repaid.
GENERAL_EXPENDITURE_88 = tuple(n for n in GENERAL_EXPENDITURE if n != "exp_arrears_repaid")
FUND_EXPENDITURE_88 = ("land_costs", "fund_projects_residual", "special_interest")
MEMO = (
    # debt register (stocks at year end, flows in the year)
    "debt_general", "debt_special", "debt_lgfv", "debt_government", "general_interest_due",
    "general_principal_due", "special_interest_due", "special_principal_due", "lgfv_interest_due",
    "lgfv_principal_due", "lgfv_refinanced", "lgfv_support_due", "debt_service_due", "debt_service_unpaid",
    "general_bond_issuance", "special_bond_issuance", "new_bond_quota", "debt_swap", "restructured",
    "staff_wage_index",
    # arrears stocks by kind (end of year), repayments, balances
    "arrears_debt", "arrears_sanbao", "arrears_lgfv", "arrears_suppliers", "arrears_fund_debt",
    "arrears_fund_land", "arrears_fund", "government_debt_arrears",
    "arrears_repaid_sanbao", "arrears_repaid_debt", "arrears_repaid_lgfv", "arrears_repaid_suppliers",
    "remittance_due", "capital_due", "other_due", "provincial_advances", "stabilisation_balance",
    "carry_forward_free", "carry_forward_earmarked",
    # liquidity and aggregates used by triggers and reports
    "free_resources", "sanbao_debt_gap",
    "general_expenditure", "fund_expenditure", "general_expenditure_88", "fund_expenditure_88",
    "sanbao_due", "sanbao_unpaid", "personnel_due", "services_due", "services_paid",
    "si_subsidy_due", "operations_due", "comprehensive_capacity",
    "own_revenue", "transfers_total", "standard_fiscal_scale", "general_balance_before_financing",
    "debt_service_net_of_refinancing", "debt_service_in_standard_need",
    # staffing, pension and economy
    "staff", "staff_retirements", "staff_hires", "establishment", "retired_staff", "pension_contributors", "pension_retirees",
    "population", "employment", "job_gap", "wage_index", "price_index",
)
UNIT_SERIES = ("unit_overhead", "unit_services", "unit_staff", "unit_personnel")


@dataclass
class FinanceResult:
    """Lines by name: city series ``(n_paths, n_years)``, unit series ``(n_paths, n_years, n_units)``.

    The city series of :meth:`empty` are views of one year-major array ``(n_lines, n_years,
    n_paths)``: the year loop writes a year of every line as contiguous rows (a tenth of the cost
    of writing strided columns); readers see ordinary ``(n_paths, n_years)`` arrays."""

    years: np.ndarray
    unit_names: tuple[str, ...]
    lines: dict[str, np.ndarray] = field(default_factory=dict)
    units: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def empty(cls, n_paths: int, years: np.ndarray, unit_names: tuple[str, ...],
              line_names: tuple[str, ...] | None = None, unit_series: tuple[str, ...] | None = None) -> FinanceResult:
        """An unfilled result for ``n_paths`` paths (the model writes into its :meth:`rows`) with the
        lines of a book set (default: China's, :func:`all_line_names` and :data:`UNIT_SERIES`)."""
        n_years, n_units = len(years), len(unit_names)
        lines = all_line_names() if line_names is None else line_names
        units = UNIT_SERIES if unit_series is None else unit_series
        store = np.empty((len(lines), n_years, n_paths))
        store.fill(np.nan)
        unit_store = np.empty((len(units), n_paths, n_years, n_units))
        unit_store.fill(np.nan)
        return cls(np.asarray(years), tuple(unit_names),
                   {name: store[i].T for i, name in enumerate(lines)},
                   {name: unit_store[i] for i, name in enumerate(units)})

    def rows(self, start: int, stop: int) -> FinanceResult:
        """Views of paths ``start … stop−1``."""
        return FinanceResult(self.years, self.unit_names, {k: v[start:stop] for k, v in self.lines.items()},
                             {k: v[start:stop] for k, v in self.units.items()})

    def __getitem__(self, name: str) -> np.ndarray:
        return self.lines[name]

    def book_totals(self, book: str) -> tuple[np.ndarray, np.ndarray]:
        sources, uses = BOOKS[book]
        return sum(self.lines[n] for n in sources), sum(self.lines[n] for n in uses)


def all_line_names() -> tuple[str, ...]:
    names: list[str] = []
    for sources, uses in BOOKS.values():
        names += list(sources) + list(uses)
    return tuple(names) + MEMO
