"""The Japanese books as named lines (yen, ``(n_paths, n_years)``), and the memo lines the
statutory ratios of the 2007 soundness law read.

A book's sources equal its uses every year and path. A deficit is financed by temporary
borrowing (一時借入金) carried across the year's end — the channel through which Yubari hid its
deficit — so the carried borrowing is a source of the year and the previous year's is a use
(repaid, or rolled over). What lenders will not roll over and the general account cannot pay is
not a use: it is an **arrear** of the mandatory spending (memo), kept until repaid.
"""

from __future__ import annotations

GENERAL_SOURCES = (
    "local_tax", "local_tax_surcharge", "shared_taxes", "allocation_tax_ordinary", "allocation_tax_special",
    "grants", "other_revenue", "local_bond_proceeds", "rehabilitation_bond_proceeds", "temporary_borrowing_end",
    "carry_over_in",
)
GENERAL_USES = (
    "exp_personnel", "exp_services", "exp_transfer_to_enterprises", "exp_third_sector", "exp_capital",
    "exp_debt_interest", "exp_debt_principal", "exp_rehabilitation_interest",
    "exp_rehabilitation_principal", "exp_temporary_interest", "exp_arrears_repaid", "temporary_borrowing_start",
    "carry_forward",
)
ENTERPRISE_SOURCES = ("enterprise_revenue", "enterprise_transfer_in", "enterprise_shortfall_end")
ENTERPRISE_USES = ("enterprise_cost", "enterprise_debt_interest", "enterprise_debt_principal",
                   "enterprise_shortfall_start", "enterprise_retained")
BOOKS = {
    "general": (GENERAL_SOURCES, GENERAL_USES),
    "enterprises": (ENTERPRISE_SOURCES, ENTERPRISE_USES),
}
GENERAL_EXPENDITURE = tuple(n for n in GENERAL_USES if n not in ("temporary_borrowing_start", "carry_forward"))
MEMO = (
    # the city's people and spending the budget owes them
    "population", "job_gap", "staff", "price_index", "wage_index", "employment", "services_paid", "sanbao_due", "sanbao_unpaid",
    "personnel_due", "services_due", "general_expenditure",
    # allocation tax (地方交付税) and the standard fiscal scale (標準財政規模)
    "standard_need", "standard_revenue", "standard_fiscal_scale", "debt_service_in_need",
    # stocks at the year's end
    "local_debt", "enterprise_debt", "rehabilitation_debt", "third_sector_debt", "arrears_mandatory",
    "deficit_general", "shortfall_enterprises",
    # the statutory ratios' numerators and thresholds
    "real_deficit", "consolidated_real_deficit", "debt_service_local", "quasi_debt_service", "future_burden",
    "future_burden_offsets", "retirement_allowance", "enterprise_scale", "early_deficit_threshold",
    "early_consolidated_threshold",
    # the rehabilitation plan
    "plan_active", "plan_repayment_target",
)
UNIT_SERIES = ("unit_staff", "unit_personnel")
#: Lines in persons or indices (not money).
NON_MONEY = ("population", "job_gap", "staff", "price_index", "wage_index", "employment", "plan_active",
             "early_deficit_threshold", "early_consolidated_threshold")
