"""One self-contained HTML page per run or comparison: what an analyst attaches to a memo.

The page holds the headline, the charts (SVG embedded as data URIs: no file beside it is
needed), the tables and the scenario's assumptions with their units and sources. It is built
from a results folder (``fiscalsim report RESULTS --html``, or ``run --report``).
"""

from __future__ import annotations

import base64
import html
import json
import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalsim.report.files import replace_file, writable_in_results, write_json

REPORT = "report.html"

CSS = """
body { font-family: "DejaVu Sans", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       sans-serif; margin: 2em auto; max-width: 1120px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.meta { color: #555; font-size: 0.9em; } .headline { font-size: 1.15em; background: #fbeee6;
  border-left: 5px solid #d9622b; padding: 0.6em 1em; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; font-size: 0.82em; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.small { font-size: 0.8em; color: #555; } .wide { overflow-x: auto; }
@media print { figure { page-break-inside: avoid; } }
"""


def _img(svg: str, alt: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}"></figure>'


def _table(df: pd.DataFrame, horizon: int, percent: tuple[str, ...] = ()) -> str:
    """An HTML table: shares in ``percent`` columns as %, missing years as "not by HORIZON"."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for col, v in zip(df.columns, rec, strict=True):
            cells.append(_cell(col, v, horizon, col in percent))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _cell(col: str, v, horizon: int, percent: bool) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        text = f"not by {horizon}" if "year" in col else ""
        return f'<td class="num">{text}</td>'
    if isinstance(v, bool | np.bool_):
        return f"<td>{'yes' if v else 'no'}</td>"
    if percent and isinstance(v, numbers.Real):
        return f'<td class="num">{100 * v:.0f} %</td>'
    if isinstance(v, numbers.Integral):
        return f'<td class="num">{v}</td>'
    if isinstance(v, numbers.Real):  # 35,078 persons, not 3.508e+04
        return f'<td class="num">{v:,.0f}</td>' if abs(v) >= 1e4 else f'<td class="num">{v:,.4g}</td>'
    return f"<td>{html.escape(str(v))}</td>"


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", keep_default_na=True)


def run_report_html(folder: Path) -> str:
    """The report page of a ``run`` results folder."""
    from fiscalsim.report.charts import run_chart
    from fiscalsim.report.style import chart_style, svg_text

    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    horizon = m["years"][1]
    summary = _read(folder, "summary")
    for col in ("median_year", "q10_year", "q90_year"):
        summary[col] = summary[col].astype("Int64")
    p_cols = tuple(c for c in summary.columns if c.startswith("p_by_")) + ("share_first",)
    shown = summary[["rule", "severity_class", *p_cols[:-1], "q10_year", "median_year", "q90_year", "share_first"]]
    charts = []
    for stem, caption in (("headline", "First restructuring- or default-class event"),
                          ("survival", "Survival curves by severity class"),
                          ("fans", "The headline rules' indicators and their thresholds"), ("pyramid", "Population pyramid")):
        drawn = folder / f"{stem}.svg"
        if stem + ".svg" in m.get("files", []) and drawn.is_file():  # reuse the run's own drawing
            svg = drawn.read_text(encoding="utf-8")
            svg = svg[svg.index("<svg"):]
        else:
            with chart_style():
                svg = svg_text(run_chart(folder, m, stem))
        charts.append((stem, caption, svg))
    refs = summary[["rule", "name", "severity", "reference"]]
    body = [
        f"<h1>{html.escape(m['scenario_name'])}{' (stand-in accounts)' if m.get('stand_in') else ''}: when is a "
        "restructuring trigger hit?</h1>",
        f"<p class=\"meta\">fiscalsim {html.escape(m['fiscalsim_version'])} · {m['paths']:,} Monte Carlo paths · "
        f"seed {m['seed_entropy']} · {m['years'][0]}-{horizon} · money in {html.escape(m['money_unit'])} · "
        f"scenario <code>{html.escape(Path(m['scenario']).name)}</code> (sha256 {m['scenario_sha256'][:12]}…)</p>",
        f"<p class=\"headline\">{html.escape(m.get('headline', ''))}</p>",
        *([_img(charts[0][2], charts[0][1]), _headline_table(_read(folder, "headline"), horizon)]
          if any(r["severity_class"] != "warning" for r in m["rules"]) else []),
        "<h2>Rules</h2>",
        "<p>P by a year: share of paths on which the rule has fired by then; years: 10 %, 50 % and 90 % "
        "quantiles over paths of the first year it fires; first: share of paths on which it fires first.</p>",
        _table(shown, horizon, p_cols),
        *[f"<h2>{html.escape(caption)}</h2>" + _img(svg, caption) for _, caption, svg in charts[1:]],
        "<h2>Rules and their legal references</h2>", _table(refs, horizon),
        *assumptions_section(folder, horizon),
    ]
    return _page(f"fiscalsim: {m['scenario_name']}", body)


def _headline_table(table: pd.DataFrame, horizon: int) -> str:
    """The headline's distribution in words: P by each key year, quantile years, not by the horizon."""
    names = {"q10_year": "10 % of paths by", "median_year": "median year", "q90_year": "90 % of paths by"}
    rows = []
    for r in table.itertuples():
        if r.measure == "p_by":
            rows.append((f"P(event by {int(r.year)})", f"{r.value:.0f} %"))
        elif r.measure == "p_not_by_horizon":
            rows.append((f"no event by {horizon}", f"{r.value:.0f} % of paths"))
        else:
            rows.append((names[r.measure], f"not by {horizon}" if pd.isna(r.value) else str(int(r.value))))
    body = "".join(f"<tr><td>{html.escape(a)}</td><td class=\"num\">{html.escape(b)}</td></tr>" for a, b in rows)
    return f"<table><tbody>{body}</tbody></table>"


def assumptions_section(folder: Path, horizon: int) -> list[str]:
    path = folder / "assumptions.csv"
    if not path.is_file():
        return []
    table = pd.read_csv(path, keep_default_na=False)
    return ["<h2>Assumptions and their sources</h2>",
            "<p>Every parameter of the scenario as stated in its file (value, year path or distribution "
            "drawn per path), with its unit and source; \"assumption:\" marks what no source gives.</p>",
            _table(table, horizon)]


def compare_report_html(folder: Path) -> str:
    """The report page of a ``compare`` results folder."""
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    table = _read(folder, "comparison")
    horizon = int(m.get("years", [0, 0])[1]) if "years" in m else 0
    table["median_year"] = table["median_year"].astype("Int64")
    p_cols = tuple(c for c in table.columns if c.startswith("p_by_") or c.startswith("share_paths"))
    names = [o["name"] for o in m["options"]]
    svgs = [n for n in m["files"] if n.endswith(".svg")]
    body = [
        f"<h1>Options compared: {html.escape(', '.join(names))}</h1>",
        f"<p class=\"meta\">fiscalsim {html.escape(m['fiscalsim_version'])} · {m['paths']:,} paths per option, "
        f"seed {m['seed_entropy']}, common random numbers · rule <code>{html.escape(m['rule'])}</code> · "
        f"reference: {html.escape(names[0])}</p>",
        f"<p class=\"headline\">{html.escape(m.get('headline', ''))}</p>",
        f"<p>{html.escape(COMPARISON_NOTE.format(unit=table['money_unit'].iloc[0]))}</p>",
        _table(table, horizon, p_cols),
        *[f"<h2>{html.escape(c)}</h2>" + _img((folder / n).read_text(encoding="utf-8"), c)
          for n, c in ((n, _compare_caption(folder, n, m["rule"])) for n in svgs)],
        *assumptions_section(folder, horizon),
    ]
    return _page("fiscalsim: options compared", body)


COMPARISON_NOTE = ("P by a year: share of paths on which the rule has fired by then; median_year: median first "
                   "year it fires; paired_diff_*: years, against the first option on the same paths (10 %, 50 %, "
                   "90 % quantiles); cumulative_fiscal_effect_*: {unit}, change in the structural balance summed "
                   "over the years; staff_* in persons and services_per_capita_* per person, medians over paths.")


def _compare_caption(folder: Path, svg: str, rule: str) -> str:
    """The heading of a comparison chart: what it shows, from its own table for a waterfall."""
    stem = Path(svg).stem
    if stem == "survival":
        return f"Share of paths on which {rule} has not fired yet"
    table = folder / f"{stem}.csv"
    if stem.startswith("waterfall") and table.is_file():
        w = pd.read_csv(table)
        return f"{w.option.iloc[0]} vs {w.reference.iloc[0]}: the structural balance in {int(w.year.iloc[0])}"
    return stem


def report_html(folder: Path) -> str:
    """The report page of a results folder of ``run`` or ``compare``."""
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if m.get("command") == "run":
        return run_report_html(folder)
    if m.get("command") == "compare":
        return compare_report_html(folder)
    raise ValueError(f"{folder}: reports are made from 'run' and 'compare' results, not '{m.get('command')}'")


def write_report(folder: Path) -> Path:
    """Write ``report.html`` into a results folder (atomically) and list it in the manifest."""
    manifest = writable_in_results(folder, [REPORT])
    text = report_html(folder)
    replace_file(folder / REPORT, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    manifest["files"] = list(dict.fromkeys([*manifest.get("files", []), REPORT]))
    replace_file(folder / "manifest.json", lambda tmp: write_json(tmp, manifest))
    return folder / REPORT
