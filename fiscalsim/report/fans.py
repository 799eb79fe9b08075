"""Fan charts of the rules' indicators, in the rule's units, with their thresholds.

Rules that test one indicator at several levels (Japan's early-warning and rehabilitation
ratios) share one chart: one fan, one threshold line per level, coloured by severity class. A
threshold that changes over the years is drawn as a line over the years; one that depends on
the city's size is drawn as the band of thresholds it can take.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator, MultipleLocator

from fiscalsim.report.style import (
    BAND,
    CLASS_COLOURS,
    CLASS_LINES,
    MEDIAN,
    chart_style,
    footer,
    margins,
    new_figure,
)

COMPARATOR_TEXT = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
_TRAILING = {"at", "the", "above", "below", "level", "of", "in", "on"}


def group_rules(records: list[dict]) -> list[tuple[str, list[dict]]]:
    """Rules grouped by the indicator they test: (file stem, records), in the run's order."""
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(r["indicator_key"], []).append(r)
    return [(_common_stem([r["id"] for r in rs]), rs) for rs in groups.values()]


def makes_headline(record: dict) -> bool:
    """Whether a rule (as the manifest records it) counts towards the headline: a restructuring-
    or default-class rule of a headline pack."""
    return record["severity_class"] != "warning" and record.get("headline", True)


def key_groups(groups: list[tuple[str, list[dict]]], rules: list[str] | None = None) -> list[tuple[str, list[dict]]]:
    """The indicator groups a run's fan overview shows: those testing one of ``rules`` when given,
    else those of the rules that make the headline (every group when no rule does)."""
    if rules is not None:
        return [(stem, rs) for stem, rs in groups if any(r["id"] in rules for r in rs)]
    key = [(stem, rs) for stem, rs in groups if any(makes_headline(r) for r in rs)]
    return key or groups


def _common_stem(ids: list[str]) -> str:
    if len(ids) == 1:
        return ids[0]
    parts = [i.split("_") for i in ids]
    common = []
    for words in zip(*parts, strict=False):
        if len(set(words)) > 1:
            break
        common.append(words[0])
    return "_".join(common) or ids[0]


def group_title(records: list[dict]) -> str:
    """The rule's name, or the words the names of one indicator's levels share."""
    if len(records) == 1:
        return records[0]["name"]
    words = [r["name"].split() for r in records]
    common = []
    for ws in zip(*words, strict=False):
        if len(set(ws)) > 1:
            break
        common.append(ws[0])
    while common and common[-1].lower() in _TRAILING:
        common.pop()
    return " ".join(common) or records[0]["name"]


def threshold_label(r: dict, unit: str) -> str:
    spec = r["threshold"]
    cls = r["severity_class"]
    level = cls if r["severity"].lower() == cls else f"{cls} ({r['severity']})"
    comp = COMPARATOR_TEXT.get(r["comparator"], r["comparator"])
    shown = "%" if unit == "percent" else f" {unit}"
    if "value" in spec:
        return f"{level}: {comp} {_shown(spec['value'], r):g}{shown}"
    if "series" in spec:
        return f"{level}: {comp} a threshold by size"
    values = [_shown(v, r) for _, v in spec.get("path") or spec.get("points")]
    how = "by year" if "path" in spec else "by size"
    return f"{level}: {comp} {min(values):g}-{max(values):g}{shown} ({how})"


def _shown(value: float, r: dict) -> float:
    return float(value) * r["scale"]


def _threshold_values(r: dict) -> list[float]:
    spec = r["threshold"]
    if "value" in spec:
        return [_shown(spec["value"], r)]
    if "series" in spec:  # a model line: its values are the run's, not the rule's
        return []
    return [_shown(v, r) for _, v in spec.get("path") or spec.get("points")]


def _draw_threshold(ax, r: dict, years: np.ndarray, unit: str, compact: bool) -> None:
    spec = r["threshold"]
    colour = CLASS_COLOURS[r["severity_class"]]
    style = {"color": colour, "linestyle": CLASS_LINES[r["severity_class"]], "linewidth": 1.6,
             "label": threshold_label(r, unit)}
    if "series" in spec:  # a threshold that is a model line (e.g. scaled by the standard fiscal scale)
        ax.plot([], [], **style)
        return
    if "value" in spec:
        ax.axhline(_shown(spec["value"], r), **style)
    elif "path" in spec:
        xs, ys = zip(*spec["path"], strict=True)
        ax.plot(years, np.interp(years, xs, [_shown(y, r) for y in ys]), **style)
    else:
        values = _threshold_values(r)
        ax.axhspan(min(values), max(values), color=colour, alpha=0.15, linewidth=0)
        ax.axhline(min(values), **{**style, "label": style["label"] + " band"})
        ax.axhline(max(values), **{**style, "label": None})
    if compact:  # no legend entry per threshold in small multiples: say it at the line
        level = r["severity"] if r["severity"].lower() != r["severity_class"] else r["severity_class"]
        comp = COMPARATOR_TEXT.get(r["comparator"], r["comparator"])
        ax.annotate(f"{level} {comp} {max(_threshold_values(r)):g}{'%' if unit == 'percent' else ''}",
                    (0.02, max(_threshold_values(r))), xycoords=("axes fraction", "data"), xytext=(0, 2),
                    textcoords="offset points", fontsize=6.5, color=colour, va="bottom")


def _cut_axis(ax, q: pd.DataFrame, records: list[dict], hi_col: str, unit: str) -> None:
    """Keep thresholds readable: when the indicator runs far above every threshold, cut the axis
    at five times the highest one and say how high the median goes."""
    limits = [v for r in records for v in _threshold_values(r) if v > 0]
    top = float(np.nanmax(q[hi_col])) if q[hi_col].notna().any() else 0.0
    if not limits or top <= 5 * max(limits):
        return
    cut = 5 * max(limits)
    low = min(float(np.nanmin(q[c])) for c in ("q05", "q10") if c in q) if q["q10"].notna().any() else 0.0
    ax.set_ylim(min(low, 0.0) - 0.04 * cut, cut)
    peak = float(np.nanmax(q.q50))
    shown = " %" if unit == "percent" else f" {unit}"
    ax.text(0.98, 0.97, f"axis cut at {cut:g}{shown}; the median reaches {peak:,.0f}{shown}", transform=ax.transAxes,
            ha="right", va="top", fontsize=6.5, color="0.3")


def draw_fan(ax, quantiles: pd.DataFrame, records: list[dict], compact: bool = False) -> str:
    """Median and bands of the group's indicator with each rule's threshold; returns the unit."""
    q = quantiles[(quantiles.kind == "indicator") & (quantiles.name == records[0]["id"])].sort_values("year")
    if q.empty:
        raise ValueError(f"no indicator quantiles for rule {records[0]['id']!r}")
    years = q.year.to_numpy()
    unit = str(q.unit.iloc[0])
    bands = (("q10", "q90", 0.3),) if compact else (("q05", "q95", 0.15), ("q10", "q90", 0.25), ("q25", "q75", 0.35))
    for lo, hi, alpha in bands:
        ax.fill_between(years, q[lo], q[hi], color=BAND, alpha=alpha, linewidth=0,
                        label=f"{int(lo[1:])}-{int(hi[1:])} % of paths")
    ax.plot(years, q.q50, color=MEDIAN, linewidth=1.8, label="median")
    for r in records:
        _draw_threshold(ax, r, years, unit, compact)
    _cut_axis(ax, q, records, bands[0][1], unit)
    if unit == "percent":
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:g} %")
    else:
        ax.set_ylabel(unit)
    return unit


def fan_chart(quantiles: pd.DataFrame, records: list[dict], source: str):
    """One indicator: title, fan, thresholds, references in the footer. Returns the figure."""
    with chart_style():
        fig = new_figure(9, 5.2)
        ax = fig.add_subplot()
        draw_fan(ax, quantiles, records)
        ax.set_title(group_title(records))
        ax.set_xlabel("year")
        ax.legend(loc="upper left")
        refs = " | ".join(f"{r['id']}: {r['reference']}" for r in records)
        footer(fig, f"{source}\n{refs}", 150)
    return fig


def fans_overview(quantiles: pd.DataFrame, groups: list[tuple[str, list[dict]]], title: str, source: str):
    """The groups' indicators in one figure of small multiples (a run draws those of the headline
    rules: :func:`key_groups`)."""
    n = len(groups)
    cols = overview_columns(n)
    rows = math.ceil(n / cols)
    with chart_style():
        fig = new_figure(3.3 * cols, 2.45 * rows + 1.1, layout=None)
        axes = fig.subplots(rows, cols, squeeze=False)
        for ax, (_, records) in zip(axes.flat, groups, strict=False):
            draw_fan(ax, quantiles, records, compact=True)
            ax.set_title(textwrap.fill(group_title(records), 46), fontsize=7.5, y=1.0, pad=4)
            ax.tick_params(labelsize=7)
            ax.yaxis.label.set_size(7)
            ax.xaxis.set_major_locator(MultipleLocator(10))
            ax.yaxis.set_major_locator(MaxNLocator(5))
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        margins(fig, left=0.6, right=0.15, top=0.75, bottom=0.85, hspace=0.55, wspace=0.32)
        _overview_legend(fig)
        fig.suptitle(title, fontsize=11, y=1 - 0.12 / fig.get_figheight(), va="top")
        footer(fig, source)
    return fig


def overview_columns(n_panels: int) -> int:
    """Columns of the small multiples: one row up to four panels, then rows of three (up to nine
    panels) or four."""
    if n_panels <= 4:
        return max(n_panels, 1)
    return 3 if n_panels <= 9 else 4


def _overview_legend(fig) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(color=BAND, alpha=0.3, label="10-90 % of paths"), Line2D([], [], color=MEDIAN, label="median")]
    handles += [Line2D([], [], color=CLASS_COLOURS[c], linestyle=CLASS_LINES[c], label=f"{c} threshold")
                for c in CLASS_COLOURS]
    fig.legend(handles=handles, loc="lower center", ncols=len(handles), fontsize=7.5,
               bbox_to_anchor=(0.5, 0.3 / fig.get_figheight()))
