"""Comparing options run with common random numbers: paired differences, costs, charts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fiscalsim.finance.books import BalanceItem, book_set
from fiscalsim.report.headline import year_or_na, year_text
from fiscalsim.report.style import CLASS_COLOURS, GREY, chart_style, footer, new_figure, save
from fiscalsim.report.tables import MONEY_UNITS
from fiscalsim.simulate.montecarlo import RunResult
from fiscalsim.triggers.rules import NEVER


def _year_q(x: np.ndarray, q: float) -> float:
    return float(np.quantile(x, q, method="inverted_cdf"))


def balance_part(res: RunResult, item: BalanceItem) -> np.ndarray:
    """One component of a structural balance, signed: (n_paths, n_years), model units."""
    return item.sign * sum(res.series[name] for name in item.lines)


def structural_balance(res: RunResult, items: tuple[BalanceItem, ...]) -> np.ndarray:
    """Σ over years of the book set's structural balance (e.g. own revenue + transfers − 三保 and debt
    service due), per path: a lever that saves money raises it, one that costs money (or loses
    revenue) lowers it."""
    return sum(balance_part(res, item) for item in items).sum(axis=1)


def comparison_table(options: list[tuple[str, RunResult]], rule: str, key_years: list[int],
                     money_unit: str = "亿元") -> pd.DataFrame:
    """One row per option for ``rule``. Differences are paired path by path against the first
    option (same seed, so the same shocks): a path on which the rule never fires counts as firing
    the year after the horizon, so differences involving it are lower bounds. ``p_by_*`` are
    shares of paths; ``median_year`` is missing when not by the horizon; money in ``money_unit``
    (stated in the ``money_unit`` column); staff in persons; services per capita in the currency's
    base unit. The options must share a book set (the structural balance is its
    :attr:`~fiscalsim.finance.books.BookOutline.balance`)."""
    factor = MONEY_UNITS[money_unit]
    base_name, base = options[0]
    if any(res.books != base.books for _, res in options):
        raise ValueError("options on different book sets cannot be compared")
    years = base.years
    horizon = int(years[-1])
    j = base.rule_ids.index(rule)
    censor = horizon + 1
    base_fp = np.where(base.first_passage[:, j] == NEVER, censor, base.first_passage[:, j])
    balance = book_set(base.books).outline.balance
    base_balance = structural_balance(base, balance)
    rows = []
    for name, res in options:
        fp_raw = res.first_passage[:, res.rule_ids.index(rule)]
        fp = np.where(fp_raw == NEVER, censor, fp_raw)
        diff = fp - base_fp
        row = {"option": name, "rule": rule}
        for y in key_years:
            row[f"p_by_{y}"] = float(np.mean(fp_raw <= y))
        row["median_year"] = year_or_na(_year_q(fp_raw, 0.5))
        row["paired_diff_median_years"] = float(np.median(diff))
        row["paired_diff_q10"] = _year_q(diff, 0.1)
        row["paired_diff_q90"] = _year_q(diff, 0.9)
        row["share_paths_later"] = float(np.mean(diff > 0))
        row["share_paths_earlier"] = float(np.mean(diff < 0))
        effect = structural_balance(res, balance) - base_balance
        row["cumulative_fiscal_effect_median"] = float(np.median(effect) / factor)
        row["cumulative_fiscal_effect_q10"] = float(np.quantile(effect, 0.1) / factor)
        row["cumulative_fiscal_effect_q90"] = float(np.quantile(effect, 0.9) / factor)
        row["money_unit"] = money_unit
        for y in key_years:
            t = list(years).index(y)
            row[f"staff_{y}"] = float(np.median(res.series["staff"][:, t]))
            row[f"services_per_capita_{y}"] = float(np.median(res.series["services_per_capita"][:, t]))
        rows.append(row)
    table = pd.DataFrame(rows)
    table["median_year"] = table["median_year"].astype("Int64")
    table.attrs["base"] = base_name
    table.attrs["horizon"] = horizon
    return table


def format_comparison(table: pd.DataFrame, key_years: list[int], balance_text: str) -> str:
    """The comparison as text; ``balance_text`` says what the structural balance is."""
    unit = table["money_unit"].iloc[0]
    head = (f"{'option':32s} " + " ".join(f"{'P≤' + str(y):>7s}" for y in key_years)
            + f" {'median':>12s} {'Δ years vs ' + table.attrs['base']:>28s} {'Δ balance ' + unit:>13s} "
            f"{'staff ' + str(key_years[-1]):>11s}")
    lines = [head, "-" * len(head)]
    for r in table.itertuples():
        probs = " ".join(f"{getattr(r, f'p_by_{y}'):7.0%}" for y in key_years)
        diff = f"{r.paired_diff_median_years:+.0f} ({r.paired_diff_q10:+.0f} to {r.paired_diff_q90:+.0f})"
        median = year_text(r.median_year, table.attrs["horizon"])
        staff = getattr(r, f"staff_{key_years[-1]}")
        lines.append(f"{r.option[:32]:32s} {probs} {median:>12s} {diff:>28s} "
                     f"{r.cumulative_fiscal_effect_median:13.1f} {staff:11,.0f}")
    lines.append("Δ years: paired difference in the first year the rule fires (median, 10-90 % of paths); "
                 f"Δ balance: cumulative change in {balance_text}.")
    return "\n".join(lines)


def waterfall_table(base: RunResult, option: RunResult, year: int, money_unit: str = "亿元") -> pd.DataFrame:
    """Mean over paths of the paired difference (option − reference) of each component of the
    book set's waterfall of the structural balance in ``year``, signed as its effect on the balance;
    they add up to the total. Columns: component, effect, unit (``money_unit``)."""
    t = list(base.years).index(year)
    factor = MONEY_UNITS[money_unit]
    rows = []
    for item in book_set(base.books).outline.waterfall:
        d = balance_part(option, item)[:, t] - balance_part(base, item)[:, t]
        rows.append({"component": item.label, "effect": float(d.mean() / factor)})
    rows.append({"component": "structural balance", "effect": sum(r["effect"] for r in rows)})
    return pd.DataFrame(rows).assign(unit=money_unit)


def waterfall_figure(table: pd.DataFrame, title: str, source: str):
    """A waterfall: each component moves the running balance from where the previous one left it
    (green raises, red lowers), the last bar is the total; one row per component, values at the
    bar ends."""
    parts = table.iloc[:-1]
    total = float(table.iloc[-1].effect)
    unit = str(table["unit"].iloc[0])
    with chart_style():
        fig = new_figure(9, 1.6 + 0.42 * len(table))
        ax = fig.add_subplot()
        level = 0.0
        span = max(abs(np.cumsum(table.effect.to_numpy()[:-1])).max(), abs(total), 1e-9)
        for i, r in enumerate(parts.itertuples()):
            colour = "#4e9a57" if r.effect >= 0 else CLASS_COLOURS["default"]
            ax.barh(i, r.effect, left=level, color=colour, height=0.6)
            if i > 0:
                ax.plot([level, level], [i - 1.3, i - 0.3], color=GREY, linewidth=0.7)
            _bar_label(ax, i, level, r.effect, span)
            level += r.effect
        n = len(parts)
        ax.plot([level, level], [n - 1.3, n - 0.3], color=GREY, linewidth=0.7)
        ax.barh(n, total, color="#3b6ea5", height=0.6)
        _bar_label(ax, n, 0.0, total, span)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(table)), table.component)
        ax.invert_yaxis()
        levels = np.concatenate([[0.0, total], np.cumsum(table.effect.to_numpy()[:-1])])
        lo, hi = min(levels.min(), 0.0), max(levels.max(), 0.0)
        ax.set_xlim(lo - 0.2 * span, hi + 0.2 * span)
        ax.set_xlabel(f"{unit}, mean over paths of the paired difference")
        ax.set_title(title)
        ax.grid(axis="y", alpha=0)
        footer(fig, source)
    return fig


def _bar_label(ax, i: int, start: float, effect: float, span: float) -> None:
    end = start + effect
    right = effect >= 0
    ax.text(max(start, end) + 0.01 * span if right else min(start, end) - 0.01 * span, i, f"{effect:+,.2f}",
            va="center", ha="left" if right else "right", fontsize=8)


def waterfall_chart(table: pd.DataFrame, title: str, out: list[Path], source: str) -> None:
    fig = waterfall_figure(table, title, source)
    with chart_style():
        save(fig, out)


def assumptions_by_option(options) -> pd.DataFrame:
    """The reference option's assumptions, then each other option's parameters that differ."""
    base = options[0].assumptions.assign(option=options[0].scenario.name)
    frames = [base]
    known = {(r.key, r.value, r.unit) for r in base.itertuples()}
    for res in options[1:]:
        a = res.assumptions
        changed = [(k, v, u) not in known for k, v, u in zip(a.key, a.value, a.unit, strict=True)]
        frames.append(a[changed].assign(option=res.scenario.name))
    table = pd.concat(frames, ignore_index=True)
    return table[["option", *[c for c in table.columns if c != "option"]]]


def headlines(options) -> pd.DataFrame:
    """The headline of every option: option, measure, year, value, unit."""
    return pd.concat([r.headline.assign(option=r.scenario.name) for r in options], ignore_index=True)[
        ["option", "measure", "year", "value", "unit"]]


def comparison_headline(table: pd.DataFrame, rule: str) -> str:
    """One sentence: each option's median first year of ``rule`` and its paired difference."""
    horizon = table.attrs["horizon"]
    parts = []
    for i, r in enumerate(table.itertuples()):
        median = year_text(r.median_year, horizon)
        diff = "" if i == 0 else (f" ({r.paired_diff_median_years:+.0f} years, paired; 10-90 %: "
                                  f"{r.paired_diff_q10:+.0f} to {r.paired_diff_q90:+.0f})")
        parts.append(f"{r.option} {median}{diff}")
    return f"Median first year of {rule}: " + "; ".join(parts) + "."


def compare_folder(out_dir, overwrite: bool, options, table: pd.DataFrame, rule: str, year: int, report: bool,
                   progress=None) -> list[str]:
    """Write a comparison's results folder: tables, waterfalls and survival curves (PNG, SVG),
    assumptions by option, manifest and, with ``report``, report.html."""
    from fiscalsim import __version__
    from fiscalsim.report.charts import Curve, survival_chart
    from fiscalsim.report.files import atomic_directory, write_json
    from fiscalsim.report.run import write_tables

    ref = options[0]
    unit, n = ref.money_unit, ref.paths
    source = f"fiscalsim {__version__}; {n:,} paths, seed {ref.seed}; common random numbers"
    with atomic_directory(out_dir, overwrite) as tmp:
        tables, charts = {"comparison": table, "headlines": headlines(options)}, []
        for i, res in enumerate(options[1:], start=1):
            wf = waterfall_table(ref.raw, res.raw, year, unit)
            tables[f"waterfall_{i}"] = wf.assign(option=res.scenario.name, reference=ref.scenario.name, year=year)
            waterfall_chart(wf, f"{res.scenario.name} vs {ref.scenario.name}: structural balance in {year}",
                            [tmp / f"waterfall_{i}.png", tmp / f"waterfall_{i}.svg"], f"{source}; paired differences")
            charts += [f"waterfall_{i}.png", f"waterfall_{i}.svg"]
            if progress:
                progress(1)
        tables["assumptions"] = assumptions_by_option(options)
        files = write_tables(tmp, tables)
        curves = [Curve(r.scenario.name, r.raw.first_passage[:, r.raw.rule_ids.index(rule)], rule, r.scenario.name)
                  for r in options]
        fig = survival_chart(curves, ref.years, f"Share of paths on which {rule} has not fired yet", source)
        with chart_style():
            save(fig, [tmp / "survival.png", tmp / "survival.svg"])
        if progress:
            progress(1)
        write_json(tmp / "manifest.json", {
            "command": "compare", "fiscalsim_version": __version__, "seed_entropy": ref.seed, "paths": n,
            "rule": rule, "year": year, "money_unit": unit, "years": [int(ref.years[0]), ref.horizon],
            "headline": comparison_headline(table, rule),
            "options": [{"name": r.scenario.name, "scenario": str(r.scenario.path), "sha256": r.scenario.sha256,
                         "text": r.scenario.text} for r in options],
            "overrides": list(ref.overrides), "files": files + charts + ["survival.png", "survival.svg", "manifest.json"],
        })
        if report:
            from fiscalsim.report.html import write_report

            write_report(tmp)
            if progress:
                progress(1)
    return files
