"""A belief's confidence over its versions, drawn as SVG on the server with pygal.

One point per version: x is the version number (distinct even when versions share a
second), y the confidence on a fixed 0..1 axis so charts compare at a glance. The chart
holds no user text (statements stay in the HTML, where they are escaped), only numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from pygal.style import Style

from service.domain.model import BeliefVersion

_STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    colors=("#2563eb",),
    font_family="system-ui, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    title_font_size=12,
    foreground="#334155",
    foreground_subtle="#94a3b8",
    guide_stroke_color="#e2e8f0",
    guide_stroke_dasharray="0",
    major_guide_stroke_color="#cbd5e1",
    major_guide_stroke_dasharray="0",
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def confidence_chart(versions: Sequence[BeliefVersion]) -> str:
    """The chart as an `<svg>` element, ready to inline; it needs no script."""
    numbers = [version.version for version in versions]
    chart = pygal.XY(
        style=_STYLE,
        js=[],
        width=560,
        height=180,
        explicit_size=True,
        show_legend=False,
        range=(0, 1),
        xrange=(min(numbers, default=1) - 0.5, max(numbers, default=1) + 0.5),
        x_labels=numbers,
        x_title="version",
        y_title="confidence",
        dots_size=4,
        stroke_style={"width": 2},
        margin=6,
        disable_xml_declaration=True,
        print_values=False,
    )
    chart.add("confidence", [(v.version, round(v.confidence, 4)) for v in versions])
    # pygal always inlines its tooltip configuration as a script; the page runs none.
    return _SCRIPT.sub("", chart.render(is_unicode=True))
