"""Decision maps (docs/json.md): a network's outputs, and every hidden neuron, over the input plane.

For a network with 2 inputs, the grid spans the observations' inputs with a 10 % margin; one
forward pass over all R×R grid points at once gives every layer's values there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stepper.engine.network import Network
from stepper.errors import StepperError

Array = NDArray[np.float64]

DEFAULT_RESOLUTION = 41
MAX_RESOLUTION = 1001  # 1001² points × a layer's neurons is what memory and a screen can take
MAX_GRID_VALUES = 16_000_000  # grid points × the widest layer's neurons: ~128 MB per layer
MARGIN = 0.1  # of the span, on each side

# Activations with a fixed range of values: their maps share one scale, so a flat map looks flat.
BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def check_two_inputs(net: Network, label: str | None = None) -> None:
    """Bad input unless the network has exactly 2 inputs; ``label`` names its file in the message."""
    if net.layers[0] != 2:
        raise StepperError(
            f"{label or net.name}: decision maps need 2 inputs (a plane to draw on); "
            f"this network has {net.layers[0]} ({net.shape_label()})"
        )


def grid_axes(inputs: Array, resolution: int) -> tuple[Array, Array]:
    """x and y of the grid: per input axis, min − 0.1·span to max + 0.1·span (span 1 if it is 0)."""
    lo = inputs.min(axis=0)
    hi = inputs.max(axis=0)
    span = hi - lo
    span = np.where(span == 0, 1.0, span)
    x = np.linspace(lo[0] - MARGIN * span[0], hi[0] + MARGIN * span[0], resolution)
    y = np.linspace(lo[1] - MARGIN * span[1], hi[1] + MARGIN * span[1], resolution)
    return x, y


@dataclass(frozen=True)
class DecisionMap:
    """Every layer's values over the grid: ``layers[l][i, j]`` is a^l at the input (x[j], y[i]).

    ``layers[0]`` holds the grid points themselves; ``layers[L]`` the outputs.
    """

    x: Array
    y: Array
    layers: tuple[Array, ...]  # each (R, R, neurons of that layer)

    @property
    def outputs(self) -> Array:
        return self.layers[-1]

    @property
    def hidden(self) -> tuple[Array, ...]:
        """Hidden layers 1..L−1, in order."""
        return self.layers[1:-1]

    @property
    def resolution(self) -> int:
        return len(self.x)


def decision_map(
    net: Network, weights: tuple[Array, ...] | list[Array], resolution: int = DEFAULT_RESOLUTION
) -> DecisionMap:
    """One vectorised forward pass over the R×R grid, with ``weights`` W^0..W^{L-1}."""
    check_two_inputs(net)
    if not 2 <= resolution <= MAX_RESOLUTION:
        raise StepperError(f"--resolution: expected 2..{MAX_RESOLUTION}, got {resolution}")
    if resolution * resolution * max(net.layers) > MAX_GRID_VALUES:
        raise StepperError(
            f"--resolution {resolution}: a {resolution}×{resolution} grid of this network's "
            f"{max(net.layers)}-neuron layers is too large to hold: at most {MAX_GRID_VALUES:,} values"
        )
    x, y = grid_axes(net.inputs, resolution)
    # Row i·R + j is the point (x[j], y[i]): reshaped to (R, R, ·), [i, j] is that point.
    points = np.empty((resolution * resolution, 2))
    points[:, 0] = np.tile(x, resolution)
    points[:, 1] = np.repeat(y, resolution)
    a = points
    values = [points]
    with np.errstate(all="ignore"):  # non-finite weights give non-finite maps, shown as such
        for act, w in zip(net.layer_activations, weights):
            a = act.forward(a @ w[1:] + w[0])
            values.append(a)
    shape = (resolution, resolution)
    return DecisionMap(x, y, tuple(v.reshape(*shape, v.shape[1]) for v in values))


def value_range(activation: str, values: Array) -> tuple[float, float]:
    """The scale a map of these values is drawn on: the activation's own range when it has one
    (so a map that is flat looks flat), else the values' range, widened to 1 if they are constant."""
    if activation in BOUNDED:
        return BOUNDED[activation]
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < 1e-12:
        return (lo - 0.5, hi + 0.5)
    return (lo, hi)


def observation_cells(dmap: DecisionMap, inputs: Array) -> tuple[Array, Array]:
    """For each observation, the grid cell (i, j) nearest to it: where it is drawn on the map."""
    r = dmap.resolution
    j = np.rint((inputs[:, 0] - dmap.x[0]) / (dmap.x[-1] - dmap.x[0]) * (r - 1)).astype(int)
    i = np.rint((inputs[:, 1] - dmap.y[0]) / (dmap.y[-1] - dmap.y[0]) * (r - 1)).astype(int)
    return np.clip(i, 0, r - 1), np.clip(j, 0, r - 1)


def target_classes(targets: Array) -> NDArray[np.bool_]:
    """True where an observation's target is in the upper half of that output's targets: drawn ●
    (else ○). With 0/1 labels that is the label; all-equal targets are all ●."""
    lo = targets.min(axis=0)
    hi = targets.max(axis=0)
    high: NDArray[np.bool_] = targets >= (lo + hi) / 2
    return high
