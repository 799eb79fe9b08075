"""Regenerate the compact reference tables shipped in ``fiscalsim/data`` from ``shared/data``.

The package ships only the figures it needs, unchanged apart from selection and reshaping:
the census age-sex counts (2010, 2020) of Heilongjiang's prefectures and their units (Hegang's
also on their own, the table its baseline names), the 2020 census summary figures ``new-city``
derives participation and household size from, and the UN WPP 2024 schedules for China, Japan
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
PROVINCE_CODE = 230000
CENSUS_COLUMNS = ["census_year", "unit_code", "unit_name", "sex", "age_group", "persons"]
#: 2020 census summary: source column → packaged column (the long form is a 10 % sample)
SUMMARY_COLUMNS = {"区划代码": "unit_code", "区县": "unit_name", "人口数_合计": "persons", "家庭户数": "households",
                   "户规模": "household_size", "各种行业人口总计": "employed_long_form",
                   "采矿业": "mining_long_form"}
OUT = Path(__file__).resolve().parents[1] / "fiscalsim" / "data"


def main(shared: Path) -> None:
    census = pd.read_csv(shared / "census" / "heilongjiang_census_age_sex_2010_2020.csv")
    codes = census["unit_code"]
    hegang = census[(codes // 100) == HEGANG_CODE // 100]
    hegang = hegang[CENSUS_COLUMNS]
    hegang.to_csv(OUT / "census_hegang_2010_2020.csv", index=False)
    province = census[census["unit_code"] != PROVINCE_CODE][CENSUS_COLUMNS]
    province.to_csv(OUT / "census_heilongjiang_2010_2020.csv", index=False)

    summary = pd.read_csv(shared / "census" / "heilongjiang_census_2020_unit_summary.csv")
    summary = summary[list(SUMMARY_COLUMNS)].rename(columns=SUMMARY_COLUMNS)
    summary = summary[summary["unit_code"] != PROVINCE_CODE].copy()
    for col in ("unit_code", "employed_long_form", "mining_long_form"):
        summary[col] = summary[col].astype("Int64")  # whole persons; a blank stays blank (not given)
    summary.insert(0, "census_year", 2020)
    summary.insert(len(summary.columns), "long_form_share", 0.1)
    summary.to_csv(OUT / "census_heilongjiang_2020_summary.csv", index=False)

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
