"""Pictures of the record (matplotlib, imported only when a picture is drawn)."""

from __future__ import annotations

import io
import math
import textwrap
from typing import TYPE_CHECKING

from .content import Content
from .record import Record

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PALETTE = ["#0b4f71", "#b44d12", "#1f6f43", "#6b3fa0", "#8a6d00", "#2f6f8f", "#9b2f5a"]


def ecosystem_figure(record: Record, content: Content) -> Figure:
    """Who holds what (systems under each stakeholder) and who shares with whom (arrows)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, Patch

    fig = Figure(figsize=(12, 8), dpi=100)
    ax = fig.add_subplot()
    ax.set_axis_off()
    stakeholders = list(record.stakeholders.items())
    if not stakeholders:
        ax.text(0.5, 0.5, "No stakeholders mapped yet", ha="center", va="center",
                fontsize=18, color="#52606d", transform=ax.transAxes)
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
        for k, (system, category) in enumerate(held[sid]):
            ax.text(x, y - 0.19 - 0.085 * k, textwrap.shorten(system, 34), ha="center",
                    va="center", fontsize=9.5, color="white",
                    bbox={"boxstyle": "round,pad=0.3", "fc": colour.get(category, "#52606d"),
                          "ec": "none"})
    used = sorted({c for systems in held.values() for _, c in systems}, key=list(colour).index)
    if used:
        fig.legend(handles=[Patch(color=colour[c], label=categories.get(c, c)) for c in used],
                   loc="lower center", ncol=3, frameon=False, fontsize=11,
                   title="Systems by PIM Matrix category", title_fontsize=11)
    ax.set_xlim(-1.9, 1.9)
    ax.set_ylim(-1.45, 1.25)
    ax.set_title("Who holds what, and who shares with whom", fontsize=16, color="#0b4f71")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.12)
    return fig


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
