"""Options shared by the commands, so each means the same everywhere (see docs/cli.md)."""

from __future__ import annotations

import click

from fiscalsim.api import DEFAULT_CHUNK_PATHS


def out_option(default: str):
    """``--out DIR`` and ``--overwrite``, shared by every command that writes a results folder."""

    def decorate(func):
        func = click.option("--overwrite", is_flag=True,
                            help="Replace an earlier fiscalsim results folder at --out (only one that holds "
                                 "nothing but files fiscalsim wrote).")(func)
        return click.option("--out", "out_dir", type=click.Path(file_okay=False), default=default,
                            show_default=True,
                            help="Results folder: new or empty; written atomically.")(func)

    return decorate


#: The overrides that switch every feedback of the coupled year step off (``--no-feedbacks``).
NO_FEEDBACKS = tuple(f'feedbacks.{name}.enabled="off"' for name in ("jobs_migration", "austerity_migration",
                                                                     "establishment"))


def _remember_no_feedbacks(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["fiscalsim.no_feedbacks"] = value


def _with_feedbacks_off(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """The overrides, and with ``--no-feedbacks`` those that switch every feedback off; an override
    of the ``feedbacks`` section would then be silently ignored, so it is refused."""
    if not ctx.meta.get("fiscalsim.no_feedbacks"):
        return value
    return (*no_feedback_keys(ctx, param, value), *NO_FEEDBACKS)


def no_feedback_keys(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """``value`` (``key.path=…`` items of ``--set`` or ``--grid``); with ``--no-feedbacks`` one that
    sets a feedback, which it would switch off or be overridden by, is refused."""
    clash = [text for text in value if _override_key(text)[:1] == ["feedbacks"]]
    if clash and ctx.meta.get("fiscalsim.no_feedbacks"):
        raise click.BadParameter(f"{clash[0]!r} sets a feedback, but --no-feedbacks switches every feedback off; "
                                 "drop one of the two", ctx, param)
    return value


def _override_key(text: str) -> list[str]:
    """The key path of a ``--set key.path=value`` override, as :func:`apply_overrides` reads it."""
    return [p for p in text.split("=", 1)[0].strip().split(".") if p]


def set_option(func):
    """``--set KEY.PATH=VALUE`` (repeatable) and ``--no-feedbacks``, which adds the overrides that
    switch every feedback off (the stages as if run one after another)."""
    func = click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", callback=_with_feedbacks_off,
                        help="Override one scenario value (YAML), e.g. "
                             "--set debt.market_rate='{value: 4, unit: percent per year, source: \"what-if\"}'. "
                             "Repeatable.")(func)
    return click.option("--no-feedbacks", is_flag=True, is_eager=True, expose_value=False,
                        callback=_remember_no_feedbacks,
                        help="Switch every feedback of the coupled year step off (jobs and austerity "
                             "migration, the establishment rule): the budget cannot reach people.")(func)


def chunk_option(func):
    return click.option("--chunk-paths", type=click.IntRange(min=1), default=DEFAULT_CHUNK_PATHS, show_default=True,
                        help="Paths per chunk (bounds memory, sets how often progress is shown; results do not "
                             "depend on it).")(func)


def jobs_option(func):
    return click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
                        help="Local processes computing at once: this one and JOBS - 1 workers (results do not "
                             "depend on it).")(func)


def rule_option(func):
    return click.option("--rule", default=None,
                        help="Rule (id) whose first year is compared, swept or screened  [default: the scenario's "
                             "report.rule: china_sanbao_unfunded when it has that rule, else its first restructuring- "
                             "or default-class rule]")(func)


def year_option(what: str):
    return click.option("--year", "target_year", type=int,
                        help=f"Report year: the year {what} (default: the scenario's simulation.report_year).")


def series_option(func):
    """``--series NAMES``: also write every path's values of these key series or rule indicators."""
    return click.option("--series", "series", metavar="NAMES", default="",
                        help="Also write series.csv (and .parquet): every path's values, year by year, of these "
                             "key series or rules' indicators (comma-separated names, or 'all'), in the units of "
                             "quantiles.csv. Large: paths × years rows per name.")(func)


def requested_series(text: str, names: list[str]) -> tuple[str, ...]:
    """The names ``--series`` asks for, checked against the run's ``names`` before it runs."""
    if not text.strip():
        return ()
    if text.strip() == "all":
        return tuple(names)
    asked = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in asked if n not in names]
    if unknown or not asked:
        raise click.BadParameter(f"no series or rule named {', '.join(unknown) or repr(text)}; this scenario has: "
                                 f"{', '.join(names)}", param_hint="--series")
    return tuple(dict.fromkeys(asked))
