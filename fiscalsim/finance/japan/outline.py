"""What runs, reports and checks read from Japan's books (see
:class:`fiscalsim.finance.books.BookOutline`): key series, the structural balance and its
waterfall, the stacked chart of the general account and of the enterprises, lines that are not
money and the scenario keys behind each calibration failure of :mod:`fiscalsim.finance.japan.state`.

The books have no shock process of their own: their uncertainty is in the parameters' distributions
(e.g. the third sector's guaranteed debt) and in the demography and economy that drive them."""

from __future__ import annotations

from fiscalsim.finance.books import BalanceItem, BookOutline, BookStack
from fiscalsim.finance.japan.lines import NON_MONEY

KEY_SERIES = (
    "population", "staff", "services_per_capita", "sanbao_due", "sanbao_unpaid", "general_expenditure",
    "local_tax", "local_tax_surcharge", "allocation_tax_ordinary", "standard_fiscal_scale", "real_deficit",
    "consolidated_real_deficit", "local_debt", "rehabilitation_debt", "deficit_general", "shortfall_enterprises",
    "arrears_mandatory", "exp_personnel", "plan_active",
    # the structural balance's other lines
    "other_revenue", "allocation_tax_special", "shared_taxes", "grants", "personnel_due", "services_due",
    "exp_transfer_to_enterprises", "exp_third_sector", "debt_service_local", "exp_temporary_interest",
)

#: Recurring revenue and transfers less what is due every year (no bonds, no temporary borrowing,
#: no capital): a measure that saves money raises it, one that costs money lowers it.
BALANCE = (
    BalanceItem("local tax and fees", ("local_tax", "local_tax_surcharge", "other_revenue"), +1),
    BalanceItem("allocation and shared taxes", ("allocation_tax_ordinary", "allocation_tax_special", "shared_taxes"),
                +1),
    BalanceItem("grants", ("grants",), +1),
    BalanceItem("personnel", ("personnel_due",), -1),
    BalanceItem("services", ("services_due",), -1),
    BalanceItem("enterprises and third sector", ("exp_transfer_to_enterprises", "exp_third_sector"), -1),
    BalanceItem("debt service", ("debt_service_local", "exp_temporary_interest"), -1),
)

GENERAL = BookStack("general account (一般会計等)", {
    "local tax (standard rates and above)": ("local_tax", "local_tax_surcharge"),
    "local allocation tax": ("allocation_tax_ordinary", "allocation_tax_special"),
    "shared taxes and grants": ("shared_taxes", "grants"),
    "fees and other revenue": ("other_revenue",),
    "local and rehabilitation bonds": ("local_bond_proceeds", "rehabilitation_bond_proceeds"),
    "temporary borrowing carried out": ("temporary_borrowing_end",),
    "surplus carried in": ("carry_over_in",),
}, {
    "personnel": ("exp_personnel",),
    "services and other": ("exp_services",),
    "enterprises and third sector": ("exp_transfer_to_enterprises", "exp_third_sector"),
    "capital": ("exp_capital",),
    "debt service": ("exp_debt_interest", "exp_debt_principal", "exp_rehabilitation_interest",
                     "exp_rehabilitation_principal", "exp_temporary_interest"),
    "arrears repaid": ("exp_arrears_repaid",),
    "temporary borrowing repaid": ("temporary_borrowing_start",),
    "surplus carried forward": ("carry_forward",),
})
ENTERPRISES = BookStack("enterprises and special accounts", {
    "charges": ("enterprise_revenue",),
    "general account's transfer": ("enterprise_transfer_in",),
    "shortfall carried out": ("enterprise_shortfall_end",),
}, {
    "operating cost": ("enterprise_cost",),
    "debt service": ("enterprise_debt_interest", "enterprise_debt_principal"),
    "shortfall carried in": ("enterprise_shortfall_start",),
    "retained": ("enterprise_retained",),
})

_INDEX = {"price_index", "wage_index"}
_RATIO = {"early_deficit_threshold", "early_consolidated_threshold"}
_UNITS = {name: ("index" if name in _INDEX else "ratio" if name in _RATIO else "flag" if name == "plan_active"
                 else "persons") for name in NON_MONEY}

_GENERAL_ACCOUNT = ("accounts.deficit_general_end", "accounts.expenditure", "accounts.local_tax",
                    "accounts.shared_taxes", "accounts.allocation_tax_ordinary", "accounts.allocation_tax_special",
                    "accounts.grants", "accounts.other_revenue", "accounts.local_bond_proceeds")
CALIBRATION_KEYS: dict[str, tuple[str, ...]] = {
    "general-account deficit": _GENERAL_ACCOUNT,
    "enterprise shortfall": ("accounts.shortfall_enterprises_end", "accounts.enterprise_cost",
                             "accounts.enterprise_debt_service", "accounts.enterprise_revenue",
                             "accounts.transfer_to_enterprises"),
    "services and other spending": ("accounts.expenditure", "accounts.personnel", "accounts.debt_service",
                                    "accounts.temporary_interest", "accounts.transfer_to_enterprises",
                                    "accounts.capital", "japan.third_sector_debt", "japan.third_sector_call_share",
                                    "japan.third_sector_years", "japan.debt_rate"),
    "local debt at the base year's start": ("accounts.local_debt_end", "accounts.local_bond_proceeds",
                                            "accounts.debt_service", "japan.debt_rate"),
    "enterprise debt at the base year's start": ("accounts.enterprise_debt_end", "accounts.enterprise_debt_service",
                                                 "japan.debt_rate"),
    "local-debt principal of the base year": ("accounts.debt_service", "accounts.local_debt_end",
                                              "accounts.local_bond_proceeds", "japan.debt_rate"),
    "enterprise-debt principal of the base year": ("accounts.enterprise_debt_service", "accounts.enterprise_debt_end",
                                                   "japan.debt_rate"),
}

JAPAN_OUTLINE = BookOutline(
    key_series=KEY_SERIES,
    balance=BALANCE,
    balance_text="local tax, fees, allocation and shared taxes and grants − personnel, services, the "
                 "enterprises' and third sector's calls and debt service due",
    waterfall=BALANCE,
    stacks=(GENERAL, ENTERPRISES),
    stack_overlay=("arrears_mandatory",),
    watch=(("arrears of personnel and services", "arrears_mandatory"),
           ("a rehabilitation plan running", "plan_active"),
           ("a rehabilitation bond outstanding", "rehabilitation_debt")),
    non_money=_UNITS,
    processes=(),
    calibration_keys=CALIBRATION_KEYS,
    calibration_sections=("accounts", "japan"),
)
