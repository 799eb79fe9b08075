"""The scenario file ``fiscalsim new-city`` writes: derived demography, template accounts.

The demography and labour figures come from :mod:`fiscalsim.scenario.derive`, each with its
derivation as source. Assumptions no census pins (processes, shares, maturities, …) are carried
over from a reference scenario (the bundled Hegang baseline) and say so in their source. What only
the city's own accounts can give is ``TO FILL`` (:data:`fiscalsim.scenario.schema.TO_FILL`): the
scenario then fails ``validate`` with the list of what to fill, unless a labelled stand-in is
asked for (``accounts_like``): those values are then the reference scenario's, scaled by the
ratio of the census populations, and the scenario's ``stand_in`` note flags every output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from fiscalsim.refdata import wpp_indicator
from fiscalsim.scenario.derive import FEMALE_CADRE_SHARE, CityFigures
from fiscalsim.scenario.finance import ACCOUNTS
from fiscalsim.scenario.report_settings import DEFAULT_KEY_YEAR_OFFSETS
from fiscalsim.scenario.schema import TO_FILL
from fiscalsim.scenario.yamlio import Node
from fiscalsim.units import to_model_units

#: Years simulated after the base year.
HORIZON_YEARS = 40
#: Keys (beyond ``accounts``) that only the city's own figures can give: (key path, unit, what).
CITY_KEYS = (
    ("finance.overhead_per_unit", "万元", "administrative overhead of one district or county (leadership, bureaus)"),
    ("finance.stabilisation_balance_end", "万元", "balance of the budget stabilisation fund at the end of the base year"),
    ("debt.general_share", "ratio", "general bonds' share of government debt (the rest is special bonds)"),
    ("debt.lgfv_debt", "亿元", "debt of the city's financing vehicles (LGFV) at the end of the base year"),
    ("debt.new_general_bonds", "亿元", "new general-bond quota per year"),
    ("debt.new_special_bonds", "亿元", "new special-bond quota per year"),
)
#: Carried-over sections of the reference scenario (every key, except :data:`CITY_KEYS` and the derived ones).
CARRIED_SECTIONS = ("economy", "finance", "pension", "staffing", "debt", "feedbacks")
#: Derived in ``economy`` when the census summary gives them.
DERIVED_ECONOMY = ("participation_rate", "resource_employment_share", "household_size")
CARRIED_DEMOGRAPHY = (("mortality", ("level_multiplier", "drift_multiplier", "kt_sigma")),
                      ("fertility", ("ar1_phi", "ar1_sigma")),
                      ("migration", ("ar1_phi", "ar1_sigma", "child_parent_ratio")),
                      ("retirement", ("working_age_min",)))
#: Distribution and value keys stated in the parameter's unit (scaled for a stand-in).
SCALED_KEYS = ("value", "low", "mode", "high", "median", "mean", "sd")
CHINA_PACKS = ["china_88", "china_liquidity", "china_debt_ratio"]
HEADLINE_PACKS = ["china_88", "china_liquidity"]


@dataclass(frozen=True)
class Reference:
    """The scenario whose assumptions are carried over (and, for a stand-in, whose accounts stand in).

    tree : its YAML tree (extends followed); label : how sources name it; population : its base
    census population; n_units : its units."""

    tree: Node
    label: str
    population: float
    n_units: int


@dataclass(frozen=True)
class StandIn:
    """Stand-in accounts: the reference's, times ``factor`` (``scale``: population or none)."""

    scale: str
    factor: float
    unit_factor: float  # for per-unit amounts: the ratio of population per unit


def plain(value: Any) -> Any:
    """A YAML tree as plain dicts and lists (for dumping)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def flow(value: Any) -> str:
    """One YAML value on one line (flow style)."""
    return yaml.safe_dump(plain(value), default_flow_style=True, allow_unicode=True, sort_keys=False,
                          width=10**9).strip().removesuffix("...").strip()


def _param(value: Any, unit: str, source: str) -> dict:
    return {"value": value, "unit": unit, "source": " ".join(source.split())}


def _carried(node: dict, ref: Reference) -> dict:
    out = plain(node)
    out["source"] = f"assumption carried over from {ref.label}, where it reads: {' '.join(str(node['source']).split())}"
    return out


def _carried_tree(node: Any, ref: Reference) -> Any:
    """A parameter, or a section of them (e.g. a feedback), with every source marked as carried over."""
    if isinstance(node, dict) and "source" in node:
        return _carried(node, ref)
    if isinstance(node, dict):
        return {k: _carried_tree(v, ref) for k, v in node.items()}
    return plain(node)


def _to_fill(what: str, unit: str, fig: CityFigures) -> dict:
    return _param(TO_FILL, unit, f"TO FILL: {fig.city.name}'s {fig.base_year} figure, from its budget execution "
                                 "report or final accounts; replace this text with the document")


def _scaled(node: dict, key: str, factor: float, ref: Reference, what: str) -> dict:
    out = plain(node)
    for k in SCALED_KEYS:
        if k in out and isinstance(out[k], int | float):
            out[k] = float(f"{out[k] * factor:.10g}")
    dist = out.get("distribution")
    if isinstance(dist, dict):
        for k in SCALED_KEYS:
            if isinstance(dist.get(k), int | float):
                dist[k] = float(f"{dist[k] * factor:.10g}")
    if isinstance(out.get("clip"), list):
        out["clip"] = [float(f"{c * factor:.10g}") for c in out["clip"]]
    out["source"] = f"STAND-IN, not this city's figure: {ref.label}'s {key} × {factor:.4f} ({what})"
    return out


def _section(tree: Node, path: str) -> Any:
    node = tree
    for part in path.split("."):
        node = node[part]
    return node


def _city_value(key: str, unit: str, what: str, fig: CityFigures, ref: Reference, stand_in: StandIn | None) -> dict:
    if stand_in is None:
        return _to_fill(what, unit, fig)
    node = _section(ref.tree, key)
    if unit == "ratio":
        return _scaled(node, key, 1.0, ref, "a share, not scaled")
    if key == "finance.overhead_per_unit":
        return _scaled(node, key, stand_in.unit_factor, ref, "scaled by the population per unit")
    return _scaled(node, key, stand_in.factor, ref, f"scaled by {stand_in.scale}")


def accounts_lines(fig: CityFigures, ref: Reference, stand_in: StandIn | None) -> list[str]:
    lines = ["accounts:"]
    for key, spec in ACCOUNTS.fields.items():
        if stand_in is None:
            value = _to_fill(spec.doc, "万元", fig)
        else:
            value = _scaled(ref.tree["accounts"][key], f"accounts.{key}", stand_in.factor, ref,
                            f"scaled by {stand_in.scale}")
        lines.append(f"  {key}: {flow(value)}")
    return lines


def _summary_figure(fig: CityFigures, column: str) -> float | None:
    row = fig.summary
    if row is None or column not in row or row[column] is None or row[column] != row[column]:  # NaN: not given
        return None
    return float(row[column])


def unemployment_rate(ref: Reference) -> float:
    """The reference scenario's unemployment rate (a ratio): participation is derived with it."""
    node = ref.tree["economy"]["unemployment_rate"]
    return to_model_units(float(node["value"]), node["unit"], "ratio")


def economy_values(fig: CityFigures, unemployment: float) -> dict[str, dict]:
    """The derived economy parameters the census summary gives (others are carried over)."""
    out: dict[str, dict] = {}
    employed, share = _summary_figure(fig, "employed_long_form"), _summary_figure(fig, "long_form_share")
    census = f"{fig.base_year} census"
    if employed is not None and share is not None and share > 0:
        rate = employed / share / fig.working_age / (1.0 - unemployment)
        out["participation_rate"] = _param(round(rate, 4), "ratio", (
            f"derived: {census} long form, {employed:,.0f} employed in the {share:.0%} sample ({employed / share:,.0f}) "
            f"over the working-age population at 1 Jan {fig.base_year} ({fig.working_age:,.0f}) = "
            f"{employed / share / fig.working_age:.3f}, divided by (1 − unemployment {unemployment:.0%})"))
        mining = _summary_figure(fig, "mining_long_form")
        if mining is not None:
            out["resource_employment_share"] = _param(round(mining / employed, 4), "ratio", (
                f"derived: {census} long form, mining {mining:,.0f} of {employed:,.0f} employed"))
    size = _summary_figure(fig, "household_size")
    if size is not None:
        out["household_size"] = _param(size, "persons", f"{census} summary: {size} persons per household")
    return out


def demography_lines(fig: CityFigures, ref: Reference, table: str) -> list[str]:
    base, first = fig.base_year, fig.first_year
    refdemo = ref.tree["demography"]
    srb = wpp_indicator("srb", [base, base + 30])
    city = f"{fig.city.name} ({fig.city.code})"
    tfr = _param(round(fig.tfr, 4), "children per woman", (
        f"derived: {base} census infants ({fig.infants:,.0f}) ÷ L0 by sex, over women by single age × WPP {base} "
        f"age pattern (fiscalsim new-city; docs/model_your_city.md); held constant"))
    rate = _param(round(100 * fig.migration_rate, 3), "percent per year", (
        f"derived: residual-method net migration {first}-{base} between {city}'s census totals "
        f"({fig.first_population:,.0f} → {fig.census_population:,.0f}), held constant (fiscalsim new-city)"))
    lines = ["demography:", "  census:", f"    table: {table}", f"    city_code: {fig.city.code}", f"    year: {base}",
             "    month: 11"]
    if fig.mapping is not None:
        source, groups = fig.mapping
        lines += ["    boundary_changes:", f"      source: {flow(source)}", "      groups:"]
        lines += [f"        - {flow(g)}" for g in groups]
    carried = {sec: {k: _carried(refdemo[sec][k], ref) for k in keys} for sec, keys in CARRIED_DEMOGRAPHY}
    lines += ["  mortality:", f"    level_multiplier: {flow(carried['mortality']['level_multiplier'])}",
              f"    lee_carter_fit_from: {base + 2}", f"    lee_carter_fit_to: {base + 27}",
              f"    drift_multiplier: {flow(carried['mortality']['drift_multiplier'])}",
              f"    kt_sigma: {flow(carried['mortality']['kt_sigma'])}",
              "  fertility:", f"    tfr: {flow(tfr)}",
              *(f"    {k}: {flow(carried['fertility'][k])}" for k in ("ar1_phi", "ar1_sigma")),
              f"    pattern_year: {base}",
              f"    srb: {flow({'path': {base: round(float(srb[0]), 3), base + 30: round(float(srb[1]), 3)}, 'unit': 'males per female', 'source': f'WPP 2024 China sex ratio at birth, {base} and {base + 30}'})}",
              "  migration:", f"    rate: {flow(rate)}",
              *(f"    {k}: {flow(carried['migration'][k])}" for k in ("ar1_phi", "ar1_sigma")),
              "    profile: residual", f"    first_census: {first}",
              f"    child_parent_ratio: {flow(carried['migration']['child_parent_ratio'])}",
              "  retirement:", "    schedule: china_2025_reform",
              f"    female_cadre_share: {flow(_param(FEMALE_CADRE_SHARE, 'ratio', f'assumption: no split of {fig.city.name}’s employed women by cadre/worker status is published'))}",
              f"    working_age_min: {flow(carried['retirement']['working_age_min'])}"]
    return lines


def carried_lines(fig: CityFigures, ref: Reference, stand_in: StandIn | None) -> list[str]:
    derived = economy_values(fig, unemployment_rate(ref))
    city_keys = {k: (u, w) for k, u, w in CITY_KEYS}
    lines = []
    for section in CARRIED_SECTIONS:
        lines.append(f"{section}:")
        for key, node in ref.tree[section].items():
            path = f"{section}.{key}"
            if path in city_keys:
                value = _city_value(path, *city_keys[path], fig, ref, stand_in)
            elif section == "economy" and key in derived:
                value = derived[key]
            else:
                value = _carried_tree(node, ref)
            lines.append(f"  {key}: {flow(value)}")
    return lines


def scenario_text(fig: CityFigures, name: str, table: str, ref: Reference, stand_in: StandIn | None) -> str:
    """The scenario file of a new city (see the module docstring)."""
    base = fig.base_year
    what = "stand-in accounts (labelled)" if stand_in else "accounts TO FILL"
    note = (f"{fig.city.name}'s accounts are {ref.label}'s {base} accounts × {stand_in.factor:.4f} "
            f"({'census population ' + f'{fig.census_population:,.0f} / {ref.population:,.0f}' if stand_in.scale == 'population' else 'unscaled'}); "
            "not the city's own: results show the demography's effect on a borrowed budget") if stand_in else None
    key_years = [base + k for k in DEFAULT_KEY_YEAR_OFFSETS]
    lines = [
        f"# {fig.city.name} ({fig.city.code}): demography derived from the {fig.first_year} and {base} censuses by "
        f"fiscalsim new-city; {what}.",
        "# Every number states its unit and its source; 'assumption carried over' marks what no local source gives",
        "# and comes from the reference scenario; TO FILL marks what only the city's own accounts can give.",
        f"name: {flow(name)}",
        "description: " + flow(f"{fig.city.name}: {len(fig.city.unit_codes)} units from the {base} census "
                                f"({fig.census_population:,.0f} persons), projected {HORIZON_YEARS} years; "
                                f"{what}."),
        "", "simulation:", f"  base_year: {base}", f"  horizon: {base + HORIZON_YEARS}", "  paths: 1000",
        f"  seed: {fig.city.code}            # any fixed seed: the city code", f"  report_year: {base + 20}", "",
        *demography_lines(fig, ref, table), "",
        *accounts_lines(fig, ref, stand_in), "",
        *carried_lines(fig, ref, stand_in), "",
        "triggers:", f"  packs: {flow(CHINA_PACKS)}", f"  headline_packs: {flow(HEADLINE_PACKS)}", "",
        "report:", f"  key_years: {flow(key_years)}", "  money_unit: 亿元",
    ]
    if note is not None:
        lines += ["", "stand_in:", f"  accounts_like: {flow(ref.label)}", f"  note: {flow(note)}"]
    return "\n".join(lines) + "\n"

