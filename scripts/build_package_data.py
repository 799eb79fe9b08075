"""Regenerate the compact reference tables shipped in ``fiscalsim/data`` from ``shared/data``.

The package ships only the figures it needs, unchanged apart from selection and reshaping:
Hegang's census age-sex counts (2010, 2020) by unit and the UN WPP 2024 schedules for China, Japan
and the United States (:data:`WPP_COUNTRIES`).
Run from the repository root: ``python scripts/build_package_data.py [SHARED_DATA_DIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HEGANG_CODE = 230400
#: Countries whose WPP 2024 schedules ship with the package (same three tables each).
WPP_COUNTRIES = ("china", "japan", "usa")
OUT = Path(__file__).resolve().parents[1] / "fiscalsim" / "data"


def main(shared: Path) -> None:
    census = pd.read_csv(shared / "census" / "heilongjiang_census_age_sex_2010_2020.csv")
    codes = census["unit_code"]
    hegang = census[(codes // 100) == HEGANG_CODE // 100]
    hegang = hegang[["census_year", "unit_code", "unit_name", "sex", "age_group", "persons"]]
    hegang.to_csv(OUT / "census_hegang_2010_2020.csv", index=False)

    vital = pd.read_csv(shared / "census" / "heilongjiang_census_2010_vital_rates.csv")
    vital = vital[(vital["unit_code"] // 100) == HEGANG_CODE // 100].copy()
    vital["unit_code"] = vital["unit_code"].astype(int)
    vital.to_csv(OUT / "census_hegang_2010_vital_rates.csv", index=False)

    for country in WPP_COUNTRIES:
        write_wpp(shared, country)


def write_wpp(shared: Path, country: str) -> None:
    """The WPP 2024 schedules of ``country`` from 2000 on: mₓ, fertility pattern, indicators."""
    src = shared / f"wpp2024_{country}"
    mx = pd.read_csv(src / f"{country}_mx_abridged_5yr_periods.csv")
    mx = mx[mx["period"].str[:4].astype(int) >= 2000]
    mx.to_csv(OUT / f"wpp2024_{country}_mx.csv", index=False)

    asfr = pd.read_csv(src / f"{country}_percent_asfr_5yr_ages.csv")
    asfr = asfr[asfr["year"] >= 2000]
    asfr.to_csv(OUT / f"wpp2024_{country}_percent_asfr.csv", index=False)

    ind = pd.read_csv(src / f"{country}_indicators_annual.csv")
    ind = ind[(ind["year"] >= 2000) & ind["indicator"].isin(["tfr", "srb", "e0_male", "e0_female"])]
    ind.to_csv(OUT / f"wpp2024_{country}_indicators.csv", index=False)


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
