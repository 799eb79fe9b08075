"""What runs, reports and checks read from China's four books (see
:class:`fiscalsim.finance.books.BookOutline`): key series, the structural balance and its
waterfall, the stacked chart of each book, lines that are not money, the market-rate process and
the scenario keys behind each calibration failure."""

from __future__ import annotations

from fiscalsim.finance.books import BalanceItem, BookOutline, BookStack, ShockProcess

KEY_SERIES = (
    "population", "own_revenue", "transfers_total", "general_expenditure", "exp_personnel",
    "exp_general_interest", "debt_service_due", "sanbao_unpaid", "debt_government",
    "debt_lgfv", "arrears_debt", "arrears_sanbao", "arrears_fund", "arrears_lgfv", "arrears_suppliers",
    "government_debt_arrears", "provincial_advances", "carry_forward",
    "stabilisation_balance", "standard_fiscal_scale", "land_revenue", "staff",
    "pension_retirees", "si_fiscal_subsidy", "services_per_capita", "sanbao_due", "personnel_due",
    "services_due", "operations_due", "lgfv_support_due", "exp_lgfv_support",
    "new_bond_quota", "job_gap",
)

BALANCE = (
    BalanceItem("own revenue", ("own_revenue",), +1),
    BalanceItem("transfers", ("transfers_total",), +1),
    BalanceItem("三保 due", ("sanbao_due",), -1),
    BalanceItem("debt service", ("debt_service_due",), -1),
)
WATERFALL = (
    BalanceItem("own revenue", ("own_revenue",), +1),
    BalanceItem("transfers", ("transfers_total",), +1),
    BalanceItem("personnel", ("personnel_due",), -1),
    BalanceItem("public services", ("services_due",), -1),
    BalanceItem("pension subsidy", ("si_fiscal_subsidy",), -1),
    BalanceItem("overheads and reform costs", ("operations_due",), -1),
    BalanceItem("debt service", ("debt_service_due",), -1),
)

GENERAL = BookStack("general public budget", {
    "own revenue": ("own_tax_revenue", "own_nontax_revenue"),
    "equalisation transfer": ("transfer_equalisation",),
    "special transfers and tax returns": ("transfer_special", "transfer_tax_returns"),
    "bond proceeds": ("bond_proceeds_refinancing", "bond_proceeds_new"),
    "carry-over, fund and stabilisation": ("carry_over_in", "transfer_in_from_fund", "stabilisation_drawn"),
    "provincial substitute payment": ("provincial_substitute_general",),
    "asset sales and provincial aid": ("asset_sales", "provincial_aid"),
}, {
    "personnel": ("exp_personnel",),
    "social insurance subsidy": ("exp_social_insurance_subsidy",),
    "public services": ("exp_services_education", "exp_services_elderly", "exp_services_residents"),
    "低保 and staff pensions": ("exp_dibao", "exp_staff_pensions"),
    "overheads and policy costs": ("exp_overhead", "exp_policy_costs"),
    "debt service (incl. LGFV support)": ("exp_general_interest", "bond_principal_repaid", "exp_lgfv_support"),
    "arrears repaid": ("exp_arrears_repaid",),
    "capital and other": ("exp_capital", "exp_other_residual"),
    "remittance up": ("remittance_up",),
    "carry-forward and stabilisation": ("carry_forward", "stabilisation_paid_in"),
})
FUND = BookStack("government fund budget", {
    "land revenue": ("land_revenue",), "project revenue": ("project_revenue",), "subsidy": ("fund_subsidy",),
    "special bonds": ("special_bond_proceeds_refinancing", "special_bond_proceeds_new"),
    "carry-over": ("fund_carry_over_in",), "provincial substitute payment": ("provincial_substitute_fund",),
}, {
    "land costs": ("land_costs",), "projects": ("fund_projects_residual",),
    "special-debt service": ("special_interest", "special_principal_repaid", "fund_arrears_repaid"),
    "to the general budget": ("transfer_out_to_general",), "carry-forward": ("fund_carry_forward",),
})
#: The social-insurance fund is drawn as flows: its balances at the year's start and end are not stacked.
SOCIAL_INSURANCE = BookStack("social-insurance fund (flows)", {
    "premiums": ("si_premiums",), "local fiscal subsidy": ("si_fiscal_subsidy",),
    "upper-level subsidy": ("si_upper_subsidy",), "other": ("si_other_revenue",),
}, {"benefits": ("si_benefits",), "remitted up": ("si_remitted_up",), "other": ("si_other_expenditure",)})

NON_MONEY = {"staff": "persons", "staff_retirements": "persons", "staff_hires": "persons",
             "pension_contributors": "persons", "pension_retirees": "persons", "population": "persons",
             "employment": "persons", "job_gap": "persons", "wage_index": "index", "price_index": "index",
             "staff_wage_index": "index", "restructured": "flag"}

_DEBT_REGISTER = ("accounts.debt_end", "accounts.debt_change", "accounts.bond_revenue",
                  "accounts.bond_principal_repaid", "accounts.fund_bond_proceeds", "debt.general_share")
CALIBRATION_KEYS: dict[str, tuple[str, ...]] = {
    "standard need must exceed own revenue": ("accounts.expenditure", "accounts.own_revenue"),
    "social-security expenditure is smaller than": ("accounts.social_security_expenditure",
                                                    "accounts.si_fiscal_subsidy"),
    "the expenditure assumptions explain": (
        "accounts.expenditure", "finance.personnel_share", "finance.education_services_share",
        "finance.resident_services_share", "finance.capital_share", "finance.overhead_per_unit",
        "accounts.social_security_expenditure"),
    "fund expenditure is smaller than": ("accounts.fund_expenditure", "accounts.land_revenue",
                                         "finance.land_cost_share", "accounts.fund_bond_proceeds",
                                         "accounts.debt_change"),
    "the debt figures and the general share": _DEBT_REGISTER,
    "base-year bond revenue is smaller than": ("accounts.bond_revenue", "accounts.bond_principal_repaid",
                                               "accounts.fund_bond_proceeds", "debt.refinancing_share_bonds"),
    "earmarked resources (special transfers": ("finance.transfer_share_special", "finance.carry_forward_free_share",
                                                "accounts.carry_over_in", "accounts.carry_forward",
                                                "accounts.bond_revenue", "finance.capital_share"),
    "the special-transfer and tax-return shares": ("finance.transfer_share_special",
                                                   "finance.transfer_share_tax_returns"),
    "a government-bond maturity table": ("debt.maturity_tables",),
    "finance.staff_pension_share and finance.dibao_share": ("finance.staff_pension_share", "finance.dibao_share"),
}

CHINA_OUTLINE = BookOutline(
    key_series=KEY_SERIES,
    balance=BALANCE,
    balance_text="own revenue + transfers − 三保 and debt service due",
    waterfall=WATERFALL,
    stacks=(GENERAL, FUND, SOCIAL_INSURANCE),
    stack_overlay=("arrears_debt", "arrears_sanbao", "arrears_fund"),
    watch=(("government-bond arrears", "government_debt_arrears"), ("LGFV support arrears", "arrears_lgfv"),
           ("三保 arrears (wages, livelihood, operations)", "arrears_sanbao")),
    non_money=NON_MONEY,
    processes=(ShockProcess("process: market rate", "market_rate_process", "market_rate"),),
    calibration_keys=CALIBRATION_KEYS,
    calibration_sections=("accounts", "finance", "debt"),
)
