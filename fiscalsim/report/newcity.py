"""``fiscalsim new-city``: write a new city's scenario folder, checked before it is written.

The folder follows the results-folder rules (``fiscalsim.report.files``): it is new or empty, or
— with ``overwrite`` — an earlier ``new-city`` folder holding only the files it wrote **and not
edited since** (the manifest records each file's sha256: a scenario whose accounts a user has
filled in is never replaced). Everything is written atomically.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fiscalsim import __version__, refdata
from fiscalsim.report.files import OutputError, atomic_directory, read_manifest, write_json
from fiscalsim.scenario import ScenarioError, load_scenario
from fiscalsim.scenario.census import CODE_KEY
from fiscalsim.scenario.compose import load_tree
from fiscalsim.scenario.demography import read_city_census
from fiscalsim.scenario.derive import CityFigures, derive_city
from fiscalsim.scenario.newcity import Reference, StandIn, scenario_text
from fiscalsim.scenario.schema import TO_FILL
from fiscalsim.scenario.tables import read_census_table, read_csv

PACKAGE_CENSUS = "package:census_heilongjiang_2010_2020.csv"
SUMMARY_COLUMNS = ("census_year", "unit_code", "household_size", "employed_long_form", "mining_long_form",
                   "long_form_share")
SCALES = ("population", "none")


@dataclass(frozen=True)
class NewCity:
    """What ``new-city`` wrote: the scenario file, the figures and whether it is a template."""

    scenario: Path
    figures: CityFigures
    to_fill: list[str]
    stand_in: bool

    @property
    def text(self) -> str:
        """What the command prints."""
        f = self.figures
        lines = [f"{f.city.name} ({f.city.code}): {len(f.city.unit_codes)} units, {f.census_population:,.0f} persons "
                 f"in {f.base_year}; TFR {f.tfr:.3f}; net migration {100 * f.migration_rate:+.2f} %/yr "
                 f"({f.first_year}-{f.base_year})"]
        if self.to_fill:
            lines.append(f"template: {len(self.to_fill)} values TO FILL ('fiscalsim validate {self.scenario}' lists them)")
        elif self.stand_in:
            lines.append("stand-in accounts: every output of this scenario is flagged as such")
        return "\n".join([*lines, f"scenario: {self.scenario}"])


def reference(like: Path) -> Reference:
    """The reference scenario (its tree, label, census population and units); it must be complete."""
    sc = load_scenario(like)
    if sc.books != "china" or sc.settings["demography"]["census"] is None:
        raise ScenarioError(f"{sc.name} ({like.name}) has {sc.books} books and "
                            f"{'a census' if sc.settings['demography']['census'] else 'no census'}; a new city's "
                            "reference needs Chinese books and a census (e.g. hegang)", key="--accounts-like")
    tree, _ = load_tree(like)
    census = read_city_census(sc.settings["demography"]["census"], None, sc.path.parent)
    return Reference(tree=tree, label=f"{sc.name} ({like.name})", population=float(census.counts.sum()),
                     n_units=sc.demography.n_units)


def reference_path(like: str | Path | None) -> Path:
    """The reference scenario: a file, a bundled name, or a bundled city (``hegang``: its baseline)."""
    from fiscalsim.api import scenario_path

    if like is None:
        return scenario_path(None)
    try:
        return scenario_path(like)
    except ScenarioError:
        return scenario_path(f"{like}/baseline")


def read_summary(path: Path) -> pd.DataFrame:
    """A census summary table (columns :data:`SUMMARY_COLUMNS`); a blank cell means 'not given'."""
    df = read_csv(path, "--summary", "census summary")
    missing = [c for c in SUMMARY_COLUMNS if c not in df.columns]
    if missing:
        raise ScenarioError(f"table {path} lacks columns {missing}; it has {list(df.columns)[:12]}", key="--summary")
    out = pd.DataFrame({"unit_code": pd.to_numeric(df["unit_code"], errors="coerce"),
                        "census_year": pd.to_numeric(df["census_year"], errors="coerce")})
    for col in SUMMARY_COLUMNS[2:]:
        out[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
        bad = df[col].ne("") & out[col].isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise ScenarioError(f"table {path}, row {row}, column {col}: expected a number or a blank cell (not "
                                f"given), got {df[col].iloc[row - 2]!r}", key="--summary")
    if out[["unit_code", "census_year"]].isna().any().any():
        row = int(out[["unit_code", "census_year"]].isna().any(axis=1).to_numpy().nonzero()[0][0]) + 2
        raise ScenarioError(f"table {path}, row {row}: unit_code and census_year must be integers", key="--summary")
    return out


def slug(text: str) -> str:
    """A file stem from a name: letters, digits, '-' and '_' (other characters become '-')."""
    stem = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-")
    return stem or "city"


def _city_rows(df: pd.DataFrame, code: int) -> pd.DataFrame:
    """The rows of a city and its units (what a copied census table needs)."""
    same = df["unit_code"] // 100 == code // 100 if code % 100 == 0 else df["unit_code"] == code
    return df[same]


def check_unedited(out: Path) -> None:
    """Refuse to replace a ``new-city`` folder whose files were edited after fiscalsim wrote them."""
    manifest = read_manifest(out) if out.is_dir() else None
    if manifest is None or manifest.get("command") != "new-city":
        return
    for name, digest in manifest.get("sha256", {}).items():
        path = out / name
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise OutputError(f"--out {out}: {name} was edited after fiscalsim wrote it (its accounts may be filled "
                              "in); fiscalsim will not replace it: choose another folder")


def _to_fill(path: Path) -> list[str]:
    """The keys a written scenario still has TO FILL; any other error is a fault of new-city."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        other = [e for e in exc.errors if not e.message.startswith(TO_FILL)]
        if other:
            raise ScenarioError(f"new-city wrote a scenario that does not load: {other[0]}") from None
        return [e.key for e in exc.errors]
    return []


@dataclass(frozen=True)
class Draft:
    """A new city's scenario before it is written: figures, text, file name and census rows to copy."""

    figures: CityFigures
    text: str
    file: str
    census_rows: pd.DataFrame | None
    reference: str
    stand_in: bool


def draft_city(code: int, census: Path | None = None, summary: Path | None = None, base_year: int | None = None,
               name: str | None = None, like: str | Path | None = None, scale: str = "population") -> Draft:
    """Derive a city's scenario text from a census table (see :func:`new_city`)."""
    if scale not in SCALES:
        raise ScenarioError(f"--scale must be one of {list(SCALES)}")
    if census is None:
        df, table = refdata.census_table(PACKAGE_CENSUS.removeprefix("package:")), PACKAGE_CENSUS
        summary_df = refdata.census_summary() if summary is None else read_summary(summary)
    else:
        df, table = read_census_table(Path(census), "--census"), "census.csv"
        summary_df = None if summary is None else read_summary(summary)
    figures = derive_city(df, code, base_year, str(census or PACKAGE_CENSUS), summary_df)
    ref = reference(reference_path(like))
    factor = figures.census_population / ref.population if scale == "population" else 1.0
    unit_factor = factor * ref.n_units / len(figures.city.unit_codes) if scale == "population" else 1.0
    label = name or str(code)
    stand_in = StandIn(scale, factor, unit_factor) if like is not None else None
    text = scenario_text(figures, label, table, ref, stand_in)
    rows = _city_rows(df, code) if census is not None else None
    return Draft(figures, text, f"{slug(label)}.yaml", rows, ref.label, like is not None)


def new_city(code: int, out: str | Path, census: Path | None = None, summary: Path | None = None,
             base_year: int | None = None, name: str | None = None, like: str | Path | None = None,
             scale: str = "population", overwrite: bool = False) -> NewCity:
    """Derive a city's scenario from a census table and write its folder (see the module docstring).

    ``census`` None reads the packaged Heilongjiang census and its 2020 summary; ``like`` names the
    reference scenario (default: the bundled Hegang baseline) whose assumptions are carried over
    and, when given, whose accounts stand in (scaled by ``scale``)."""
    started = time.perf_counter()
    check_unedited(Path(out))
    try:
        draft = draft_city(code, census, summary, base_year, name, like, scale)
    except ScenarioError as exc:
        if exc.file is None and exc.key == CODE_KEY:  # about the CODE argument, not a scenario key
            raise ScenarioError(exc.message, key=f"CODE {code}") from None
        raise
    with atomic_directory(out, overwrite) as tmp:
        (tmp / draft.file).write_text(draft.text, encoding="utf-8")
        files = [draft.file]
        if draft.census_rows is not None:
            draft.census_rows.to_csv(tmp / "census.csv", index=False)
            files.append("census.csv")
        to_fill = _to_fill(tmp / draft.file)
        digests = {f: hashlib.sha256((tmp / f).read_bytes()).hexdigest() for f in files}
        write_json(tmp / "manifest.json", {
            "command": "new-city", "fiscalsim_version": __version__, "city_code": code,
            "city": draft.figures.city.name, "census": str(census or PACKAGE_CENSUS),
            "base_year": draft.figures.base_year, "first_census": draft.figures.first_year,
            "reference": draft.reference, "stand_in": draft.stand_in, "scale": scale if draft.stand_in else None,
            "to_fill": to_fill, "files": [*files, "manifest.json"], "sha256": digests,
            "seconds": round(time.perf_counter() - started, 3)})
    return NewCity(Path(out) / draft.file, draft.figures, to_fill, draft.stand_in)
