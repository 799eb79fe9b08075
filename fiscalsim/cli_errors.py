"""How the command line meets the user: errors as messages (exit 2, no traceback), Ctrl-C and
SIGTERM as a clean stop (exit 130), ``-v`` for fiscalsim's own logger, and the ``--out`` check
made before any work is done."""

from __future__ import annotations

import functools
import logging
import signal
import sys
import threading

import click

from fiscalsim.finance.model import CalibrationError
from fiscalsim.report.files import OutputError, check_output_folder
from fiscalsim.scenario import ScenarioError

log = logging.getLogger("fiscalsim")


def user_errors(func):
    """Turn user-caused errors into a one-line message and exit status 2."""

    func = check_output_first(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ScenarioError as exc:
            echo_errors(exc)
            sys.exit(2)
        except CalibrationError as exc:
            click.echo(f"error: the scenario cannot reproduce its base-year accounts: {exc} ('fiscalsim "
                       "validate' names the scenario keys involved)", err=True)
            sys.exit(2)
        except OutputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:
            click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written (an earlier result, if any, is unchanged)", err=True)
            sys.exit(130)

    return wrapper


def echo_errors(exc: ScenarioError, path: str | None = None) -> None:
    """Each error on its own line (a file with several errors reports them all); a template's
    values TO FILL are counted at the end, with what to do."""
    from fiscalsim.scenario.schema import TO_FILL

    for line in str(exc).splitlines():
        click.echo(f"error: {line}", err=True)
    to_fill = sum(e.message.startswith(TO_FILL) for e in exc.errors)
    if to_fill and path is not None:
        click.echo(f"{path}: a template with {to_fill} values TO FILL (listed above): fill them from the city's "
                   "accounts, or make a labelled stand-in (fiscalsim new-city CODE --accounts-like SCENARIO)", err=True)


def check_output_first(func):
    """Refuse an unusable ``--out`` before any work is done (checked again when writing)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if "out_dir" in kwargs:
            check_output_folder(kwargs["out_dir"], kwargs.get("overwrite", False))
        return func(*args, **kwargs)

    return wrapper


def log_to_stderr(verbose: bool) -> None:
    """-v: fiscalsim's own logger at DEBUG on standard error; other libraries stay quiet."""
    if not verbose:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log.handlers = [handler]
    log.setLevel(logging.DEBUG)
    log.propagate = False


def interrupt_on_sigterm() -> None:
    """SIGTERM stops a command like Ctrl-C: temporary results folders are removed on the way out."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)
