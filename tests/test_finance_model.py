"""The public-finance model: base-year calibration and accounting identities."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscalsim.finance.ledger import BOOKS, FUND_EXPENDITURE, GENERAL_EXPENDITURE
from fiscalsim.simulate.engine import run_model
from fiscalsim.simulate.sampling import zero_variance

WAN = 1e4  # yuan per 万元


@pytest.fixture(scope="module")
def baseline(hegang):
    return run_model(hegang, 1, 0, deterministic=True).finance


def wan(f, *names, t=0):
    return round(float(sum(f[n][0, t] for n in names)) / WAN)


def test_base_year_reproduces_hegang_2020_accounts_to_the_wan_yuan(baseline):
    f = baseline
    # General public budget (FACTS.md §2, 2020 budget execution report), 万元.
    assert wan(f, "own_tax_revenue", "own_nontax_revenue") == 229_843
    assert wan(f, "own_tax_revenue") == 133_000  # 13.3亿 (statistics bulletin)
    assert wan(f, "carry_over_in") == 310_288
    assert wan(f, "bond_proceeds_refinancing", "bond_proceeds_new") == 172_859
    assert wan(f, "stabilisation_drawn") == 8_524
    assert wan(f, "transfer_in_from_fund") == 10_871
    assert wan(f, "transfer_equalisation", "transfer_special", "transfer_tax_returns") == 1_046_508
    assert wan(f, *BOOKS["general"][0]) == 1_778_893
    assert wan(f, *GENERAL_EXPENDITURE) == 1_368_276
    assert wan(f, "remittance_up") == 60_351
    assert wan(f, "bond_principal_repaid") == 84_535
    assert wan(f, "stabilisation_paid_in") == 3_942
    assert wan(f, "carry_forward") == 261_789
    assert wan(f, *BOOKS["general"][1]) == 1_778_893
    assert wan(f, "exp_social_insurance_subsidy", "exp_services_elderly", "exp_dibao", "exp_staff_pensions") == 315_000  # 31.5亿 social security
    # Government fund budget.
    assert wan(f, "land_revenue") == 21_096
    assert wan(f, "fund_subsidy") == 48_630
    assert wan(f, "fund_carry_over_in") == 9_130
    assert wan(f, "special_bond_proceeds_refinancing", "special_bond_proceeds_new") == 70_431
    assert wan(f, *BOOKS["fund"][0]) == 149_287
    assert wan(f, *FUND_EXPENDITURE) == 124_622
    assert wan(f, "transfer_out_to_general") == 10_871
    assert wan(f, "fund_carry_forward") == 13_794
    # Social-insurance fund.
    assert wan(f, "si_premiums") == 179_199
    assert wan(f, "si_fiscal_subsidy") == 90_789
    assert wan(f, "si_upper_subsidy") == 506_108
    assert wan(f, "si_other_revenue") == 9_203
    assert wan(f, "si_premiums", "si_fiscal_subsidy", "si_upper_subsidy", "si_other_revenue") == 785_299
    assert wan(f, "si_balance_start") == 146_499
    assert wan(f, "si_benefits") == 668_827
    assert wan(f, "si_remitted_up") == 96_236
    assert wan(f, "si_other_expenditure") == 5_039
    assert wan(f, "si_benefits", "si_remitted_up", "si_other_expenditure") == 770_102
    assert wan(f, "si_balance_end") == 161_696
    # Debt: 131.1289亿 at end-2020. Published bond principal and interest were paid: no
    # government-bond arrears in the base year (LGFV support unpaid is the waterfall's answer).
    assert wan(f, "debt_government") == 1_311_289
    assert wan(f, "arrears_debt") == 0


def test_residuals_the_sources_do_not_split_are_named_and_positive(baseline):
    assert baseline["exp_other_residual"][0, 0] > 0
    assert baseline["fund_projects_residual"][0, 0] > 0


def test_88_interest_test_could_not_bind_in_2020(baseline):
    # FACTS §2: with 131亿 of debt the 10 % interest test could not bind; what broke was liquidity.
    ratio = baseline["exp_general_interest"][0, 0] / baseline["general_expenditure"][0, 0]
    assert 0.01 < ratio < 0.10


def check_identities(f):
    rel = 1e-9
    for book, (sources, uses) in BOOKS.items():
        s = sum(f[n] for n in sources)
        u = sum(f[n] for n in uses)
        np.testing.assert_allclose(s, u, rtol=rel, err_msg=book)
    # debt(t+1) = debt(t) + issuance − principal due, per instrument
    for name, iss, due in (("debt_general", "general_bond_issuance", "general_principal_due"),
                           ("debt_special", "special_bond_issuance", "special_principal_due")):
        np.testing.assert_allclose(f[name][:, 1:], f[name][:, :-1] + f[iss][:, 1:] - f[due][:, 1:], rtol=rel,
                                   atol=1e-6)
    np.testing.assert_allclose(f["debt_lgfv"][:, 1:], f["debt_lgfv"][:, :-1] + f["lgfv_refinanced"][:, 1:]
                               - f["lgfv_principal_due"][:, 1:] - f["debt_swap"][:, 1:], rtol=rel, atol=1e-6)
    # Every yuan of 三保 left unpaid is arrears: stock(t) = stock(t−1) + due − paid − arrears repaid.
    sanbao_paid = sum(f[n] for n in ("exp_personnel", "exp_social_insurance_subsidy", "exp_services_education",
                                     "exp_services_elderly", "exp_services_residents", "exp_dibao",
                                     "exp_staff_pensions", "exp_overhead", "exp_policy_costs"))
    prev = np.concatenate([np.zeros((f["arrears_sanbao"].shape[0], 1)), f["arrears_sanbao"][:, :-1]], axis=1)
    scale = f["general_expenditure"].max()
    np.testing.assert_allclose(f["arrears_sanbao"], prev + f["sanbao_due"] - sanbao_paid - f["arrears_repaid_sanbao"],
                               atol=rel * scale)
    # Each kind of arrears is its own stock: stock(t) = stock(t−1) + due − paid (city and province)
    # − arrears repaid. Government debt (with the remittance), LGFV support and committed spending.
    def lag(x):
        return np.concatenate([np.zeros((x.shape[0], 1)), x[:, :-1]], axis=1)

    due = f["general_interest_due"] + f["general_principal_due"] + f["remittance_due"]
    paid = f["exp_general_interest"] + f["bond_principal_repaid"] + f["remittance_up"]
    np.testing.assert_allclose(f["arrears_debt"][:, 1:], (lag(f["arrears_debt"]) + due - paid
                                                          - f["arrears_repaid_debt"])[:, 1:], atol=rel * scale)
    np.testing.assert_allclose(f["arrears_lgfv"], lag(f["arrears_lgfv"]) + f["lgfv_support_due"]
                               - f["exp_lgfv_support"] - f["arrears_repaid_lgfv"], atol=rel * scale)
    committed = f["capital_due"] + f["other_due"]
    spent = f["exp_capital"] + f["exp_other_residual"]
    new_supplier = f["arrears_suppliers"] - lag(f["arrears_suppliers"]) + f["arrears_repaid_suppliers"]
    np.testing.assert_allclose(np.minimum(new_supplier, 0.0), 0.0, atol=rel * scale)
    np.testing.assert_array_less(new_supplier[:, 1:], committed[:, 1:] - spent[:, 1:] + rel * scale)
    # Government-debt arrears never include LGFV support; the fund book's land arrears are no debt.
    np.testing.assert_allclose(f["government_debt_arrears"], f["arrears_debt"] + f["arrears_fund_debt"], rtol=rel)
    np.testing.assert_allclose(f["arrears_fund"], f["arrears_fund_debt"] + f["arrears_fund_land"], rtol=rel)
    # Provincial substitute payments accumulate as advances owed by the city.
    np.testing.assert_allclose(f["provincial_advances"], np.cumsum(
        f["provincial_substitute_general"] + f["provincial_substitute_fund"], axis=1), rtol=rel, atol=1e-6)
    # No negative balances or payments.
    for n in ("carry_forward", "stabilisation_balance", "fund_carry_forward", "exp_capital", "exp_other_residual",
              "arrears_debt", "arrears_sanbao", "arrears_fund", "arrears_lgfv", "arrears_suppliers",
              "carry_forward_free", "carry_forward_earmarked", "sanbao_debt_gap"):
        assert f[n].min() >= -1e-6 * scale, n


def after_base(base_value, value, n_years):
    """A path equal to the calibrated value in the base year and ``value`` afterwards."""
    out = np.full(n_years, value)
    out[0] = base_value[0]
    return out


@settings(max_examples=12, deadline=None)
@given(
    refi=st.floats(0.0, 1.0), refi_lgfv=st.floats(0.0, 1.0), depletion=st.floats(0.0, 0.2),
    province=st.floats(0.0, 1.0), hires=st.floats(0.0, 2.0), new_general=st.floats(0.0, 5e9),
    wage_sigma=st.floats(0.0, 0.05), rate_sigma=st.floats(0.0, 0.01), seed=st.integers(0, 2**32),
)
def test_identities_hold_for_any_inputs(hegang, refi, refi_lgfv, depletion, province, hires, new_general,
                                        wage_sigma, rate_sigma, seed):
    n_years = len(hegang.years)
    fin = dataclasses.replace(
        hegang.finance,
        refinancing_share_bonds=after_base(hegang.finance.refinancing_share_bonds, refi, n_years),
        refinancing_share_lgfv=after_base(hegang.finance.refinancing_share_lgfv, refi_lgfv, n_years),
        provincial_substitute_share=province, hires_per_retirement=np.full(n_years, hires),
        new_general_bonds=np.full(n_years, new_general),
        market_rate_process=dataclasses.replace(hegang.finance.market_rate_process, sigma=rate_sigma),
    )
    econ = dataclasses.replace(hegang.economy, coal_depletion=depletion,
                               wage_process=dataclasses.replace(hegang.economy.wage_process, sigma=wage_sigma))
    sc = dataclasses.replace(hegang, finance=fin, economy=econ)
    check_identities(run_model(sc, 6, seed).finance)


def test_identities_in_the_baseline_monte_carlo(hegang):
    f = run_model(hegang, 40, 7).finance
    check_identities(f)
    assert f["debt_service_unpaid"][:, 1:].max() > 0  # the baseline does run short of money


def test_zero_variance_equals_deterministic(hegang):
    quiet = zero_variance(hegang)
    noisy = run_model(quiet, 5, 123).finance
    deterministic = run_model(quiet, 5, 0, deterministic=True).finance
    for name in ("general_expenditure", "arrears_debt", "debt_government", "carry_forward"):
        np.testing.assert_array_equal(noisy[name], deterministic[name])

