"""A book set's books as tables and the stacked sources and uses of each book; which lines go
where is the book set's (:class:`fiscalsim.finance.books.BookOutline`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fiscalsim.finance.books import BookSet
from fiscalsim.finance.ledger import FinanceResult
from fiscalsim.report.style import chart_style, footer, new_figure, save
from fiscalsim.report.tables import MONEY_UNITS


def line_unit(bs: BookSet, name: str, money_unit: str) -> tuple[float, str]:
    """Divisor from model units and the unit of a line of the book set ``bs``."""
    if name in bs.outline.non_money:
        return 1.0, bs.outline.non_money[name]
    return MONEY_UNITS[money_unit], money_unit


def books_table(bs: BookSet, f: FinanceResult, path: int = 0, money_unit: str = "亿元") -> pd.DataFrame:
    """Tidy lines of one path: year, book, side (source/use/memo), line, value, unit (money in
    ``money_unit``; counts in persons, indices and ratios as they are)."""
    rows = []
    for book, (sources, uses) in bs.books.items():
        for side, names in (("source", sources), ("use", uses)):
            for name in names:
                rows.append((book, side, name, f[name][path]))
    for name in bs.memo:
        rows.append(("memo", "memo", name, f[name][path]))
    frames = []
    for b, s, n, v in rows:
        divisor, unit = line_unit(bs, n, money_unit)
        frames.append(pd.DataFrame({"year": f.years, "book": b, "side": s, "line": n, "value": v / divisor,
                                    "unit": unit}))
    return pd.concat(frames, ignore_index=True)


def budget_stack_chart(bs: BookSet, f: FinanceResult, title: str, paths: list[Path], source: str, path: int = 0,
                       money_unit: str = "亿元") -> None:
    """Sources and uses of each book of ``bs`` stacked by group (``money_unit``, nominal); arrears
    outstanding (the outline's overlay lines) drawn on the first book's uses."""
    years = f.years
    divisor = MONEY_UNITS[money_unit]
    stacks = bs.outline.stacks
    with chart_style():
        fig = new_figure(13, 13 / 3 * len(stacks))
        axes = fig.subplots(len(stacks), 2, sharex=True, squeeze=False)
        for row, stack in enumerate(stacks):
            for col, (groups, side) in enumerate(((stack.sources, "sources"), (stack.uses, "uses"))):
                ax = axes[row, col]
                data = [sum(f[n][path] for n in names) / divisor for names in groups.values()]
                ax.stackplot(years, data, labels=list(groups), alpha=0.85)
                ax.set_title(f"{stack.title}: {side}")
                if row == 0 and col == 1:
                    arrears = sum(f[n][path] for n in bs.outline.stack_overlay) / divisor
                    ax.plot(years, arrears, color="black", linewidth=1.5, linestyle="--", label="arrears outstanding")
                ax.legend(loc="upper left", fontsize=7)
            axes[row, 0].set_ylabel(f"{money_unit}, nominal")
        for ax in axes[-1]:
            ax.set_xlabel("year")
        fig.suptitle(title)
        footer(fig, source)
        save(fig, paths)


def wide_table(bs: BookSet, f: FinanceResult, path: int = 0, money_unit: str = "亿元") -> pd.DataFrame:
    """One row per year, one column per line (money in ``money_unit``, stated in the
    ``money_unit`` column; counts, indices and ratios as they are)."""
    data = {"year": f.years, "money_unit": money_unit}
    for name in f.lines:
        data[name] = f[name][path] / line_unit(bs, name, money_unit)[0]
    return pd.DataFrame(data)


def write_books(sc, bs, f: FinanceResult, out_dir, overwrite: bool, money_unit: str, started: float) -> None:
    """The ``books`` command's folder: books.csv (tidy), books_wide.csv, the stacked sources and uses
    (PNG, SVG) and the manifest, written atomically (see :mod:`fiscalsim.report.files`)."""
    import time

    from fiscalsim import __version__
    from fiscalsim.report.files import atomic_directory, write_json

    with atomic_directory(out_dir, overwrite) as tmp:
        books_table(bs, f, money_unit=money_unit).to_csv(tmp / "books.csv", index=False, float_format="%.10g")
        wide_table(bs, f, money_unit=money_unit).to_csv(tmp / "books_wide.csv", index=False, float_format="%.10g")
        budget_stack_chart(bs, f, f"{sc.name}: the books, deterministic projection",
                           [tmp / "budget_stack.png", tmp / "budget_stack.svg"],
                           f"fiscalsim {__version__}; base year calibrated to the scenario's accounts; no shocks",
                           money_unit=money_unit)
        write_json(tmp / "manifest.json", {
            "command": "books", "fiscalsim_version": __version__, "scenario": str(sc.path),
            "files": ["books.csv", "books_wide.csv", "budget_stack.png", "budget_stack.svg", "manifest.json"],
            "scenario_sha256": sc.sha256, "scenario_text": sc.text, "deterministic": True,
            "money_unit": money_unit, "seconds": round(time.perf_counter() - started, 3),
        })


def first_years(bs, f: FinanceResult) -> list[tuple[str, int | None]]:
    """(label, first year the line is positive, or None) of each line the book set watches."""
    return [(label, next((int(y) for y, v in zip(f.years, f[name][0], strict=True) if v > 0), None))
            for label, name in bs.outline.watch]
