"""Charts fit for a report: Chinese text drawn with a CJK font, the rules' units, severity classes,
and identical files for identical runs."""

import dataclasses

import pytest
from click.testing import CliRunner

import fiscalsim
from fiscalsim.cli import main
from fiscalsim.report.style import CJK_PROBE, chart_style, cjk_family, cjk_font_path, save, svg_text

REFERENCE = "国办函〔2016〕88号"


@pytest.fixture(scope="module")
def res():
    return fiscalsim.run(paths=30)


def test_a_cjk_font_covers_the_legal_references():
    from matplotlib.ft2font import FT2Font

    path = cjk_font_path()
    assert path is not None, "no CJK font: pip install mplfonts"
    font = FT2Font(str(path))
    for char in REFERENCE + CJK_PROBE + "地方公共団体の財政の健全化に関する法律":
        assert font.get_char_index(ord(char)) != 0, char
    assert cjk_family() == "Noto Sans CJK SC"


def test_fan_chart_svg_holds_the_chinese_glyphs(res):
    from matplotlib.ft2font import FT2Font

    fig = res.plot_fan("china88_general_interest")
    with chart_style():
        svg = svg_text(fig)
    assert REFERENCE in svg  # the text, as written (not stripped to "201688")
    font = FT2Font(str(cjk_font_path()))
    stem = font.postscript_name
    for char in "国办函〔〕号":
        assert f'id="{stem}-{font.get_char_index(ord(char)):x}"' in svg, char  # the glyph outline itself
    assert "restructuring (mandatory): &gt; 10%" in svg  # class, severity, threshold in percent
    assert "General-debt interest above 10 % of general-budget expenditure" in svg


def test_survival_panels_follow_severity_classes(res):
    classes = {"china88_special_interest": "restructuring", "china_government_default": "default"}
    rules = tuple(dataclasses.replace(r, severity=classes.get(r.id, r.severity)) for r in res.raw.rules)
    sub = fiscalsim.Results(res.scenario, dataclasses.replace(res.raw, rules=rules), res.seed, "亿元")
    fig = sub.plot_survival()
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert any(t.startswith("warning class") for t in titles)
    assert "restructuring class" in titles and "default class" in titles
    for ax in fig.axes:  # every curve of a panel in its own colour
        colours = [line.get_color() for line in ax.get_lines()]
        assert len(colours) == len(set(colours)) <= 8
    head = sub.plot_headline()
    assert "% by 2030" in " ".join(t.get_text() for t in head.axes[0].texts)


def test_headline_chart_says_when_no_rule_has_a_headline_class(res):
    import dataclasses

    import fiscalsim

    rules = tuple(dataclasses.replace(r, severity="warning") for r in res.raw.rules)
    warnings_only = fiscalsim.Results(res.scenario, dataclasses.replace(res.raw, rules=rules), res.seed, "亿元")
    fig = warnings_only.plot_headline()
    assert "No rule of the restructuring or default class" in fig.axes[0].texts[0].get_text()


def test_same_figure_same_bytes(tmp_path, res):
    fig = res.plot_fans()
    with chart_style():
        save(fig, [tmp_path / "a.svg", tmp_path / "a.pdf", tmp_path / "a.png"])
        save(fig, [tmp_path / "b.svg", tmp_path / "b.pdf", tmp_path / "b.png"])
    for ext in ("svg", "pdf", "png"):
        assert (tmp_path / f"a.{ext}").read_bytes() == (tmp_path / f"b.{ext}").read_bytes(), ext
    assert b"<dc:date>" not in (tmp_path / "a.svg").read_bytes()


def test_identical_runs_give_identical_files(tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        res = CliRunner().invoke(main, ["run", "--paths", "10", "--seed", "5", "--out", str(out)])
        assert res.exit_code == 0, res.output
        res = CliRunner().invoke(main, ["chart", str(out), "--kind", "survival", "--kind", "fan", "--rule",
                                        "china_government_default", "--format", "svg", "--format", "pdf"])
        assert res.exit_code == 0, res.output
        outs.append(out)
    names = sorted(p.name for p in outs[0].iterdir() if p.suffix in (".png", ".svg", ".pdf", ".csv", ".parquet"))
    assert {"headline.png", "survival.svg", "fan_china_government_default.pdf"} <= set(names)
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_a_size_dependent_threshold_is_drawn_as_a_band():
    from matplotlib.patches import Polygon, Rectangle

    rule = ("triggers.rules=[{id: sized, name: Debt ratio against a size-dependent line, indicator: {numerator: "
            "[debt_government], denominator: [comprehensive_capacity]}, comparator: '>', threshold: {by: {numerator: "
            "[standard_fiscal_scale]}, points: [[1000000000, 1.2], [10000000000, 0.9]]}, persistence: 1, severity: "
            "restructuring, reference: test}]")
    res = fiscalsim.run(paths=12, overrides=[rule])
    fig = res.plot_fan("sized")
    ax = fig.axes[0]
    spans = [p for p in ax.patches if isinstance(p, Polygon | Rectangle)]
    assert spans, "the threshold band"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("restructuring: > 90-120% (by size) band" in t for t in labels), labels


def test_a_runs_fans_show_the_indicators_of_the_headline_rules(res):
    from fiscalsim.report.fans import group_rules, key_groups, makes_headline

    groups = group_rules(res.rules)
    key = key_groups(groups)
    assert 0 < len(key) < len(groups)
    assert all(any(makes_headline(r) for r in records) for _, records in key)
    shown = [ax for ax in res.plot_fans().axes if ax.get_visible()]
    assert len(shown) == len(key)
    chosen = key_groups(groups, ["china_debt_ratio_warning"])
    assert [r["id"] for _, records in chosen for r in records] == ["china_debt_ratio_warning"]
    warnings_only = [{**r, "severity_class": "warning"} for r in res.rules]
    assert key_groups(group_rules(warnings_only)) == group_rules(warnings_only)  # none makes the headline: all


def test_headline_labels_of_close_key_years_do_not_overlap():
    """Yubari's key years 2006 and 2007 (base year + 1, + 2) printed their labels over each other."""
    import numpy as np

    from fiscalsim.report.charts import headline_chart

    years = np.arange(2005, 2031)
    first = np.full(50, 2006)
    fig = headline_chart(first, years, [2006, 2007, 2010, 2020, 2030], 3, "t", "s")
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in fig.axes[0].texts if " % by " in t.get_text()]
    assert len(boxes) == 5
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
