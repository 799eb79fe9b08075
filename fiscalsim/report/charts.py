"""Charts of a run: the headline, survival curves by severity class, fans, the pyramid.

Drawn by ``run`` (PNG) and from a results folder by ``fiscalsim chart`` (PNG, SVG, PDF). Every
chart uses :mod:`fiscalsim.report.style`: Chinese and Japanese text as written, the rule's units
(percent for ratios, the run's money unit for money), severity-class colours, and files that are
identical for identical runs.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from fiscalsim.report.fans import fan_chart, fans_overview, group_rules, key_groups, makes_headline
from fiscalsim.report.files import replace_file, writable_in_results, write_json
from fiscalsim.report.headline import (
    HEADLINE_LABEL,
    SEVERITY_CLASSES,
    stand_in_label,
    year_quantile,
    year_text,
)
from fiscalsim.report.kinds import KINDS, RUN_KINDS  # noqa: F401 (the chart kinds, named here too)
from fiscalsim.report.style import (
    CLASS_COLOURS,
    LINESTYLES,
    PACK_COLOURS,
    chart_style,
    footer,
    margins,
    new_figure,
    save,
)
from fiscalsim.triggers.rules import NEVER

log = logging.getLogger(__name__)

#: Most curves in one survival panel (one distinct colour each).
MAX_CURVES = 8


@dataclass(frozen=True)
class Curve:
    """One survival curve: first-passage years per path (``NEVER``: not by the horizon), the
    panel it is drawn in and the family that gives its colour."""

    label: str
    first_passage: np.ndarray
    panel: str = ""
    family: str = ""


def survival_chart(curves: list[Curve], years: np.ndarray, title: str, source: str):
    """Percent of paths on which each rule (or option) has not fired by each year: one panel per
    group (severity class), one colour per family (pack or option), distinct line styles."""
    panels = list(dict.fromkeys(c.panel for c in curves))
    with chart_style():
        fig = new_figure(10, 1.1 + 2.5 * len(panels), layout=None)
        axes = fig.subplots(len(panels), 1, squeeze=False, sharex=True)[:, 0]
        for ax, panel in zip(axes, panels, strict=True):
            _survival_panel(ax, [c for c in curves if c.panel == panel], years)
            ax.set_title(panel, loc="left", fontsize=9, y=1.0, pad=4)
        axes[-1].set_xlabel("year")
        margins(fig, left=0.7, right=2.9, top=0.55, bottom=0.65, hspace=0.3)
        fig.suptitle(title, y=1 - 0.1 / fig.get_figheight(), va="top")
        footer(fig, source)
    return fig


def _survival_panel(ax, curves: list[Curve], years: np.ndarray) -> None:
    """Each curve its own colour (at most ``MAX_CURVES`` per panel), the line style by family."""
    families = list(dict.fromkeys(c.family for c in curves))
    for i, c in enumerate(curves):
        share = 100.0 * np.mean(c.first_passage[None, :] > years[:, None], axis=1)  # by year
        ax.step(years, share, where="post", color=PACK_COLOURS[i % len(PACK_COLOURS)],
                linestyle=LINESTYLES[families.index(c.family) % len(LINESTYLES)], linewidth=1.5, label=c.label)
    ax.set_ylim(-3, 103)
    ax.set_ylabel("% of paths not yet fired")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)


def run_survival_curves(first_passage: pd.DataFrame, records: list[dict]) -> list[Curve]:
    """A run's rules as curves: panels by severity class, colours by pack."""
    curves = []
    for cls in SEVERITY_CLASSES:
        recs = [r for r in records if r["severity_class"] == cls]
        for packs, part in _panels(recs):
            panel = f"{cls} class" + (f": {', '.join(packs)}" if len(part) < len(recs) else "")
            curves += [Curve(r["id"], _never(first_passage[r["id"]]), panel, r["pack"]) for r in part]
    return curves


def _panels(records: list[dict]) -> list[tuple[list[str], list[dict]]]:
    """Split a class's rules into panels of whole packs, at most ``MAX_CURVES`` curves each."""
    panels: list[tuple[list[str], list[dict]]] = []
    for pack in dict.fromkeys(r["pack"] for r in records):
        rules = [r for r in records if r["pack"] == pack]
        if panels and len(panels[-1][1]) + len(rules) <= MAX_CURVES:
            panels[-1][0].append(pack)
            panels[-1][1].extend(rules)
        else:
            panels.append(([pack], list(rules)))
    return panels


def _never(column: pd.Series) -> np.ndarray:
    """First-passage years with missing values (not by the horizon) as ``NEVER``."""
    return pd.to_numeric(column).fillna(NEVER).to_numpy(dtype=int)


def headline_chart(first_years: np.ndarray, years: np.ndarray, key_years: list[int], n_rules: int, title: str,
                   source: str):
    """When the first restructuring- or default-class event happens: the share of paths by each
    year (cumulative) and in each year, with the median, the 10-90 % range and key years."""
    horizon = int(years[-1])
    with chart_style():
        fig = new_figure(9, 4.8, layout=None)
        ax = fig.add_subplot()
        if n_rules == 0:
            _no_headline(ax)
        else:
            _headline_axes(ax, first_years, years, key_years, horizon)
        ax.set_title(title)
        margins(fig, left=0.65, right=0.2, top=0.35, bottom=0.75)
        footer(fig, source)
    return fig


def _no_headline(ax) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"No rule of the restructuring or default class in this run:\nno {HEADLINE_LABEL} to "
            "show. See the survival curves by severity class.", ha="center", va="center", fontsize=10,
            transform=ax.transAxes)


#: Width of the headline chart's axes in points (9 in less its margins).
HEADLINE_AXES_PT = 72 * (9 - 0.65 - 0.2)


def label_rows(key_years: list[int], texts: list[str], horizon: int, pt_per_year: float,
               font_pt: float = 8) -> list[int]:
    """The row (0, 1, …) of each key year's label so that labels on one row do not overlap: close key
    years (e.g. the base year + 1 and + 2) are stacked instead of printed over each other. A label
    runs right of its year, the horizon's left of it."""
    ends: list[float] = []  # per row, the year where its last label ends
    rows = []
    for y, text in zip(key_years, texts, strict=True):
        width = (0.6 * font_pt * len(text) + 8) / pt_per_year  # in years
        start, end = (y - width, y) if y >= horizon else (y, y + width)
        row = next((i for i, e in enumerate(ends) if e <= start), len(ends))
        ends[row:row + 1] = [end]
        rows.append(row)
    return rows


def _headline_axes(ax, first_years: np.ndarray, years: np.ndarray, key_years: list[int], horizon: int) -> None:
    colour = CLASS_COLOURS["restructuring"]
    yearly = 100.0 * np.mean(first_years[None, :] == years[:, None], axis=1)  # by year
    cumulative = np.cumsum(yearly)
    ax.stairs(yearly, np.append(years, years[-1] + 1) - 0.5, fill=True, color=colour, alpha=0.35,
              label="% of paths: first event in the year")
    ax.step(years, cumulative, where="mid", color=CLASS_COLOURS["default"], linewidth=2,
            label="% of paths: first event by the year")
    q10, q50, q90 = (year_quantile(first_years, q) for q in (0.1, 0.5, 0.9))
    if q10 != NEVER:
        ax.axvspan(q10 - 0.5, (q90 if q90 != NEVER else horizon) + 0.5, color="0.5", alpha=0.1,
                   label=f"10-90 % of paths: {year_text(q10, horizon)} to {year_text(q90, horizon)}")
    if q50 != NEVER:
        ax.axvline(q50, color="black", linestyle="--", linewidth=1, label=f"median {q50}")
    ps = [100.0 * np.mean(first_years <= y) for y in key_years]
    texts = [f"{p:.0f} % by {y}" for p, y in zip(ps, key_years, strict=True)]
    rows = label_rows(key_years, texts, horizon, HEADLINE_AXES_PT / (len(years) + 1.6))
    for y, p, text, row in zip(key_years, ps, texts, rows, strict=True):
        ax.plot([y], [p], "o", color="black", markersize=4)
        ax.annotate(text, (y, p), textcoords="offset points", xytext=(4, -12 - 11 * row if p > 85 else 6 + 11 * row),
                    ha="left" if y < years[-1] else "right", fontsize=8)
    never = 100.0 * np.mean(first_years == NEVER)
    ax.text(0.99, 0.04, f"not by {horizon}: {never:.0f} % of paths", transform=ax.transAxes, ha="right",
            fontsize=9, bbox={"facecolor": "white", "edgecolor": "0.7"})
    ax.set_ylim(0, 105)
    ax.set_xlim(years[0] - 0.8, years[-1] + 0.8)
    ax.set_ylabel("% of paths")
    ax.set_xlabel("year")
    ax.legend(loc="center right")


def planned_charts(manifest: dict, kinds: tuple[str, ...], rules: list[str] | None) -> list[str]:
    """File stems the kinds draw (``fan_<indicator>`` per indicator group of the chosen rules)."""
    records = manifest["rules"]
    stems = [k for k in ("headline", "survival", "fans") if k in kinds]
    if "fan" in kinds:
        stems += [f"fan_{stem}" for stem, rs in group_rules(records) if rules is None or
                  any(r["id"] in rules for r in rs)]
    return stems + (["pyramid"] if "pyramid" in kinds else [])


def draw_run_charts(folder: Path, kinds: tuple[str, ...] = RUN_KINDS, rules: list[str] | None = None,
                    fmt: tuple[str, ...] = ("png", "svg"),
                    progress: Callable[[int], None] | None = None, started: float | None = None) -> list[str]:
    """Draw charts from a ``run`` results folder; returns the file names written.

    Only new files or files the folder's manifest lists are written (each atomically), and the
    manifest then lists the charts too, with the seconds they took (``timings_seconds.charts``,
    from ``started``, a ``time.perf_counter()`` reading, when given: e.g. before matplotlib was
    imported). ``progress(1)`` is called after each chart.
    """
    started = time.perf_counter() if started is None else started
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    known = [r["id"] for r in manifest["rules"]]
    unknown = [r for r in rules or [] if r not in known]
    if unknown:
        hint = "; name several as --rule A --rule B" if any("," in r for r in unknown) else ""
        raise KeyError(f"unknown rules {unknown}{hint}; the run's rules are {known}")
    stems = planned_charts(manifest, kinds, rules)
    names = [f"{stem}.{ext}" for stem in stems for ext in fmt]
    writable_in_results(folder, names)
    tables: dict[str, pd.DataFrame] = {}
    with tempfile.TemporaryDirectory(prefix=".charts-", dir=folder) as scratch:
        for stem in stems:
            chart_started = time.perf_counter()
            fig = run_chart(folder, manifest, stem, rules, tables)
            with chart_style():
                save(fig, [Path(scratch) / f"{stem}.{ext}" for ext in fmt])
            log.debug("chart %s: %.3f s", stem, time.perf_counter() - chart_started)
            if progress is not None:
                progress(1)
        for name in names:
            os.replace(Path(scratch) / name, folder / name)
    manifest["files"] = list(dict.fromkeys([*manifest.get("files", []), *names]))
    manifest.setdefault("timings_seconds", {})["charts"] = round(time.perf_counter() - started, 3)
    replace_file(folder / "manifest.json", lambda tmp: write_json(tmp, manifest))
    return names


def chart_source(manifest: dict) -> str:
    text = (f"fiscalsim {manifest['fiscalsim_version']}; {manifest['scenario_name']}; {manifest['paths']:,} paths; "
            f"seed {manifest['seed_entropy']}")
    note = manifest.get("stand_in")
    return text if not note else f"{stand_in_label(note)} — {text}"


def run_chart(folder: Path, manifest: dict, stem: str, rules: list[str] | None = None,
              tables: dict[str, pd.DataFrame] | None = None):
    """One chart of a run results folder, by file stem; returns the figure. ``rules`` chooses the
    indicators of the ``fans`` overview (default: the headline rules'); ``tables`` keeps the CSV
    tables read, for the next chart."""
    years = np.arange(manifest["years"][0], manifest["years"][1] + 1)
    source, name, records = chart_source(manifest), manifest["scenario_name"], manifest["rules"]
    tables = {} if tables is None else tables
    if stem == "headline":
        fp = results_table(folder, "first_passage", tables)
        n_rules = sum(makes_headline(r) for r in records)
        return headline_chart(_never(fp["first_restructuring_or_default"]), years, manifest["key_years"], n_rules,
                              f"{name}: {HEADLINE_LABEL}", source)
    if stem == "survival":
        fp = results_table(folder, "first_passage", tables)
        return survival_chart(run_survival_curves(fp, records), years,
                              f"{name}: share of paths on which each rule has not fired yet", source)
    if stem == "pyramid":
        from fiscalsim.report.population import pyramid_figure_quantiles

        return pyramid_figure_quantiles(results_table(folder, "pyramid", tables), f"{name}: population pyramid",
                                        source)
    quantiles = results_table(folder, "quantiles", tables)
    groups = group_rules(records)
    if stem == "fans":
        return fans_overview(quantiles, key_groups(groups, rules), fans_title(name, rules), source)
    group = next(rs for s, rs in groups if f"fan_{s}" == stem)
    return fan_chart(quantiles, group, source)


def fans_title(scenario_name: str, rules: list[str] | None) -> str:
    what = "the chosen rules' indicators" if rules is not None else "the headline rules' indicators"
    return f"{scenario_name}: {what} and their thresholds"


def results_table(folder: Path, name: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``name``.csv of a results folder, read once per set of charts."""
    if name not in tables:
        tables[name] = pd.read_csv(folder / f"{name}.csv")
    return tables[name]


def tornado_chart(result, horizon: int, out: list[Path], source: str) -> None:
    """Bars from the year at the low quantile to the year at the high quantile, per parameter."""
    table = result.table
    cap = horizon + 1

    def shown(y):
        return cap if y == NEVER else y

    with chart_style():
        fig = new_figure(9, 1.4 + 0.45 * max(len(table), 1))
        ax = fig.add_subplot()
        for i, r in enumerate(table.itertuples()):
            lo, hi = shown(r.year_at_low), shown(r.year_at_high)
            ax.barh(i, hi - result.central_year, left=result.central_year, color="#c0504d", alpha=0.7,
                    label="high quantile" if i == 0 else None)
            ax.barh(i, lo - result.central_year, left=result.central_year, color="#3b6ea5", alpha=0.7,
                    label="low quantile" if i == 0 else None)
        ax.axvline(result.central_year, color="black", linewidth=1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_yticks(range(len(table)), table.parameter)
        ax.invert_yaxis()
        ax.set_xlabel(f"first year of {result.rule} (central run: {year_text(result.central_year, horizon)}; "
                      f"{cap} = not by {horizon})")
        ax.set_title(f"Sensitivity of {result.rule} to each uncertain parameter")
        ax.legend(loc="lower right")
        footer(fig, source)
        save(fig, out)


def heat_map(table: pd.DataFrame, grid: dict[str, list[str]], rule: str, value: str, out: list[Path], title: str,
             source: str, horizon: int, labels: dict[str, str] | None = None) -> None:
    """A heat map of ``value`` (the median year, or a probability) of ``rule`` over a one- or
    two-key sweep grid; a median year not by the horizon is coloured as the best outcome.
    ``labels``: each grid key's axis label (e.g. with its unit), else the key."""
    labels = labels or {}
    keys = list(grid)
    sub = table[table.rule == rule]
    col_key = keys[1] if len(keys) > 1 else None
    rows, cols = grid[keys[0]], grid[col_key] if col_key else ["-"]
    data = np.full((len(rows), len(cols)), np.nan)
    for i, rv in enumerate(rows):
        for j, cv in enumerate(cols):
            mask = (sub[keys[0]].astype(str) == rv) & ((sub[col_key].astype(str) == cv) if col_key else True)
            data[i, j] = sub.loc[mask, value].iloc[0]
    years = value == "median_year"
    shown = np.where(data == NEVER, horizon + 1, data) if years else data
    with chart_style():
        fig = new_figure(1.8 + 1.3 * len(cols), 1.6 + 0.6 * len(rows))
        ax = fig.add_subplot()
        im = ax.imshow(shown, cmap="RdYlGn" if years else "RdYlGn_r", aspect="auto")
        for (i, j), v in np.ndenumerate(data):
            label = year_text(v, horizon) if years else f"{100 * v:.0f} %"
            ax.text(j, i, label, ha="center", va="center", fontsize=9)
        ax.set_yticks(range(len(rows)), rows)
        ax.set_xticks(range(len(cols)), cols)
        ax.set_ylabel(labels.get(keys[0], keys[0]))
        ax.set_xlabel(labels.get(col_key, col_key) if col_key else "")
        ax.set_title(title)
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="median first year" if years else "% of paths",
                     format=(lambda v, _: f"{v:.0f}") if years else (lambda v, _: f"{100 * v:.0f} %"))
        footer(fig, source)
        save(fig, out)
