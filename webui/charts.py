"""Bar charts as SVG, drawn on the server with matplotlib: no JavaScript, no external asset.

A chart is returned as a data: URL for an <img> (the CSP allows data: images), so the page's
strict style policy does not meet the SVG's own styles. Every chart needs a table beside it
with the same rows: that table is the text alternative.
"""

from __future__ import annotations

import base64
import io

BAR = "#1d4f91"  # contrast 8.6:1 on white
TEXT = "#1a1a1a"


def bar_chart(title: str, rows: list[tuple[str, int]]) -> str:
    """A horizontal bar chart of `rows` (label, count) as a data:image/svg+xml URL."""
    from matplotlib.figure import Figure  # late: matplotlib takes a while to import; Figure needs no display

    labels = [str(label)[:60] for label, _ in rows] or ["–"]
    counts = [int(count) for _, count in rows] or [0]
    height = 1.2 + 0.42 * len(labels)
    figure = Figure(figsize=(7.5, height), dpi=96)  # the object API: no pyplot global state
    axes = figure.add_subplot()
    positions = range(len(labels))
    bars = axes.barh(positions, counts, color=BAR)
    axes.set_yticks(list(positions), labels=labels, color=TEXT, fontsize=10)
    axes.invert_yaxis()
    axes.set_title(title, color=TEXT, fontsize=12, loc="left")
    axes.bar_label(bars, labels=[str(c) for c in counts], padding=3, color=TEXT, fontsize=10)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.set_xlim(0, max(counts + [1]) * 1.15)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue().encode()).decode()
