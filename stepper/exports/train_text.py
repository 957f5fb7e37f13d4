"""``stepper train --format text``: the cost curve, the outputs against the targets, the weights."""

from __future__ import annotations

import math

import numpy as np

from stepper.engine.network import Network
from stepper.engine.quantities import Q
from stepper.engine.training import TrainResult
from stepper.exports.matrix_text import render_matrix
from stepper.exports.text import network_title
from stepper.formatting import counted, format_number

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], width: int = 60) -> str:
    """The cost curve in one line of block characters, sampled evenly (log scale if it spans decades)."""
    if not values:
        return ""
    data = np.asarray(values, dtype=np.float64)
    idx = np.linspace(0, len(data) - 1, num=min(width, len(data))).round().astype(int)
    sample = data[idx]
    if (sample > 0).all() and sample.max() / sample.min() > 100:
        sample = np.log10(sample)
    lo, hi = float(sample.min()), float(sample.max())
    if hi == lo:
        return BARS[3] * len(sample)
    levels = ((sample - lo) / (hi - lo) * (len(BARS) - 1)).round().astype(int)
    return "".join(BARS[i] for i in levels)


def train_text(net: Network, result: TrainResult) -> str:
    """Outputs and final weights first, then the cost curve with its start and end: the last lines
    are what a person reads after a long run."""
    lines = [*network_title("stepper train · ", net), ""]
    lines.append("Outputs a^L with the final weights, and the targets y:")
    lines.extend(render_matrix(result.outputs, Q.A))
    lines.append("  targets")
    lines.extend(render_matrix(net.targets, Q.TARGETS))
    lines.append("")
    lines.append("Final weights (b = bias row):")
    for l, w in enumerate(result.weights):
        lines.append(f"W^{l}  ({w.shape[0]}×{w.shape[1]})")
        lines.extend(render_matrix(w, Q.WEIGHTS))
    lines.append("")
    k = result.iterations
    if k:
        finite = [c for c in result.costs if c is not None and math.isfinite(c)]
        last = result.costs[-1]
        batch = "" if net.full_batch else f" on its batch of {net.batch_size}"
        lines.append(
            f"Cost over {counted(k, 'iteration')} (C_k is computed{batch} before iteration k's update):"
        )
        if finite:
            lines.append(f"  {sparkline(finite)}")
            lines.append(f"  iteration 1: C = {format_number(finite[0])}")
        lines.append(f"  iteration {k}: C = {'not computed' if last is None else format_number(last)}")
        epochs = [c for c in result.epoch_costs if math.isfinite(c)]
        if epochs and not net.full_batch:
            lines.append(
                f"Epoch cost over all {net.observations} observations, "
                f"after each of {counted(len(epochs), 'epoch')}:"
            )
            lines.append(f"  {sparkline(epochs)}")
            lines.append(f"  epoch 1: C = {format_number(epochs[0])}")
            lines.append(f"  epoch {len(epochs)}: C = {format_number(epochs[-1])}")
    else:
        lines.append("No iterations run (--iterations 0): the outputs of the initial weights.")
    if result.diverged is not None:
        lines.append(f"  DIVERGED: {result.diverged.message()}.")
        lines.append(
            f"  The outputs and weights above are those iteration {result.diverged.iteration} started from."
        )
    return "\n".join(lines)
