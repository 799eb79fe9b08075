"""Comparing options run with common random numbers: paired differences, costs, charts."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from fiscalsim.simulate.montecarlo import RunResult  # noqa: E402
from fiscalsim.triggers.rules import NEVER  # noqa: E402


def _year_q(x: np.ndarray, q: float) -> float:
    return float(np.quantile(x, q, method="inverted_cdf"))


def _structural_balance(res: RunResult) -> np.ndarray:
    """Σ over years of own revenue + transfers − obligations due (三保 and debt service), per path:
    a lever that saves money raises it, one that costs money (or loses revenue) lowers it."""
    s = res.series
    return (s["own_revenue"] + s["transfers_total"] - s["sanbao_due"] - s["debt_service_due"]).sum(axis=1)


def comparison_table(options: list[tuple[str, RunResult]], rule: str, key_years: list[int]) -> pd.DataFrame:
    """One row per option for ``rule``. Differences are paired path by path against the first
    option (same seed, so the same shocks): a path on which the rule never fires counts as firing
    the year after the horizon, so differences involving it are lower bounds."""
    base_name, base = options[0]
    years = base.years
    horizon = int(years[-1])
    j = base.rule_ids.index(rule)
    censor = horizon + 1
    base_fp = np.where(base.first_passage[:, j] == NEVER, censor, base.first_passage[:, j])
    base_balance = _structural_balance(base)
    rows = []
    for name, res in options:
        fp_raw = res.first_passage[:, res.rule_ids.index(rule)]
        fp = np.where(fp_raw == NEVER, censor, fp_raw)
        diff = fp - base_fp
        row = {"option": name, "rule": rule}
        for y in key_years:
            row[f"p_by_{y}"] = float(np.mean(fp_raw <= y))
        row["median_year"] = int(_year_q(fp_raw, 0.5))
        row["paired_diff_median_years"] = float(np.median(diff))
        row["paired_diff_q10"] = _year_q(diff, 0.1)
        row["paired_diff_q90"] = _year_q(diff, 0.9)
        row["share_paths_later"] = float(np.mean(diff > 0))
        row["share_paths_earlier"] = float(np.mean(diff < 0))
        effect = _structural_balance(res) - base_balance
        row["cumulative_fiscal_effect_median_yi"] = float(np.median(effect) / 1e8)
        row["cumulative_fiscal_effect_q10_yi"] = float(np.quantile(effect, 0.1) / 1e8)
        row["cumulative_fiscal_effect_q90_yi"] = float(np.quantile(effect, 0.9) / 1e8)
        for y in key_years:
            t = list(years).index(y)
            row[f"staff_{y}"] = float(np.median(res.series["staff"][:, t]))
            row[f"services_per_capita_{y}"] = float(np.median(res.series["services_per_capita"][:, t]))
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["base"] = base_name
    return table


def format_comparison(table: pd.DataFrame, key_years: list[int]) -> str:
    head = (f"{'option':32s} " + " ".join(f"{'P≤' + str(y):>7s}" for y in key_years)
            + f" {'median':>7s} {'Δ years vs ' + table.attrs['base']:>28s} {'Δ balance 亿':>13s} {'staff ' + str(key_years[-1]):>11s}")
    lines = [head, "-" * len(head)]
    for r in table.itertuples():
        probs = " ".join(f"{getattr(r, f'p_by_{y}'):7.0%}" for y in key_years)
        diff = f"{r.paired_diff_median_years:+.0f} ({r.paired_diff_q10:+.0f} to {r.paired_diff_q90:+.0f})"
        median = str(r.median_year) if r.median_year != NEVER else "never"
        staff = getattr(r, f"staff_{key_years[-1]}")
        lines.append(f"{r.option[:32]:32s} {probs} {median:>7s} {diff:>28s} "
                     f"{r.cumulative_fiscal_effect_median_yi:13.1f} {staff:11,.0f}")
    lines.append("Δ years: paired difference in the first year the rule fires (median, 10-90 % of paths); "
                 "Δ balance: cumulative change in own revenue + transfers − 三保 and debt service due.")
    return "\n".join(lines)


WATERFALL = (
    ("own revenue", "own_revenue", +1),
    ("transfers", "transfers_total", +1),
    ("personnel", "personnel_due", -1),
    ("public services", "services_due", -1),
    ("pension subsidy", "si_subsidy_due", -1),
    ("overheads and reform costs", "operations_due", -1),
    ("debt service", "debt_service_due", -1),
)


def waterfall_table(base: RunResult, option: RunResult, year: int) -> pd.DataFrame:
    """Mean over paths of the paired difference (option − reference) of each component of the
    structural balance in ``year``, signed as its effect on the balance; they add up to the total."""
    t = list(base.years).index(year)
    rows = []
    for label, name, sign in WATERFALL:
        d = sign * (option.series[name][:, t] - base.series[name][:, t])
        rows.append({"component": label, "effect_yi": float(d.mean() / 1e8)})
    rows.append({"component": "structural balance", "effect_yi": sum(r["effect_yi"] for r in rows)})
    return pd.DataFrame(rows)


def waterfall_chart(table: pd.DataFrame, title: str, out: list[Path], source: str) -> None:
    parts = table.iloc[:-1]
    total = float(table.iloc[-1].effect_yi)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    level = 0.0
    for i, r in enumerate(parts.itertuples()):
        colour = "#4e9a57" if r.effect_yi >= 0 else "#c0504d"
        ax.bar(i, r.effect_yi, bottom=level, color=colour)
        ax.text(i, level + r.effect_yi, f"{r.effect_yi:+.1f}", ha="center",
                va="bottom" if r.effect_yi >= 0 else "top", fontsize=8)
        level += r.effect_yi
    ax.bar(len(parts), total, color="#3b6ea5")
    ax.text(len(parts), total, f"{total:+.1f}", ha="center", va="bottom" if total >= 0 else "top", fontsize=8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.margins(y=0.18)
    ax.set_xticks(range(len(table)), table.component, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("100 million yuan (mean over paths)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="y")
    fig.text(0.01, 0.01, source, fontsize=6.5, color="0.3")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    for p in out:
        fig.savefig(p, dpi=110)
    plt.close(fig)
