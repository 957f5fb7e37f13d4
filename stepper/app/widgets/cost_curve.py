"""The cost curve of the header: a small bar chart of the cost, one column per iteration (or epoch).

A Sparkline stretched a few points over its whole width and drew equal values as full bars: after
one iteration the header showed a solid block (a tester's finding). This chart draws from the left,
one column per point while there are fewer points than columns, groups points into columns beyond
that, scales from the smallest to the largest value it draws, and says the numbers: the scale's
ends beside a two-row chart, the curve's name (and its last value, where it fits) beside a one-row
one, and everything in its tooltip.

The arithmetic (:func:`columns`, :func:`levels`, :func:`bar_rows`, :func:`axis_labels`) is plain
numpy, apart from the widget, so tests check it without an app.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from stepper.formatting import counted, format_number

BARS = " ▁▂▃▄▅▆▇█"  # eighths of a cell, from the bottom
EIGHTHS = len(BARS) - 1
FLAT = EIGHTHS // 2  # a flat curve: half a cell in the bottom row, neither top nor bottom of a scale
LEAST_CHART = 8  # columns the chart keeps: labels that would leave it fewer are left out
GAP = " "  # between the labels and the chart
LEFT = 5  # the least width of a two-row chart's scale labels (0.401, 1.91)
RIGHT = 6  # the width of a one-row curve's last value (0.0123, 1.2e-5)

Costs = NDArray[np.float64]


def columns(values: Costs, width: int) -> tuple[Costs, int]:
    """The values drawn in ``width`` columns and the most points a column stands for: one column per
    point while they fit (the rest of the width stays empty: no stretching); beyond that, the points
    cut into ``width`` consecutive groups as even as can be (sizes differ by one at most), each
    drawn as its LARGEST value: a jump of the cost (the start of a divergence, a bad batch) is
    never averaged away, and the top of the scale is the largest cost of all. (A mean would hide
    a spike; the last value of a group would hide everything before it.)"""
    n = values.size
    if width <= 0:
        return values[:0], 1
    if n <= width:
        return values, 1
    starts = (np.arange(width) * n) // width
    return np.maximum.reduceat(values, starts), -(-n // width)


def levels(values: Costs, rows: int) -> list[int]:
    """Each value's bar height in eighths of a cell, for a chart ``rows`` high: from 1 (the smallest,
    still visible) to ``8 * rows`` (the largest). A flat curve (one point, or all equal) has no
    scale: its bars are half a cell high."""
    if values.size == 0 or rows <= 0:
        return []
    low, high = float(values.min()), float(values.max())
    if not high > low:
        return [FLAT] * values.size
    top = EIGHTHS * rows
    scaled = 1 + np.rint((values - low) / (high - low) * (top - 1))
    return [int(v) for v in np.clip(scaled, 1, top)]


def bar_rows(heights: list[int], rows: int) -> list[str]:
    """The chart's characters, top row first: each column a bar ``heights[i]`` eighths high."""
    return [
        "".join(BARS[min(max(h - EIGHTHS * (rows - 1 - row), 0), EIGHTHS)] for h in heights)
        for row in range(rows)
    ]


def short_number(x: float, significant: int = 3) -> str:
    """``x`` in a few characters, ``significant`` digits: 1.91, 0.0123, 1235, 1.2e-5, 3.4e6."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else format_number(x)  # (the chart draws finite values only)
    magnitude = math.floor(math.log10(abs(x)))
    if -3 <= magnitude < 4:
        return f"{x:.{max(0, significant - 1 - magnitude)}f}"
    mantissa, exponent = f"{x:.{max(0, significant - 2)}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def axis_labels(low: float, high: float) -> tuple[str, str]:
    """The scale's ends, in the fewest digits (from three) that tell them apart."""
    for significant in range(3, 8):
        bottom, top = short_number(low, significant), short_number(high, significant)
        if bottom != top:
            break
    return bottom, top


class CostChart(Widget):
    """A cost curve: a bar per iteration (``unit``), or per group of them, from the left.

    As high as the stylesheet makes it. Two rows or more: the scale's top and bottom values on the
    left of the chart. One row (with mini-batches the batch and epoch costs share the header's
    two): ``name`` on the left (its initial in half an 80-column screen), and the last value on the
    right where the chart keeps ``LEAST_CHART`` columns beside them. Labels that do not fit are left
    out: the chart stays.
    """

    COMPONENT_CLASSES = {"cost-chart--bar", "cost-chart--label"}

    def __init__(
        self,
        *,
        name: str,
        unit: str,
        about: str,
        empty: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``name``: the curve's one-row label ("batch"); ``unit``: what a point is ("iteration");
        ``about``: the tooltip's first line; ``empty``: what two rows or more say before the first
        point ("cost per iteration", on two lines where one is too narrow)."""
        super().__init__(id=id, classes=classes)
        self.curve_name = name
        self.empty = empty
        self.unit = unit
        self.about = about
        self.values: Costs = np.zeros(0)
        self._drawn: tuple[tuple[int, int], list[tuple[str, str, str]]] | None = None
        self.tooltip = about

    def show(self, values: Sequence[float] | Costs) -> None:
        """Draw ``values`` (finite, the first point first): called when a point is added, not per step."""
        self.values = np.asarray(values, dtype=np.float64)
        self._drawn = None
        self.tooltip = self._describe()
        self.refresh()

    def _describe(self) -> str:
        values = self.values
        if values.size == 0:
            return f"{self.about}\nNone yet."
        lines = [
            self.about,
            f"{counted(values.size, self.unit)}: first {format_number(float(values[0]))}, "
            f"last {format_number(float(values[-1]))}",
            f"lowest {format_number(float(values.min()))}, highest {format_number(float(values.max()))}",
        ]
        width = self._chart_width(self.size.width, self.size.height)
        _, per_column = columns(values, width)
        if per_column > 1:
            lines.append(f"A column: the highest of up to {per_column} {self.unit}s.")
        return "\n".join(lines)

    def on_resize(self) -> None:
        self._drawn = None
        if self.values.size:
            self.tooltip = self._describe()

    # --- drawing ------------------------------------------------------------------------------------
    def _layout(self, width: int, rows: int) -> tuple[list[str], str, int]:
        """The labels left of each row (padded to one width), the one right of the last row, and
        the chart's width between them; labels that would leave the chart fewer than LEAST_CHART
        columns are left out ('')."""
        values = self.values
        if rows >= 2:  # (with at least one point: see _rows)
            low, high = float(values.min()), float(values.max())
            bottom, top = axis_labels(low, high) if high > low else (short_number(low), "")
            # Named where there is room ("C 1.91"): once the first cost came, nothing said what the
            # bars were (a tester's finding).
            named = [f"C {top}" if top else "C", *[""] * (rows - 2), bottom]
            unnamed = [top, *[""] * (rows - 2), bottom]
            fits = width - max(LEFT, *map(len, named)) - len(GAP) >= LEAST_CHART
            left = named if fits else unnamed
            right = ""
        else:
            left = [self.curve_name]
            # As wide in both curves, whatever the value, so that their columns line up.
            right = short_number(float(values[-1])).rjust(RIGHT) if values.size else ""
        # At least LEFT wide: the chart keeps its width while a long run's labels change length.
        gutter = max(LEFT, *map(len, left)) + len(GAP)
        if width - gutter - len(GAP + right) < LEAST_CHART:
            right = ""
        if width - gutter < LEAST_CHART and rows == 1 and width - 2 >= LEAST_CHART // 2:
            left, gutter = [self.curve_name[0]], 2  # half a screen at 80 columns: "b", "e"
        elif width - gutter < LEAST_CHART:
            left, gutter = [""] * rows, 0
        padded = [label.rjust(gutter - len(GAP)) + GAP if gutter else "" for label in left]
        end = GAP + right if right else ""
        return padded, end, max(0, width - gutter - len(end))

    def _chart_width(self, width: int, rows: int) -> int:
        return self._layout(width, max(rows, 1))[2]

    def _rows(self, width: int, rows: int) -> list[tuple[str, str, str]]:
        """Each row as (left label, bars, right label), cached until the values or the size change."""
        if self._drawn is not None and self._drawn[0] == (width, rows):
            return self._drawn[1]
        if self.values.size == 0 and rows >= 2:
            # Nothing to draw yet (iteration 1 has no cost before its cost step): what will be here.
            lines = textwrap.wrap(self.empty, max(width, 1))
            if len(lines) > rows or any(len(line) > width for line in lines):
                lines = []  # a word cut says less than nothing
            self._drawn = ((width, rows), [(line, "", "") for line in (lines + [""] * rows)[:rows]])
            return self._drawn[1]
        left, right, chart = self._layout(width, rows)
        drawn, _ = columns(self.values, chart)
        bars = bar_rows(levels(drawn, rows), rows)
        out = [(left[row], bars[row].ljust(chart), right if row == rows - 1 else "") for row in range(rows)]
        self._drawn = ((width, rows), out)
        return out

    def render_line(self, y: int) -> Strip:
        width, rows = self.size
        base = self.rich_style
        if y >= rows or width <= 0:
            return Strip.blank(width, base)
        label, bars, end = self._rows(width, rows)[y]
        # Whole styles, not partial ones: $text is "auto" (the colour that reads on the background),
        # which a partial style resolves against no background (white in a light theme).
        label_style = self.get_component_rich_style("cost-chart--label")
        bar_style = self.get_component_rich_style("cost-chart--bar")
        segments = [Segment(label, label_style), Segment(bars, bar_style), Segment(end, label_style)]
        return Strip(segments).adjust_cell_length(width, base)
