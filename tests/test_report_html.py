"""The self-contained HTML report of a run and of a comparison, checked in a real browser."""

import base64
import re
import shutil
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from fiscalsim.cli import main


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "run"
    res = CliRunner().invoke(main, ["run", "--paths", "30", "--seed", "3", "--report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_run_report_is_one_self_contained_page(run_folder):
    page = (run_folder / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "restructuring- or default-class" in page  # the headline
    images = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(images) == 4  # headline, survival, fans, pyramid
    assert all(base64.b64decode(i).startswith(b"<svg") for i in images)
    assert not re.search(r'(src|href)="(?!data:)', page), "the page must not need any other file"
    assert "not by 2060" in page and "9999" not in page
    # the scenario's assumptions, with their units and sources
    assert "demography.fertility.tfr" in page and "children per woman" in page and "WPP 2024" in page
    assert "国办函〔2016〕88号" in page  # legal references as written
    assert "report.html" in (run_folder / "manifest.json").read_text()
    # the fan chart draws the headline rules only (fiscalsim chart --kind fans --rule … draws others)
    assert "<h2>The headline rules&#x27; indicators and their thresholds</h2>" in page
    assert "Each rule&#x27;s indicator" not in page


DEFAULT_RULE = ("triggers.rules=[{id: unpaid_debt, name: Debt service unpaid, indicator: {numerator: "
                "[debt_service_unpaid]}, comparator: '>', threshold: {value: 0}, persistence: 1, severity: default, "
                "reference: test}]")


def test_headline_of_a_default_class_rule_leads_the_report(tmp_path):
    import pandas as pd

    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["run", "--paths", "30", "--seed", "3", "--report", "--out", str(out),
                                    "--set", DEFAULT_RULE, "--set", "triggers.packs=[china_debt_ratio]",
                                    "--set", "triggers.headline_packs=[china_debt_ratio]"])
    assert res.exit_code == 0, res.output
    assert "The first restructuring- or default-class event (1 rules)" in res.output
    fp = pd.read_csv(out / "first_passage.csv")
    head = pd.read_csv(out / "headline.csv")
    by_2030 = head[(head.measure == "p_by") & (head.year == 2030)].value.item()
    assert by_2030 == pytest.approx(100 * (fp.unpaid_debt <= 2030).mean())
    assert (fp.first_restructuring_or_default.fillna(0) == fp.unpaid_debt.fillna(0)).all()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/svg+xml;base64,") == 4 and "P(event by 2030)" in page


def test_report_command_and_comparison_page(tmp_path, run_folder):
    res = CliRunner().invoke(main, ["report", str(run_folder), "--html"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "cmp"
    res = CliRunner().invoke(main, ["compare", "baseline", "hiring_freeze", "--paths", "20", "--out", str(out)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["report", str(out), "--html"])
    assert res.exit_code == 0, res.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Options compared: hegang-baseline, hegang-hiring-freeze" in page
    assert page.count("data:image/svg+xml;base64,") == 2  # survival and waterfall
    # each chart under a heading saying what it shows; the table's units stated
    assert "<h2>Share of paths on which china_sanbao_unfunded has not fired yet</h2>" in page
    assert re.search(r"<h2>hegang-hiring-freeze vs hegang-baseline: the structural balance in \d{4}</h2>", page)
    assert "cumulative_fiscal_effect_*: 亿元" in page and "staff_* in persons" in page
    assert not re.search(r">[-\d.]+e[+-]\d+<", page)  # staff as 35,078, not 3.508e+04
    assert "policies.hiring.hires_per_retirement" in page  # what the option changes, with its source
    bad = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert bad.exit_code == 2 and "not a results folder" in bad.output


def _browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_browser() is None, reason="no Chromium: apt-get install chromium (.ci/run installs it)")
def test_report_renders_in_a_headless_browser(run_folder, tmp_path):
    from matplotlib.image import imread

    shot = tmp_path / "report.png"
    proc = subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--window-size=1200,1600", f"--screenshot={shot}", (run_folder / "report.html").as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert shot.is_file(), proc.stderr[-2000:]
    pixels = imread(shot)[..., :3]
    assert pixels.shape[:2] == (1600, 1200)
    ink = (pixels.mean(axis=-1) < 0.9).mean()  # share of pixels that are not (near) white
    assert 0.02 < ink < 0.9, ink
    assert np.unique(pixels.reshape(-1, 3), axis=0).shape[0] > 50  # text, charts and colours, not a blank page
