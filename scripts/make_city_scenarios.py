"""Regenerate the ready-made city scenarios in ``scenarios/heilongjiang/``.

Each prefecture of Heilongjiang gets the scenario ``fiscalsim new-city CODE --name NAME`` writes:
demography derived from the packaged 2010 and 2020 censuses, accounts TO FILL (``validate`` lists
them). Hegang, whose accounts are known, is its calibrated baseline. Run from the repository root:
``python scripts/make_city_scenarios.py``; tests/test_newcity.py fails when a file is out of date.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "heilongjiang"
#: The thirteen prefectures of Heilongjiang (GB/T 2260 codes) and their file names.
PREFECTURES = {
    230100: "harbin", 230200: "qiqihar", 230300: "jixi", 230400: "hegang", 230500: "shuangyashan",
    230600: "daqing", 230700: "yichun", 230800: "jiamusi", 230900: "qitaihe", 231000: "mudanjiang",
    231100: "heihe", 231200: "suihua", 232700: "daxinganling",
}
HEGANG = """# 鹤岗市 (230400): the calibrated Hegang baseline (its 2020 accounts are known), for screening the province.
name: hegang
extends: package:hegang/baseline
"""


def scenarios() -> dict[str, str]:
    """File name → text of every ready-made city scenario."""
    from fiscalsim.report.newcity import draft_city

    out = {}
    for code, name in PREFECTURES.items():
        out[f"{name}.yaml"] = HEGANG if name == "hegang" else draft_city(code, name=name).text
    return out


if __name__ == "__main__":
    FOLDER.mkdir(parents=True, exist_ok=True)
    for file, text in scenarios().items():
        (FOLDER / file).write_text(text, encoding="utf-8")
        print(f"wrote scenarios/heilongjiang/{file}")
