"""Liquidity: free and earmarked resources, committed floors and the priority waterfall.

Money arriving in a book is either **free** (usable for anything) or **earmarked** (tied to a
purpose):

* refinancing-bond proceeds repay the principal they refinance, nothing else;
* new-bond proceeds pay for projects (capital in the general budget, projects in the fund budget);
* special transfers pay for their programmes (services and capital);
* the carry-forward is split into 结转 (earmarked, spent on its purpose next year) and 结余 (free);
* fund-budget money stays in the fund book except its legal transfer to the general budget.

Free resources then settle obligations in a fixed order (:func:`settle`): remittances, 三保
(wages, basic livelihood, operations), **committed floors** (the part of capital and other
spending that cannot stop within a year), government-debt service, LGFV support, arrears of
earlier years, discretionary spending and the free carry-forward. Whatever cannot be paid becomes
an arrears stock of its own kind — never dropped, never turned into debt — and arrears are repaid
only from free resources. All arrays are ``(n_paths,)`` yuan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiscalsim.finance.debt import DebtYear

SERVICES = ("education", "elderly", "residents", "dibao")


def settle(resources: np.ndarray, items: list[tuple[str, np.ndarray]]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Pay ``items`` in order of priority out of ``resources`` (all ``(n_paths,)`` yuan).

    Returns what was paid of each item and what is left over (never negative).
    """
    remaining = np.array(resources, dtype=float, copy=True)
    paid = {}
    for name, amount in items:
        p = np.minimum(amount, remaining)
        paid[name] = p
        remaining -= p
    return paid, remaining


def substitute(share: np.ndarray | float, unpaid: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The province pays ``share`` of the unpaid items, in their order; returns what it paid of
    each and in total."""
    total = share * sum(unpaid.values())
    paid, _ = settle(total, list(unpaid.items()))
    return paid, total


@dataclass(frozen=True)
class FundYear:
    """One year of the government fund budget; paid amounts by line and the arrears it leaves."""

    paid: dict[str, np.ndarray]  # land_costs, interest, principal, debt_arrears, land_arrears, transfer_out, projects
    provincial: np.ndarray
    carry_forward: np.ndarray
    arrears_debt: np.ndarray  # special-debt service unpaid after provincial substitution (stock)
    arrears_land: np.ndarray  # land costs unpaid (an operating arrear, stock)


def fund_year(free: np.ndarray, special: DebtYear, land_costs: np.ndarray, transfer_out: np.ndarray,
              projects_target: np.ndarray, carry_target: np.ndarray, arrears_debt: np.ndarray,
              arrears_land: np.ndarray, provincial_share: np.ndarray | float) -> FundYear:
    """Settle the fund budget: refinancing proceeds repay principal, new special bonds fund
    projects, free fund money (land revenue, subsidies, the carry-over) pays the rest in order."""
    bond_projects = np.minimum(projects_target, special.new_issuance)
    paid, left = settle(free, [
        ("land_costs", land_costs), ("interest", special.interest_due),
        ("principal", special.principal_due - special.refinanced), ("debt_arrears", arrears_debt),
        ("land_arrears", arrears_land), ("transfer_out", transfer_out),
        ("projects", projects_target - bond_projects), ("carry_forward", carry_target)])
    unpaid = {"interest": special.interest_due - paid["interest"],
              "principal": special.principal_due - special.refinanced - paid["principal"],
              "debt_arrears": arrears_debt - paid["debt_arrears"]}
    prov, prov_total = substitute(provincial_share, unpaid)
    for k in unpaid:
        paid[k] = paid[k] + prov[k]
    paid["principal"] = paid["principal"] + special.refinanced
    paid["projects"] = paid["projects"] + bond_projects
    carry = paid.pop("carry_forward") + left + (special.new_issuance - bond_projects)
    return FundYear(paid, prov_total, carry, sum(unpaid.values()) - prov_total,
                    (land_costs - paid["land_costs"]) + (arrears_land - paid["land_arrears"]))


@dataclass(frozen=True)
class GeneralDue:
    """What the general budget owes in a year (each ``(n_paths,)`` yuan)."""

    remit: np.ndarray
    sanbao: dict[str, np.ndarray]  # personnel, si_subsidy, education, elderly, residents, dibao, staff_pensions, overhead, policy
    capital: np.ndarray  # target
    other: np.ndarray  # target
    capital_floor: np.ndarray  # committed part of the capital target
    other_floor: np.ndarray
    interest: np.ndarray
    principal: np.ndarray  # principal due (refinancing proceeds repay part of it)
    lgfv: np.ndarray  # support LGFV debt needs from the budget
    carry_free: np.ndarray  # targeted free carry-forward (结余)
    carry_earmarked: np.ndarray  # targeted earmarked carry-forward (结转)


@dataclass(frozen=True)
class GeneralArrears:
    """Arrears stocks at the start of the year, by kind."""

    sanbao: np.ndarray
    suppliers: np.ndarray
    debt: np.ndarray
    lgfv: np.ndarray


@dataclass(frozen=True)
class GeneralYear:
    paid: dict[str, np.ndarray]
    drawn: np.ndarray  # from the stabilisation fund
    paid_in: np.ndarray  # into the stabilisation fund
    provincial: np.ndarray
    arrears: GeneralArrears  # stocks at the end of the year
    carry_free: np.ndarray
    carry_earmarked: np.ndarray
    free_resources: np.ndarray  # free money of the year, stabilisation fund included
    crowding_gap: np.ndarray  # 三保 and government-debt service due beyond free resources (≥ 0)


def spend_earmarked(pool: np.ndarray, due: GeneralDue) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Earmarked money (special transfers, new-bond proceeds, 结转) first keeps the targeted 结转,
    then pays capital and the services; returns what it paid and the 结转 carried."""
    carry = np.minimum(pool, due.carry_earmarked)
    paid, unspent = settle(pool - carry, [("capital", due.capital)] + [(k, due.sanbao[k]) for k in SERVICES])
    return paid, carry + unspent


def general_year(free: np.ndarray, stabilisation: np.ndarray, earmarked: np.ndarray, refinanced: np.ndarray,
                 due: GeneralDue, arrears: GeneralArrears, provincial_share: np.ndarray | float) -> GeneralYear:
    """Settle the general budget (see the module docstring)."""
    tied, carry_e = spend_earmarked(earmarked, due)
    sanbao_rest = {k: v - tied.get(k, 0.0) for k, v in due.sanbao.items()}
    capital_floor = np.maximum(due.capital_floor - tied["capital"], 0.0)
    net_principal = due.principal - refinanced
    resources = free + stabilisation
    gap = np.maximum(due.remit + sum(sanbao_rest.values()) + due.interest + net_principal - resources, 0.0)
    paid, left = settle(resources, [("remit", due.remit)] + list(sanbao_rest.items()) + [
        ("capital_floor", capital_floor), ("other_floor", due.other_floor),
        ("interest", due.interest), ("principal", net_principal), ("lgfv", due.lgfv),
        ("sanbao_arrears", arrears.sanbao), ("supplier_arrears", arrears.suppliers),
        ("debt_arrears", arrears.debt), ("lgfv_arrears", arrears.lgfv),
        ("capital", due.capital - tied["capital"] - capital_floor), ("other", due.other - due.other_floor),
        ("carry_forward", due.carry_free)])
    drawn = np.clip(stabilisation - left, 0.0, stabilisation)
    paid_in = np.maximum(left - stabilisation, 0.0)
    unpaid_debt = {"interest": due.interest - paid["interest"], "principal": net_principal - paid["principal"],
                   "debt_arrears": arrears.debt - paid["debt_arrears"]}
    prov, prov_total = substitute(provincial_share, unpaid_debt)
    for k in unpaid_debt:
        paid[k] = paid[k] + prov[k]
    end = GeneralArrears(
        sanbao=sum(sanbao_rest[k] - paid[k] for k in sanbao_rest) + arrears.sanbao - paid["sanbao_arrears"],
        suppliers=(capital_floor - paid["capital_floor"]) + (due.other_floor - paid["other_floor"])
        + arrears.suppliers - paid["supplier_arrears"],
        # an unpaid remittance (never seen in practice) is owed upward like a debt
        debt=sum(unpaid_debt.values()) - prov_total + (due.remit - paid["remit"]),
        lgfv=(due.lgfv - paid["lgfv"]) + arrears.lgfv - paid["lgfv_arrears"],
    )
    for k in SERVICES:
        paid[k] = paid[k] + tied[k]
    paid["capital"] = paid["capital"] + paid.pop("capital_floor") + tied["capital"]
    paid["other"] = paid["other"] + paid.pop("other_floor")
    paid["principal"] = paid["principal"] + refinanced
    carry_free = paid.pop("carry_forward")
    return GeneralYear(paid, drawn, paid_in, prov_total, end, carry_free, carry_e, free + drawn, gap)
