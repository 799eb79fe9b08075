"""Tables and charts of a sensitivity study (``fiscalsim sensitivity``) and the docs page
"what moves the date"."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from fiscalsim.report.headline import HEADLINE_LABEL  # noqa: E402
from fiscalsim.simulate.sensitivity import Sensitivity  # noqa: E402

#: The column each method ranks by, its error column and its axis label.
MEASURES = {
    "sobol": ("ST", "ST_conf", "Sobol total-order index (share of the variance of the year)"),
    "morris": ("mu_star_years", "mu_star_conf", "Morris μ* (mean absolute effect, years)"),
    "oat": ("swing_years", None, "swing of the year between the low and high quantile (years)"),
}


def sensitivity_chart(result: Sensitivity, out: list[Path], source: str, top: int = 15) -> None:
    """Horizontal bars of each factor's importance (with its confidence interval where the method
    gives one); Sobol shows first-order indices beside the total-order ones."""
    col, conf, label = MEASURES[result.method]
    table = result.table.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 1.4 + 0.38 * len(table)))
    y = range(len(table))
    ax.barh(y, table[col], xerr=None if conf is None else table[conf], color="#3b6ea5", alpha=0.8,
            label="total order" if result.method == "sobol" else None)
    if result.method == "sobol":
        ax.barh([v - 0.3 for v in y], table["S1"], height=0.3, color="#c0504d", alpha=0.8, label="first order")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_yticks(list(y), table.factor, fontsize=8)
    ax.set_xlabel(label)
    if result.method == "oat":  # swings are whole years
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(sensitivity_title(result, top), fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    fig.text(0.01, 0.01, source, fontsize=6.5, color="0.3")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    for p in out:
        fig.savefig(p, dpi=110, metadata={"Date": None} if p.suffix == ".svg" else None)
    plt.close(fig)


def sensitivity_title(result: Sensitivity, top: int) -> str:
    """What the chart shows: the studied year in words, the design, and how many inputs are drawn."""
    what = f"the {HEADLINE_LABEL}" if result.rule == "headline" else result.rule
    shown = f"; the {top} of {len(result.table)} inputs that move it most" if len(result.table) > top else ""
    return (f"What moves the first year of {what}\n({result.method}, {result.runs:,} runs; "
            f"central run: {result.central_year}{shown})")


def sensitivity_markdown(result: Sensitivity, horizon: int) -> str:
    """A table of the factors, most important first."""
    col, conf, _ = MEASURES[result.method]
    lines = ["| factor | kind | " + " | ".join(c for c in result.table.columns if c not in ("factor", "kind")) + " |",
             "|---|---|" + "---|" * (len(result.table.columns) - 2)]
    for row in result.table.itertuples(index=False):
        d = row._asdict()
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for k, v in d.items() if k not in ("factor", "kind")]
        lines.append(f"| {d['factor']} | {d['kind']} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Years after {horizon} count as {horizon + 1} (not by the horizon). Ranked by `{col}`"
                 + (f" with its 95 % confidence half-width `{conf}`." if conf else "."))
    return "\n".join(lines)
