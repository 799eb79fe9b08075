"""Charts drawn from a results folder (``fiscalsim chart``) or written by ``run``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from fiscalsim.report.files import replace_file, writable_in_results, write_json  # noqa: E402

KINDS = ("fan", "survival", "pyramid")


def _ascii(text: str) -> str:
    """Drop characters the default font cannot draw (CJK legal titles stay in the CSV files)."""
    return "".join(c for c in text if ord(c) < 0x2E80).replace("()", "").replace("  ", " ").strip()


def fan_chart(quantiles: pd.DataFrame, rule: dict, out: list[Path], source: str) -> None:
    """Median and 50/80/90 % bands of a rule's indicator, with its threshold and reference."""
    q = quantiles[(quantiles.kind == "indicator") & (quantiles.name == rule["rule"])].sort_values("year")
    if q.empty:
        raise ValueError(f"no indicator quantiles for rule {rule['rule']!r}")
    fig, ax = plt.subplots(figsize=(9, 5))
    years = q.year.to_numpy()
    for lo, hi, alpha in (("q05", "q95", 0.15), ("q10", "q90", 0.25), ("q25", "q75", 0.35)):
        ax.fill_between(years, q[lo], q[hi], color="#3b6ea5", alpha=alpha, linewidth=0,
                        label=f"{lo[1:]}-{hi[1:]} % of paths")
    ax.plot(years, q.q50, color="#1f3d63", linewidth=1.8, label="median")
    threshold = rule.get("threshold")
    if threshold is not None and np.isfinite(threshold):
        ax.axhline(threshold, color="#c0504d", linestyle="--", linewidth=1.2,
                   label=f"threshold {rule['comparator']} {threshold:g} ({_ascii(rule['severity'])})")
    ax.set_xlabel("year")
    ax.set_ylabel("indicator (ratio or yuan, see the rule)")
    ax.set_title(_ascii(rule["name"]))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    import textwrap

    footer = textwrap.fill(f"{source} | {rule['rule']}: {_ascii(rule['reference'])}", 170)
    fig.text(0.01, 0.01, footer, fontsize=6.5, color="0.3")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    for p in out:
        fig.savefig(p, dpi=110)
    plt.close(fig)


def survival_chart(curves: dict[str, np.ndarray], years: np.ndarray, title: str, out: list[Path],
                   source: str) -> None:
    """Share of paths on which a rule has not yet fired, by year: one line per label (a rule, or
    an option). ``curves`` maps labels to first-passage years per path (``NEVER`` if not fired)."""
    fig, ax = plt.subplots(figsize=(9, 5))
    for label, fp in curves.items():
        ax.step(years, [(fp > y).mean() for y in years], where="post", label=label)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("year")
    ax.set_ylabel("share of paths on which the rule has not fired")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    fig.text(0.01, 0.01, source, fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    for p in out:
        fig.savefig(p, dpi=110)
    plt.close(fig)


def rule_records(rules) -> list[dict]:
    """The rules as the run's manifest records them (and the charts read them back); a threshold
    is drawn as a line only when it is a constant."""
    return [{"id": r.id, "pack": r.pack, "name": r.name, "comparator": r.comparator, "severity": r.severity,
             "reference": r.reference, "threshold": r.threshold.value} for r in rules]


def draw_run_charts(folder: Path, kinds: tuple[str, ...] = KINDS, rules: list[str] | None = None,
                    fmt: tuple[str, ...] = ("png", "svg")) -> list[str]:
    """Draw charts from a ``run`` results folder; returns the file names written.

    Only new files or files the folder's manifest lists are written (each atomically), and the
    manifest then lists the charts too."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    meta = {r["id"]: r for r in manifest["rules"]}
    chosen = rules or list(meta)
    unknown = [r for r in chosen if r not in meta]
    if unknown:
        raise KeyError(f"unknown rules {unknown}; the run's rules are {list(meta)}")
    planned = [f"fan_{rid}" for rid in chosen] if "fan" in kinds else []
    planned += [k for k in ("pyramid", "survival") if k in kinds]
    names = [f"{stem}.{ext}" for stem in planned for ext in fmt]
    writable_in_results(folder, names)
    with tempfile.TemporaryDirectory(prefix=".charts-", dir=folder) as scratch:
        _draw_run_charts(folder, Path(scratch), manifest, meta, chosen, kinds, fmt)
        for name in names:
            os.replace(Path(scratch) / name, folder / name)
    manifest["files"] = list(dict.fromkeys([*manifest.get("files", []), *names]))
    replace_file(folder / "manifest.json", lambda tmp: write_json(tmp, manifest))
    return names


def _draw_run_charts(folder: Path, scratch: Path, manifest: dict, meta: dict, chosen: list[str],
                     kinds: tuple[str, ...], fmt: tuple[str, ...]) -> None:
    years = np.arange(manifest["years"][0], manifest["years"][1] + 1)
    source = f"fiscalsim {manifest['fiscalsim_version']}; {manifest['scenario_name']}; {manifest['paths']:,} paths; seed {manifest['seed_entropy']}"
    if "fan" in kinds:
        quantiles = pd.read_csv(folder / "quantiles.csv")
        for rid in chosen:
            record = {"rule": rid, **{k: meta[rid][k] for k in ("name", "comparator", "severity", "reference", "threshold")}}
            fan_chart(quantiles, record, [scratch / f"fan_{rid}.{ext}" for ext in fmt], source)
    if "pyramid" in kinds:
        from fiscalsim.report.population import pyramid_chart_quantiles

        table = pd.read_csv(folder / "pyramid.csv")
        pyramid_chart_quantiles(table, f"{manifest['scenario_name']}: population pyramid",
                                [scratch / f"pyramid.{ext}" for ext in fmt], source)
    if "survival" in kinds:
        fp = pd.read_csv(folder / "first_passage.csv")
        survival_chart({rule: fp[rule].to_numpy() for rule in chosen}, years,
                       f"{manifest['scenario_name']}: P(rule not fired by year)",
                       [scratch / f"survival.{ext}" for ext in fmt], source)
