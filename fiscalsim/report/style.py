"""One look for every chart: a font that draws Chinese and Japanese, colours by severity class,
and files that are byte-identical for identical runs.

Text is drawn in DejaVu Sans with Noto Sans CJK as the per-glyph fallback, so legal titles such
as 国办函〔2016〕88号 or 地方公共団体の財政の健全化に関する法律 appear as written. Noto Sans CJK
comes from the ``mplfonts`` package (a dependency); a Noto/Source Han CJK font installed on the
system is used when ``mplfonts`` is absent. SVG and PDF files carry no drawing date and a fixed
hash salt, so two runs with the same seed write identical files.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

log = logging.getLogger(__name__)

#: Noto Sans CJK files looked for in ``mplfonts`` and then among the system fonts.
CJK_FILES = ("NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc", "SourceHanSansSC-Regular.otf")
#: Characters a CJK font must cover to be used (from the China 88号 and Japan 2007 references).
CJK_PROBE = "国办函〔2016〕88号地方公共団体の財政"
LATIN_FAMILY = "DejaVu Sans"
#: Colour and line of each severity class (see ``fiscalsim.report.headline.SEVERITY_CLASSES``) (thresholds, survival panels, the headline).
CLASS_COLOURS = {"warning": "#d4a017", "restructuring": "#d9622b", "default": "#a31f34"}
CLASS_LINES = {"warning": ":", "restructuring": "--", "default": "-"}
BAND = "#3b6ea5"
MEDIAN = "#1f3d63"
GREY = "0.35"
#: Line styles cycled within a colour, so no two curves of one panel look alike.
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
#: Colours for packs (qualitative, colour-blind safe: Okabe-Ito).
PACK_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#882255")
DPI = 110


def _font_covers(path: str, text: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    charmap = font.get_charmap()
    return all(ord(c) in charmap for c in text)


def cjk_font_path() -> Path | None:
    """A font file that covers Chinese and Japanese characters, or None."""
    candidates: list[Path] = []
    try:
        from mplfonts.conf import FONT_DIR

        candidates += [Path(FONT_DIR) / name for name in CJK_FILES]
    except ImportError:
        log.debug("mplfonts is not installed; looking for a system CJK font")
    for entry in font_manager.fontManager.ttflist:
        if "CJK" in entry.name or "Source Han Sans" in entry.name:
            candidates.append(Path(entry.fname))
    return next((p for p in candidates if p.is_file() and _font_covers(str(p), CJK_PROBE)), None)


@functools.cache
def cjk_family() -> str | None:
    """Register the CJK font with matplotlib (once) and return its family name."""
    path = cjk_font_path()
    if path is None:
        log.warning("no CJK font found (pip install mplfonts): Chinese text in charts will show as boxes")
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def rc() -> dict:
    """The rc parameters of every fiscalsim chart."""
    family = [LATIN_FAMILY] + ([cjk_family()] if cjk_family() else [])
    return {
        "font.family": family, "font.size": 9, "axes.titlesize": 10.5, "axes.labelsize": 9,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3,
        "axes.formatter.useoffset": False, "legend.fontsize": 7.5, "legend.frameon": False,
        "svg.hashsalt": "fiscalsim", "svg.fonttype": "path", "pdf.fonttype": 42,
        "figure.dpi": DPI, "savefig.dpi": DPI, "path.simplify": True,
    }


@contextmanager
def chart_style() -> Iterator[None]:
    """Draw and save inside this block to get fiscalsim's look (global settings are unchanged)."""
    with matplotlib.rc_context(rc()):
        yield


def new_figure(width: float = 9.0, height: float = 5.0, layout: str | None = "constrained", **kwargs) -> Figure:
    """A figure outside pyplot's state: it never changes the user's backend, needs no closing,
    and a notebook displays it once when it is a cell's result. ``layout=None`` for figures with
    many axes whose margins are set by hand (constrained layout costs a draw per save)."""
    return Figure(figsize=(width, height), layout=layout, **kwargs)


def margins(fig: Figure, left: float, right: float, top: float, bottom: float, **space) -> None:
    """Fixed margins in inches (for figures drawn without a layout engine)."""
    w, h = fig.get_figwidth(), fig.get_figheight()
    fig.subplots_adjust(left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h, **space)


def footer(fig: Figure, text: str, width: int = 190) -> None:
    """The source lines under a chart (wrapped), with room kept for them by the layout."""
    import textwrap

    lines = "\n".join(textwrap.fill(part, width) for part in text.split("\n"))
    fig.text(0.01, 0.008, lines, fontsize=6.5, color=GREY, va="bottom")
    bottom = (0.06 + 0.105 * (lines.count("\n") + 1)) / fig.get_figheight()
    if fig.get_layout_engine() is not None:
        fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))


def _metadata(fmt: str) -> dict | None:
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None}
    if fmt == "png":
        return {"Software": None}
    return None


def save(fig: Figure, paths: Sequence[Path]) -> None:
    """Write ``fig`` to each path (format from the suffix) with no date or random id in the file."""
    with matplotlib.rc_context({"svg.hashsalt": "fiscalsim"}):
        for p in paths:
            fmt = Path(p).suffix.lstrip(".").lower()
            fig.savefig(p, format=fmt, metadata=_metadata(fmt))


def svg_text(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog), deterministic."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "fiscalsim"}):
        fig.savefig(buf, format="svg", metadata=_metadata("svg"))
    text = buf.getvalue()
    return text[text.index("<svg"):]


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes (no software or date chunk)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata=_metadata("png"))
    return buf.getvalue()
