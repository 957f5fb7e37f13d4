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
    width = MARGIN + outputs * (side + MARGIN)
    height = side + 3 * MARGIN
    lo, hi = value_range(net.activations[-1], dmap.outputs)
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
    x0, x1, y0, y1 = (f"{v:.3g}" for v in (dmap.x[0], dmap.x[-1], dmap.y[0], dmap.y[-1]))
    parts.append(
        f'<text x="{MARGIN}" y="{height - MARGIN / 2}">x^0 {x0} … {x1} →   x^1 {y0} … {y1} ↑   '
        f"● target high  ○ target low · after {iteration} iterations</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
