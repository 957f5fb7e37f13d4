"""Backpropagation checked against central finite differences of the cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepper.engine.iteration import cost_of, run_iteration
from stepper.engine.network import Network

EPSILON = 1e-6
TOLERANCE = 1e-5
RELATIVE_FLOOR = 1e-4


@dataclass(frozen=True)
class LayerCheck:
    layer: int
    max_relative_error: float
    max_abs_error: float


@dataclass(frozen=True)
class GradCheck:
    passed: bool
    max_relative_error: float
    epsilon: float
    layers: list[LayerCheck]

    def to_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "max_relative_error": self.max_relative_error,
            "epsilon": self.epsilon,
            "layers": [
                {
                    "layer": c.layer,
                    "max_relative_error": c.max_relative_error,
                    "max_abs_error": c.max_abs_error,
                }
                for c in self.layers
            ],
        }


def cost_at(net: Network, weights: list[np.ndarray]) -> float:
    return cost_of(net, weights)


MAX_ENTRIES_PER_LAYER = 400


def checked_entries(shape: tuple[int, ...], limit: int = MAX_ENTRIES_PER_LAYER) -> list[tuple[int, ...]]:
    """Every entry of a small matrix; a fixed random sample of a large one (2 costs per entry)."""
    everything = list(np.ndindex(shape))
    if len(everything) <= limit:
        return everything
    picks = np.random.default_rng(0).choice(len(everything), size=limit, replace=False)
    return [everything[i] for i in sorted(picks)]


def numeric_gradient(
    net: Network,
    weights: tuple[np.ndarray, ...],
    layer: int,
    entries: list[tuple[int, ...]],
    eps: float = EPSILON,
) -> np.ndarray:
    """dC/dW^layer at ``entries`` by central differences (C(w + ε) − C(w − ε)) / 2ε."""
    work = [w.copy() for w in weights]
    w = work[layer]
    out = np.empty(len(entries))
    for k, idx in enumerate(entries):
        keep = w[idx]
        w[idx] = keep + eps
        up = cost_at(net, work)
        w[idx] = keep - eps
        down = cost_at(net, work)
        w[idx] = keep
        out[k] = (up - down) / (2 * eps)
    return out


def relative_error(analytic: np.ndarray, numeric: np.ndarray, cost: float) -> np.ndarray:
    """|analytic − numeric| relative to the larger of the two, or to a floor for tiny entries.

    A central difference carries rounding noise of about 1e-16·|C|/ε (1e-9 for C ≈ 10), so entries
    smaller than RELATIVE_FLOOR·(1 + |C|) are measured against that floor instead of themselves.
    """
    floor = RELATIVE_FLOOR * (1.0 + abs(cost))
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    return np.abs(analytic - numeric) / scale


def gradcheck(
    net: Network,
    weights: tuple[np.ndarray, ...] | None = None,
    eps: float = EPSILON,
    tolerance: float = TOLERANCE,
) -> GradCheck:
    """Compare backprop's dC/dW with finite differences on every weight (sampled when large)."""
    w = tuple(weights if weights is not None else net.weights)
    values = run_iteration(net, w)
    analytic = values.grad
    layers = []
    for l, ga in enumerate(analytic):
        entries = checked_entries(ga.shape)
        numeric = numeric_gradient(net, w, l, entries, eps)
        picked = np.array([ga[idx] for idx in entries])
        rel = relative_error(picked, numeric, values.cost)
        layers.append(LayerCheck(l, float(rel.max()), float(np.abs(picked - numeric).max())))
    worst = max(c.max_relative_error for c in layers)
    return GradCheck(worst <= tolerance, worst, eps, layers)
