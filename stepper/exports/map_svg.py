"""A decision map as SVG: one square per grid cell on TensorFlow Playground's orange–white–blue
scale, the observations as dots (filled: target high, hollow: low). Plain SVG text, no dependency."""

from __future__ import annotations

from html import escape

import numpy as np

from stepper.engine.decision_map import DecisionMap, observation_cells, target_classes, value_range
from stepper.engine.network import Network

# TensorFlow Playground's scale: orange for low values, near-white in the middle, blue for high.
LOW, MID, HIGH = (245, 147, 34), (232, 234, 235), (8, 119, 189)
CELL = 8  # pixels per grid cell
MARGIN = 24
CHAR = 7  # pixels per character of the 12 px sans-serif text, about (wide enough for the caption)
LINE = 16  # pixels per line of text
BAR_WIDTH, BAR_HEIGHT = 160, 10


def colour_scale(levels: int) -> list[tuple[int, int, int]]:
    """``levels`` colours from low (orange) through the middle (near-white) to high (blue)."""
    colours = []
    for k in range(levels):
        t = k / (levels - 1) * 2 - 1  # −1 .. 1
        a, b = (MID, LOW) if t < 0 else (MID, HIGH)
        f = abs(t)
        colours.append(tuple(round(x + (y - x) * f) for x, y in zip(a, b)))
    return colours  # type: ignore[return-value]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def map_svg(net: Network, dmap: DecisionMap, iteration: int) -> str:
    """The output maps side by side, each with its observations, a title and the scale's range."""
    r = dmap.resolution
    outputs = net.layers[-1]
    side = r * CELL
    lo, hi = value_range(net.activations[-1], dmap.outputs)
    x0, x1, y0, y1 = (f"{v:.3g}" for v in (dmap.x[0], dmap.x[-1], dmap.y[0], dmap.y[-1]))
    caption = [
        f"x^0 {x0} … {x1} →   x^1 {y0} … {y1} ↑",
        f"● target high  ○ target low · after {iteration} iteration{'s' * (iteration != 1)}",
    ]
    # As wide as the maps, or as the longest caption line (about 7 px a character at 12 px).
    width = max(MARGIN + outputs * (side + MARGIN), 2 * MARGIN + CHAR * max(map(len, caption)))
    bar_top = MARGIN + side + MARGIN // 2
    caption_top = bar_top + BAR_HEIGHT + 2 * LINE
    height = caption_top + LINE * (len(caption) - 1) + MARGIN
    scale = [_hex(c) for c in colour_scale(65)]
    rows, cols = observation_cells(dmap, net.inputs)
    classes = target_classes(net.targets)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(net.name)}: decision map after {iteration} iterations</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    span = hi - lo if hi > lo else 1.0
    for j in range(outputs):
        left = MARGIN + j * (side + MARGIN)
        top = MARGIN
        parts.append(f'<text x="{left}" y="{top - 8}">a^{net.depth}_{j} ({lo:.3g} … {hi:.3g})</text>')
        values = dmap.outputs[:, :, j]
        with np.errstate(invalid="ignore"):
            level = np.clip(np.floor((values - lo) / span * len(scale)), 0, len(scale) - 1)
        for i in range(r):
            y = top + (r - 1 - i) * CELL  # y grows upwards on the map, downwards in SVG
            for jj in range(r):
                v = values[i, jj]
                fill = scale[int(level[i, jj])] if np.isfinite(v) else "red"
                parts.append(
                    f'<rect x="{left + jj * CELL}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}"/>'
                )
        for i, jj, high in zip(rows, cols, classes[:, j]):
            cx = left + jj * CELL + CELL / 2
            cy = top + (r - 1 - i) * CELL + CELL / 2
            fill = "#08306b" if high else "white"
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{CELL / 2.5}" fill="{fill}" stroke="#222"/>')
    # The colour scale: what a colour means, from lo to hi of a^L's range.
    step = BAR_WIDTH / len(scale)
    for k, colour in enumerate(scale):
        parts.append(
            f'<rect x="{MARGIN + k * step:.2f}" y="{bar_top}" width="{step + 0.5:.2f}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>'
        )
    label_y = bar_top + BAR_HEIGHT + LINE
    parts.append(f'<text x="{MARGIN}" y="{label_y}">{lo:.3g}</text>')
    parts.append(f'<text x="{MARGIN + BAR_WIDTH}" y="{label_y}" text-anchor="end">{hi:.3g}</text>')
    parts.append(
        f'<text x="{MARGIN + BAR_WIDTH + 8}" y="{bar_top + BAR_HEIGHT}">'
        f"a^{net.depth} ({escape(net.activations[-1])})</text>"
    )
    for k, line in enumerate(caption):
        parts.append(f'<text x="{MARGIN}" y="{caption_top + k * LINE}">{escape(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
