"""Regenerate the generated pages in docs/: the back-test, the scenario reference (every book
set's schema), the CLI reference and the pages generated from runs.

Run from the repository root: ``python scripts/make_docs.py``. tests/test_docs.py fails when a
generated page is out of date.
"""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def pages() -> dict[str, str]:
    from fiscalsim.demography.backtest import backtest_markdown
    from fiscalsim.report.baseline_doc import (
        baseline_markdown,
        options_markdown,
        what_moves_the_date_markdown,
    )
    from fiscalsim.report.city_doc import model_your_city_markdown
    from fiscalsim.report.cli_doc import cli_markdown
    from fiscalsim.report.feedback_doc import feedbacks_markdown
    from fiscalsim.report.finance_doc import finance_markdown
    from fiscalsim.report.japan_doc import japan_markdown
    from fiscalsim.scenario import SCHEMAS
    from fiscalsim.scenario.reference import schema_markdown

    return {"backtest_2010_2020.md": backtest_markdown(), "scenario_reference.md": schema_markdown(SCHEMAS),
            "hegang_baseline.md": baseline_markdown(), "cli.md": cli_markdown(),
            "hegang_options.md": options_markdown(), "what_moves_the_date.md": what_moves_the_date_markdown(),
            "finance.md": finance_markdown(), "feedbacks.md": feedbacks_markdown(),
            "japan.md": japan_markdown(),
            "model_your_city.md": model_your_city_markdown()}


if __name__ == "__main__":
    for name, text in pages().items():
        (DOCS / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/{name}")
