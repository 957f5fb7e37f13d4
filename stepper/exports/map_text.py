"""``stepper map``: the decision map as characters (a ramp, observations by target) and as JSON."""

from __future__ import annotations

from typing import Any

import numpy as np

from stepper.engine.decision_map import DecisionMap, observation_cells, target_classes, value_range
from stepper.engine.network import Network
from stepper.exports.text import network_title
from stepper.formatting import counted

# Light to dark: the ramp reads without colour (NO_COLOR, a file, a printout).
RAMP = " .:-=+*#%@"
POSITIVE, NEGATIVE = "●", "○"


def ramp_levels(values: np.ndarray, lo: float, hi: float, levels: int = len(RAMP)) -> np.ndarray:
    """Each value's level 0..levels−1 on the scale lo..hi (clipped to it; NaN gets −1)."""
    span = hi - lo if hi > lo else 1.0
    with np.errstate(invalid="ignore"):
        scaled = np.floor((values - lo) / span * levels)
    out = np.clip(np.nan_to_num(scaled, nan=0.0, posinf=levels - 1, neginf=0.0), 0, levels - 1)
    out[np.isnan(values)] = -1  # after the clip: only a NaN is "not on the scale"
    levels_of: np.ndarray = out.astype(int)
    return levels_of


def map_lines(
    values: np.ndarray,
    lo: float,
    hi: float,
    marks: dict[tuple[int, int], str] | None = None,
    cell: int = 2,
) -> list[str]:
    """An (R, R) map as R lines of ``cell``·R characters, y increasing upwards; ``marks`` by cell (i, j).

    Two characters per cell, as the app's ramp: a character is about twice as tall as wide, so a
    circle looks round. A mark takes its cell's first character, the ramp's the second. One per
    cell where two would not fit the terminal (a squashed map rather than one whose lines wrap)."""
    levels = ramp_levels(values, lo, hi)
    rows = [["?" * cell if k < 0 else RAMP[k] * cell for k in row] for row in levels]
    for (i, j), mark in (marks or {}).items():
        rows[i][j] = mark + rows[i][j][1:]
    return ["".join(row) for row in reversed(rows)]


def output_marks(dmap: DecisionMap, net: Network, output: int) -> dict[tuple[int, int], str]:
    """Observations at their cells, ● where the target of this output is high, ○ where low."""
    rows, cols = observation_cells(dmap, net.inputs)
    classes = target_classes(net.targets)[:, output]
    return {(int(i), int(j)): POSITIVE if c else NEGATIVE for i, j, c in zip(rows, cols, classes)}


def _axis_label(v: float) -> str:
    return f"{v:.3g}"


def map_text(net: Network, dmap: DecisionMap, iteration: int, width: int | None = None) -> str:
    """The map as characters; ``width``: the terminal's columns, where the map is shown on one (a
    41×41 map at two characters a cell is 90 wide, and wrapped every line at 80 columns)."""
    depth = net.depth
    activation = net.activations[-1]
    r = dmap.resolution
    lo, hi = value_range(activation, dmap.outputs)
    y_hi, y_lo = _axis_label(float(dmap.y[-1])), _axis_label(float(dmap.y[0]))
    pad = max(len(y_hi), len(y_lo))
    margin = 2 + pad + 2  # "  ", the y label, " │" before each map line
    cell = 1 if width is not None and 2 * r + margin > width else 2
    lines = [
        *network_title("stepper map · ", net, width=min(width or 80, 80)),
        f"Weights after {counted(iteration, 'iteration')}; a {r}×{r} grid (x^0 across, x^1 up).",
    ]
    if cell == 1 and width is not None:
        keeps = max(2, (width - margin) // 2)
        lines.append(f"One character a cell, to fit the terminal (--resolution {keeps} keeps two).")
    for j in range(net.layers[-1]):
        lines += ["", f"Output a^{depth}_{j}:"]
        body = map_lines(dmap.outputs[:, :, j], lo, hi, output_marks(dmap, net, j), cell)
        for k, line in enumerate(body):
            label = y_hi if k == 0 else y_lo if k == r - 1 else ""
            lines.append(f"  {label:>{pad}} │{line}")
        x_lo, x_hi = _axis_label(float(dmap.x[0])), _axis_label(float(dmap.x[-1]))
        lines.append(f"  {'':>{pad}} └{'─' * cell * r}")
        lines.append(f"  {'':>{pad}}  {x_lo}{x_hi:>{max(cell * r - len(x_lo), len(x_hi) + 1)}}")
    scale = "range of " + activation if activation in ("sigmoid", "softmax", "tanh") else "range of the map"
    lines += [
        "",
        f"Scale: '{RAMP[0]}' {lo:.4g} … '{RAMP[-1]}' {hi:.4g} ({scale}), ramp '{RAMP}'.",
        f"Observations: {POSITIVE} target in the upper half of its range, {NEGATIVE} in the lower half.",
    ]
    return "\n".join(lines) + "\n"


def map_json(net: Network, dmap: DecisionMap, iteration: int) -> dict[str, Any]:
    """Spec section 8: G[i][j] is a^L at (x[j], y[i]); ``neurons`` the hidden layers 1..L−1."""
    return {
        "network": net.settings(),
        "iteration": iteration,
        "x": dmap.x,
        "y": dmap.y,
        "outputs": dmap.outputs,
        "neurons": [{"layer": l, "values": h} for l, h in enumerate(dmap.hidden, start=1)],
    }
