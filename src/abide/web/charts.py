"""Charts drawn on the server as SVG: no script, readable by screen readers, right to left on
request, and as good in a PDF report as on a page.

Each function takes the figures and the words to show (already translated) and returns the
markup of one ``<svg>`` with a ``<title>``, a ``<desc>`` and every figure written as text.

``shape`` is for renderers that draw SVG text a letter at a time, left to right, as WeasyPrint
does in a PDF: it turns each drawn text into the glyphs in the order they are to be seen
(``abide.reports.shaping.visual``), and the text is then drawn without the isolating marks.
``number`` writes a figure in the reader's language (``1,234`` unless told).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: The drawing's width in SVG units; it scales to its container's width.
WIDTH = 360
ROW = 16  # height of one bar
GAP = 6  # between the groups
LABEL = 16  # height of a group's label line
NUMBER = 44  # room kept for the number after the longest bar


#: The charts' colours, inside each SVG so that it stands alone (in a report, a PDF).
STYLE = (
    "<style>.bar-current{fill:#0b5cab}.bar-previous{fill:#a9c6e6}text{fill:#1d2430}"
    ".value{fill:#5b6575}.status-upheld{fill:#3a8a3a}.status-fulfilled{fill:#1f6f1f}"
    ".status-at_risk{fill:#d99a1e}.status-violated{fill:#b52a2a}.status-overdue{fill:#7a1f1f}"
    ".status-not_assessable{fill:#9a9a9a}.status-not_yet{fill:#d8d8d8}"
    ".status-superseded,.status-expired{fill:#6d7a8c}</style>"
)


@dataclass(frozen=True)
class BarGroup:
    """One category's figures: this period's and the previous one's."""

    label: str
    current: int
    previous: int


@dataclass(frozen=True)
class Bar:
    """One bar of a status chart: its CSS class (``status-<key>``), label and count."""

    key: str
    label: str
    count: int


def _x(x: float, width: float, rtl: bool) -> float:
    """The left edge of a box of ``width`` starting ``x`` from the reading start."""
    return WIDTH - x - width if rtl else x


Shape = Callable[[str], str] | None
Number = Callable[[int], str]


def _plain(value: int) -> str:
    return f"{value:,}"


def _text(
    x: float, y: float, text: str, rtl: bool, css: str = "", shape: Shape = None, extra: str = ""
) -> str:
    # In right-to-left drawings, "start" is the right edge.
    anchor_x = WIDTH - x if rtl else x
    klass = f' class="{css}"' if css else ""
    if shape is not None:
        # Drawn a letter at a time: the glyphs already in the order they are seen.
        return f'<text x="{anchor_x:.1f}" y="{y:.1f}"{klass}{extra}>{escape(shape(text))}</text>'
    # Each text isolated (FSI ... PDI): "2023-W40" stays as written among Arabic labels.
    return f'<text x="{anchor_x:.1f}" y="{y:.1f}"{klass}{extra}>\u2068{escape(text)}\u2069</text>'


def _svg(height: float, title: str, desc: str, body: list[str], rtl: bool, css: str) -> SafeString:
    direction = ' direction="rtl"' if rtl else ""
    return mark_safe(
        f'<svg class="chart {css}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" font-size="11" '
        f'text-anchor="start"{direction}>'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{STYLE}"
        + "".join(body)
        + "</svg>"
    )


def comparison_bars(
    groups: Sequence[BarGroup],
    *,
    title: str,
    current_label: str,
    previous_label: str,
    rtl: bool = False,
    shape: Shape = None,
    number: Number = _plain,
) -> SafeString:
    """Per group, a bar of this period and, below it, a paler bar of the previous one, each
    with its number; a legend on top."""
    top = LABEL + 4
    height = top + len(groups) * (LABEL + 2 * ROW + GAP) + 2
    most = max([1, *(g.current for g in groups), *(g.previous for g in groups)])
    scale = (WIDTH - NUMBER) / most
    body = [
        f'<rect class="bar-current" x="{_x(0, 10, rtl):.1f}" y="3" width="10" height="10"/>',
        _text(14, 12, current_label, rtl, shape=shape),
        f'<rect class="bar-previous" x="{_x(WIDTH / 2, 10, rtl):.1f}" y="3" width="10" '
        'height="10"/>',
        _text(WIDTH / 2 + 14, 12, previous_label, rtl, shape=shape),
    ]
    lines = []
    y = top
    for group in groups:
        body.append(_text(0, y + 12, group.label, rtl, "label", shape))
        y += LABEL
        for css, value, said in (
            ("bar-current", group.current, current_label),
            ("bar-previous", group.previous, previous_label),
        ):
            width = value * scale
            body.append(
                f'<rect class="{css}" x="{_x(0, width, rtl):.1f}" y="{y + 2:.1f}" '
                f'width="{width:.1f}" height="{ROW - 4}"/>'
            )
            body.append(_text(width + 4, y + ROW - 4, number(value), rtl, "value", shape))
            lines.append(f"{group.label}, {said}: {number(value)}")
            y += ROW
        y += GAP
    return _svg(height, title, "; ".join(lines), body, rtl, "comparison")


def status_bars(
    bars: Sequence[Bar],
    *,
    title: str,
    rtl: bool = False,
    shape: Shape = None,
    number: Number = _plain,
) -> SafeString:
    """One bar per status, coloured by its ``status-<key>`` class, with its label and count."""
    height = len(bars) * (ROW + LABEL) + 2
    most = max([1, *(b.count for b in bars)])
    scale = (WIDTH - NUMBER) / most
    body = []
    y = 0
    for bar in bars:
        body.append(_text(0, y + 12, bar.label, rtl, "label", shape))
        y += LABEL
        width = bar.count * scale
        body.append(
            f'<rect class="status-{escape(bar.key)}" x="{_x(0, width, rtl):.1f}" '
            f'y="{y + 2:.1f}" width="{width:.1f}" height="{ROW - 4}"/>'
        )
        body.append(_text(width + 4, y + ROW - 4, number(bar.count), rtl, "value", shape))
        y += ROW
    desc = "; ".join(f"{bar.label}: {number(bar.count)}" for bar in bars)
    return _svg(height, title, desc, body, rtl, "statuses")


#: The colours of a trend chart's lines, in the order of its series.
SERIES_COLOURS = ("#0b5cab", "#b52a2a", "#3a8a3a", "#d99a1e", "#6a3d9a", "#1f9e9e", "#7a4a1f")


@dataclass(frozen=True)
class Series:
    """One line of a trend chart: its label and one value per period."""

    label: str
    values: tuple[int, ...]


def trend_lines(
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    rtl: bool = False,
    shape: Shape = None,
    number: Number = _plain,
) -> SafeString:
    """One line per series over the periods (oldest first, drawn from the reading start), the
    period labels under the axis, the highest value on it and a legend of the series with
    each one's last value."""
    legend_top = 4
    legend = len(series) * LABEL
    plot_top = legend_top + legend + 8
    plot_height = 120
    axis = plot_top + plot_height
    height = axis + 2 * LABEL
    most = max([1, *(v for s in series for v in s.values)])
    count = max(len(periods), 1)
    left, right = NUMBER, 28  # room for the axis's figure, and for the last period's label
    step = (WIDTH - left - right) / max(count - 1, 1)

    def at(index: int, value: int) -> tuple[float, float]:
        x = left + index * step
        return (WIDTH - x if rtl else x), axis - value / most * plot_height

    body = [
        f'<line x1="{_x(left, 0, rtl):.1f}" y1="{axis:.1f}" x2="{_x(WIDTH - right, 0, rtl):.1f}" '
        f'y2="{axis:.1f}" stroke="#8d887c"/>',
        f'<line x1="{_x(left, 0, rtl):.1f}" y1="{plot_top:.1f}" x2="{_x(left, 0, rtl):.1f}" '
        f'y2="{axis:.1f}" stroke="#8d887c"/>',
        _text(0, plot_top + 8, number(most), rtl, "value", shape),
        _text(0, axis, number(0), rtl, "value", shape),
    ]
    lines = []
    for index, (s, colour) in enumerate(zip(series, SERIES_COLOURS * 8, strict=False)):
        y = legend_top + index * LABEL
        body.append(
            f'<rect x="{_x(0, 10, rtl):.1f}" y="{y + 3:.1f}" width="10" height="10" '
            f'fill="{colour}"/>'
        )
        last = s.values[-1] if s.values else 0
        body.append(_text(14, y + 12, f"{s.label}: {number(last)}", rtl, "label", shape))
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, v) for i, v in enumerate(s.values)))
        body.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        lines.append(
            f"{s.label}: "
            + ", ".join(f"{p} {number(v)}" for p, v in zip(periods, s.values, strict=False))
        )
    for index, label in enumerate(periods):
        if count > 6 and index % 2 and index != count - 1:
            continue  # every other label where they would crowd
        x = left + index * step
        body.append(
            _text(x, axis + 14, label, rtl, "period", shape, ' text-anchor="middle" font-size="9"')
        )
    return _svg(height, title, "; ".join(lines), body, rtl, "trend")
