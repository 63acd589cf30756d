"""Pictures of the record (matplotlib, imported only when a picture is drawn)."""

from __future__ import annotations

import io
import math
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from pim_workbook.content.framework import Content
from pim_workbook.errors import ReportError
from pim_workbook.i18n import N_, _, current_language, direction, format_percent
from pim_workbook.record.ids import STEP_IDS
from pim_workbook.record.labels import label
from pim_workbook.record.model import Record
from pim_workbook.record.progress import progress

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PALETTE = ["#0b4f71", "#b44d12", "#1f6f43", "#6b3fa0", "#8a6d00", "#2f6f8f", "#9b2f5a"]
TITLE_COLOUR = "#0b4f71"
TITLE_SIZE = 16
TEXT_COLOUR = "#1f2933"
MUTED = "#52606d"
TRACK = "#e4e7eb"
# Action statuses in reading order: from finished to not yet looked at.
ACTION_STATUSES = ("done", "in_progress", "planned", "not_considered", "not_applicable")
NOT_CLASSIFIED = N_("Not classified")
# The sections of record.progress (its keys), as people read them; "Step N" is numbered.
SECTION_NAMES = {"Start": N_("Start"), "Principles": N_("Principles"),
                 "Ecosystem": N_("Ecosystem"), "Sign-off": N_("Sign-off")}


# the fonts charts use per language, the first one required; Debian packages that ship it
SCRIPT_FONTS = {"ar": ("Noto Sans Arabic", "fonts-noto-core")}
LATIN_FONT = "DejaVu Sans"  # matplotlib's own


def _language_fonts() -> None:
    """Charts in the active language's font, falling back to DejaVu Sans glyph by glyph
    (Latin names and figures inside Arabic labels). Matplotlib (3.11) shapes Arabic and lays
    it out right to left itself: reshaping it beforehand would print it reversed."""
    import matplotlib
    from matplotlib import font_manager

    needed = SCRIPT_FONTS.get(current_language())
    if needed is None:
        matplotlib.rcParams["font.family"] = [LATIN_FONT]
        return
    family, package = needed
    manager = font_manager.fontManager
    for fresh in (False, True):  # a font installed after matplotlib cached its font list
        if fresh:
            for found in font_manager.findSystemFonts():
                if family.replace(" ", "") in Path(found).name:
                    manager.addfont(found)
        try:
            manager.findfont(family, fallback_to_default=False)
            break
        except ValueError:
            continue
    else:
        raise ReportError(f"charts in {current_language()} need the font {family}: install "
                          f"Debian's {package} (apt-get install {package})")
    matplotlib.rcParams["font.family"] = [family, LATIN_FONT]


def section_name(key: str) -> str:
    """A section of the progress (a key of record.progress) in the active language."""
    step = re.fullmatch(r"Step (\d+)", key)
    if step:
        return _("Step {number}").format(number=step[1])
    return _(SECTION_NAMES[key]) if key in SECTION_NAMES else key


def ecosystem_figure(record: Record, content: Content) -> Figure:
    """Who holds what (systems under each stakeholder) and who shares with whom (arrows)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, Patch

    _language_fonts()
    fig = Figure(figsize=(12, 8), dpi=100)
    ax = fig.add_subplot()
    ax.set_axis_off()
    stakeholders = list(record.stakeholders.items())
    if not stakeholders:
        _empty(ax, _("No stakeholders mapped yet"))
        return fig
    categories = {c.id: c.title for c in content.pim_matrix.categories}
    colour = {cid: PALETTE[i % len(PALETTE)] for i, cid in enumerate(categories)}
    n = len(stakeholders)
    pos = {sid: (1.3 * math.cos(math.pi / 2 - 2 * math.pi * i / n),
                 math.sin(math.pi / 2 - 2 * math.pi * i / n))
           for i, (sid, _) in enumerate(stakeholders)}
    held: dict[str, list[tuple[str, str]]] = {sid: [] for sid, _ in stakeholders}
    for system in record.systems.values():
        if system.holder in held:
            held[system.holder].append((system.name, system.category))
    for flow in record.flows.values():
        if flow.source in pos and flow.target in pos and flow.source != flow.target:
            ax.add_patch(FancyArrowPatch(
                pos[flow.source], pos[flow.target], arrowstyle="-|>", mutation_scale=22,
                connectionstyle="arc3,rad=0.12", color="#7b8794", lw=1.6,
                shrinkA=42, shrinkB=42))
    for sid, stakeholder in stakeholders:
        x, y = pos[sid]
        name = "\n".join(textwrap.wrap(stakeholder.name, 22))
        ax.text(x, y, name, ha="center", va="center", fontsize=12, fontweight="bold",
                color="#1f2933", bbox={"boxstyle": "round,pad=0.6", "fc": "#f0f4f8",
                                       "ec": "#0b4f71", "lw": 1.5})
        for k, (system_name, category) in enumerate(held[sid]):
            ax.text(x, y - 0.19 - 0.085 * k, textwrap.shorten(system_name, 34), ha="center",
                    va="center", fontsize=9.5, color="white",
                    bbox={"boxstyle": "round,pad=0.3", "fc": colour.get(category, "#52606d"),
                          "ec": "none"})
    used = sorted({c for systems in held.values() for _, c in systems}, key=list(colour).index)
    if used:
        fig.legend(handles=[Patch(color=colour[c], label=categories.get(c, c)) for c in used],
                   loc="lower center", ncol=3, frameon=False, fontsize=11,
                   title=_("Systems by PIM Matrix category"), title_fontsize=11)
    ax.set_xlim(-1.9, 1.9)
    ax.set_ylim(-1.45, 1.25)
    ax.set_title(_("Who holds what, and who shares with whom"), fontsize=TITLE_SIZE,
                 color=TITLE_COLOUR)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.12)
    return fig


def _bar_figure(rows: int, title: str) -> tuple[Figure, Axes]:
    """A figure with one axes sized for ``rows`` horizontal bars, styled alike for all charts."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    _language_fonts()
    fig = Figure(figsize=(12, 1.9 + 0.62 * max(rows, 2)), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    _title(ax, title)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#9aa5b1")
    ax.tick_params(axis="y", length=0, labelsize=13, labelcolor=TEXT_COLOUR, pad=8)
    ax.tick_params(axis="x", labelsize=11, colors=MUTED)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", color=TRACK, lw=1)
    ax.set_axisbelow(True)
    return fig, ax


def _title(ax: Axes, title: str) -> None:
    """The chart's title: left-aligned, large, in the workbook's dark blue."""
    ax.set_title(title, fontsize=TITLE_SIZE, color=TITLE_COLOUR, pad=14,
                 loc="right" if direction() == "rtl" else "left")


def _empty(ax: Axes, message: str) -> None:
    """Replace a chart by a calm message (nothing to draw yet)."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=18, color=MUTED,
            transform=ax.transAxes)


def _stacked_bars(ax: Axes, categories: list[str], series: dict[str, list[int]],
                  colours: list[str]) -> None:
    """Horizontal bars, one per category (top to bottom), stacked by series, totals at the end.

    Each series is one bar container labelled with its name (zero-width segments included),
    so the chart's counts can be read back from ``ax.containers``.
    """
    ys = range(len(categories))
    left = [0] * len(categories)
    for (name, counts), colour in zip(series.items(), colours, strict=True):
        bars = ax.barh(ys, counts, left=left, height=0.62, color=colour, label=name,
                       edgecolor="white", linewidth=1.2)
        ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center",
                     color="white", fontsize=12, fontweight="bold")
        left = [a + b for a, b in zip(left, counts, strict=True)]
    top = max(left, default=0) or 1
    for y, total in zip(ys, left, strict=True):
        ax.text(total + top * 0.015, y, str(total), va="center", fontsize=13,
                fontweight="bold", color=TEXT_COLOUR)
    ax.set_yticks(list(ys), categories)
    ax.set_xlim(0, top * 1.1)
    ax.set_ylim(len(categories) - 0.4, -0.6)  # first category on top
    ax.figure.legend(loc="outside lower center", ncol=len(series), frameon=False, fontsize=12,
                     handlelength=1.2)


def progress_figure(record: Record, content: Content) -> Figure:
    """How much of each workbook section is done: one bar per section, as a percentage."""
    sections = progress(record, content)
    done_all = sum(d for d, _ in sections.values())
    total_all = sum(t for _, t in sections.values())
    fig, ax = _bar_figure(len(sections), _(
        "Progress per section — {done} of {total} items done").format(done=done_all,
                                                                      total=total_all))
    names = [section_name(name) for name in sections]
    ys = range(len(names))
    pct = [100 * d / t if t else 0 for d, t in sections.values()]
    colours = [PALETTE[2] if t and d == t else PALETTE[0] for d, t in sections.values()]
    ax.barh(ys, [100] * len(names), height=0.62, color=TRACK, label="total")
    ax.barh(ys, pct, height=0.62, color=colours, label="done")
    for y, (done, total) in zip(ys, sections.values(), strict=True):
        text = (_("{done} of {total}  ({share})").format(
            done=done, total=total, share=format_percent(done / total))
            if total else _("nothing to do yet"))
        ax.text(102, y, text, va="center", fontsize=13, color=TEXT_COLOUR)
    ax.set_yticks(list(ys), names)
    ax.set_ylim(len(names) - 0.4, -0.6)
    ax.set_xlim(0, 130)
    ax.set_xticks([0, 25, 50, 75, 100],
                  [format_percent(tick / 100) for tick in (0, 25, 50, 75, 100)])
    ax.spines["bottom"].set_bounds(0, 100)
    ax.grid(False)
    return fig


def actions_figure(rows: list[dict[str, str]]) -> Figure:
    """Actions by status (one bar each), stacked by step; the overdue count in the title."""
    statuses = [s for s in ACTION_STATUSES if any(r["status"] == s for r in rows)]
    statuses += sorted({r["status"] for r in rows} - set(statuses))
    overdue = sum(1 for r in rows if r.get("overdue"))
    title = _("Actions by status")
    fig, ax = _bar_figure(len(statuses), _(
        "Actions by status — {count} actions, {overdue} overdue").format(count=len(rows),
                                                                        overdue=overdue))
    if not rows:
        _title(ax, title)
        _empty(ax, _("No actions yet"))
        return fig
    steps = [s for s in STEP_IDS if any(r["step"] == s for r in rows)]
    steps += sorted({r["step"] for r in rows} - set(steps))
    series = {_("Step {number}").format(number=step[1:]) if step in STEP_IDS else step:
              [sum(1 for r in rows if r["step"] == step and r["status"] == status)
               for status in statuses] for step in steps}
    _stacked_bars(ax, [label(s) for s in statuses], series,
                  [PALETTE[i % len(PALETTE)] for i in range(len(steps))])
    ax.set_xlabel(_("Number of actions"), fontsize=12, color=MUTED)
    return fig


def sensitivity_figure(record: Record, content: Content) -> Figure:
    """Data items per sensitivity level, split into personal and non-personal data."""
    levels = [(c.id, c.title) for c in content.sensitivity_levels]
    items = list(record.data_items.values())
    personal = sum(1 for d in items if d.personal)
    title = _("Sensitivity of the data items")
    fig, ax = _bar_figure(len(levels) + 1, _(
        "Sensitivity of the data items — {count} items, {personal} with personal data").format(
            count=len(items), personal=personal))
    if not items:
        _title(ax, title)
        _empty(ax, _("No data items listed yet"))
        return fig
    known = {lid for lid, _ in levels}
    level: list[tuple[bool, str | None]] = [
        (d.personal, d.sensitivity if d.sensitivity in known else None) for d in items]
    keys: list[str | None] = [lid for lid, _ in levels] + [None]
    series = {name: [level.count((flag, key)) for key in keys]
              for name, flag in ((_("Personal data"), True), (_("Non-personal data"), False))}
    _stacked_bars(ax, [name for _lid, name in levels] + [_(NOT_CLASSIFIED)], series,
                  [PALETTE[6], PALETTE[5]])
    ax.set_xlabel(_("Number of data items"), fontsize=12, color=MUTED)
    return fig


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
