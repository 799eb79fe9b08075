"""The CLI reference page, generated from the click commands' own help."""

from __future__ import annotations

import click


def cli_markdown() -> str:
    from fiscalsim.cli import main

    lines = ["# Command-line reference", "",
             "Generated from the commands' help by `python scripts/make_docs.py`; `fiscalsim COMMAND --help`",
             "prints the same. User errors (a bad scenario, option or file) print one message and exit with",
             "status 2.", ""]
    ctx = click.Context(main, info_name="fiscalsim")
    for name in sorted(main.commands):
        cmd = main.commands[name]
        sub = click.Context(cmd, info_name=name, parent=ctx)
        lines += [f"## `fiscalsim {name}`", "", "```", cmd.get_help(sub).replace("Usage: fiscalsim ", "fiscalsim "),
                  "```", ""]
    return "\n".join(lines)
