"""A decision map as SVG: the grid's cells on TensorFlow Playground's orange–white–blue scale (a rect
per run of one colour along a row), the observations as dots (filled: target high, hollow: low), the
scale's legend, and a small map per hidden neuron with clones marked. Plain SVG text, no dependency."""

from __future__ import annotations

import itertools
from html import escape

import numpy as np

from stepper.engine.decision_map import DecisionMap, observation_cells, target_classes, value_range
from stepper.engine.network import Network
from stepper.formatting import counted

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
        red, green, blue = (round(x + (y - x) * f) for x, y in zip(a, b))
        colours.append((red, green, blue))
    return colours


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


# Clone groups' colours, dark enough to read on white; the label (C1, C2, …) says it without colour.
CLONE_INKS = ("#b3006b", "#0060a0", "#7a5c00", "#007a33", "#3b4cc0", "#b42318")
SMALL_CELL = 3  # pixels per grid cell of a hidden neuron's map
SMALL_GAP = 16  # between two neurons' maps


def _cells(
    values: np.ndarray, lo: float, hi: float, scale: list[str], left: float, top: float, cell: int
) -> list[str]:
    """One rect per run of one colour along a grid row (a flat map is R rects, not R²); y upwards."""
    r = values.shape[0]
    span = hi - lo if hi > lo else 1.0
    with np.errstate(invalid="ignore"):
        level = np.clip(np.floor((values - lo) / span * len(scale)), 0, len(scale) - 1)
    level = np.where(np.isfinite(values), level, -1).astype(int)  # −1: not a number, drawn red
    out = []
    for i in range(r):
        y = top + (r - 1 - i) * cell  # y grows upwards on the map, downwards in SVG
        row = level[i]
        cuts = [0, *(np.flatnonzero(row[1:] != row[:-1]) + 1).tolist(), r]
        for a, b in itertools.pairwise(cuts):
            fill = scale[row[a]] if row[a] >= 0 else "red"
            x, w = left + a * cell, (b - a) * cell
            out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{cell}" fill="{fill}"/>')
    return out


def map_svg(
    net: Network,
    dmap: DecisionMap,
    iteration: int,
    clones: dict[int, tuple[int | None, ...]] | None = None,
) -> str:
    """The output maps side by side, each with its observations and a title; the colour scale and
    what the dots mean; then each hidden layer's neurons' maps, labelled a^l_j, clones C1, C2, …
    (``clones``: each hidden layer's neurons' clone groups, as the app's matrices mark them)."""
    r = dmap.resolution
    outputs = net.layers[-1]
    side = r * CELL
    lo, hi = value_range(net.activations[-1], dmap.outputs)
    x0, x1, y0, y1 = (f"{v:.3g}" for v in (dmap.x[0], dmap.x[-1], dmap.y[0], dmap.y[-1]))
    caption = [
        f"x^0 {x0} … {x1} →   x^1 {y0} … {y1} ↑",
        f"● target high  ○ target low · after {counted(iteration, 'iteration')}",
    ]
    small = r * SMALL_CELL
    widest_layer = max(net.layers[1:-1], default=0)
    # As wide as the maps, the caption (about 7 px a character at 12 px) or up to 6 neurons' maps.
    width = max(
        MARGIN + outputs * (side + MARGIN),
        2 * MARGIN + CHAR * max(map(len, caption)),
        MARGIN + min(widest_layer, 6) * (small + SMALL_GAP) - SMALL_GAP + MARGIN,
    )
    per_row = max(1, (width - 2 * MARGIN + SMALL_GAP) // (small + SMALL_GAP))
    bar_top = MARGIN + side + MARGIN // 2
    caption_top = bar_top + BAR_HEIGHT + 2 * LINE
    hidden_top = caption_top + LINE * (len(caption) - 1) + MARGIN
    tile_height = LINE + small + LINE // 2  # title, map, space under it
    layer_heights = [LINE + -(-n // per_row) * tile_height for n in net.layers[1:-1]]
    height = hidden_top + sum(layer_heights) + (MARGIN // 2 if layer_heights else 0)
    scale = [_hex(c) for c in colour_scale(65)]
    rows, cols = observation_cells(dmap, net.inputs)
    classes = target_classes(net.targets)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(net.name)}: decision map after {counted(iteration, 'iteration')}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for j in range(outputs):
        left = MARGIN + j * (side + MARGIN)
        top = MARGIN
        parts.append(f'<text x="{left}" y="{top - 8}">a^{net.depth}_{j} ({lo:.3g} … {hi:.3g})</text>')
        parts += _cells(dmap.outputs[:, :, j], lo, hi, scale, left, top, CELL)
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
    # Each hidden layer: a heading, then its neurons' maps on the layer's own scale.
    top = hidden_top
    for layer, values in enumerate(dmap.hidden, start=1):
        act = net.activations[layer - 1]
        llo, lhi = value_range(act, values)
        parts.append(
            f'<text x="{MARGIN}" y="{top + LINE - 4}" font-weight="bold">'
            f"layer {layer} · {escape(act)} · {llo:.3g} … {lhi:.3g}</text>"
        )
        groups = (clones or {}).get(layer, ())
        for n in range(values.shape[2]):
            left = MARGIN + (n % per_row) * (small + SMALL_GAP)
            tile_top = top + LINE + (n // per_row) * tile_height + LINE
            g = groups[n] if n < len(groups) else None
            title = f"a^{layer}_{n}"
            if g is not None:
                ink = CLONE_INKS[g % len(CLONE_INKS)]
                title += f" C{g + 1}"
                # A frame in the clone group's colour: clones' maps are identical, and framed alike.
                parts.append(
                    f'<rect x="{left - 2}" y="{tile_top - 2}" width="{small + 4}" height="{small + 4}" '
                    f'fill="none" stroke="{ink}" stroke-width="2"/>'
                )
                parts.append(
                    f'<text x="{left}" y="{tile_top - 5}" fill="{ink}" font-weight="bold">{title}</text>'
                )
            else:
                parts.append(f'<text x="{left}" y="{tile_top - 5}">{title}</text>')
            parts += _cells(values[:, :, n], llo, lhi, scale, left, tile_top, SMALL_CELL)
        top += LINE + -(-values.shape[2] // per_row) * tile_height
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
