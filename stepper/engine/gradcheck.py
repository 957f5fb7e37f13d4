"""Backpropagation checked against central finite differences of the cost (spec sections 4, 9).

Two things make a difference quotient disagree with an exact gradient without backprop being wrong,
and both are accounted for here rather than hidden in a lenient tolerance:

* **kinks** — relu and leaky_relu have no derivative at 0. When a pre-activation changes sign
  between w − ε and w + ε, the quotient averages two slopes; such weights are left out of pass/fail
  and counted.
* **rounding** — C(w ± ε) each carry a rounding error of a few ulps of |C|, so the quotient is only
  known to about ULPS·u·(|C(w+ε)| + |C(w−ε)|) / 2ε. An entry smaller than that noise divided by the
  tolerance is measured against that floor instead of against itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepper.engine.costs import cost_value
from stepper.engine.iteration import forward, run_iteration
from stepper.engine.network import Network

EPSILON = 1e-6
TOLERANCE = 1e-5
ULPS = 4  # rounding error of one evaluation of C, in units of |C|·u (costs are sums of terms >= 0)
KINKED = ("relu", "leaky_relu")
MACHINE_EPSILON = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class LayerCheck:
    layer: int
    max_relative_error: float
    max_abs_error: float
    kinks: int = 0  # entries left out: their central difference crosses a kink


@dataclass(frozen=True)
class GradCheck:
    passed: bool
    max_relative_error: float
    epsilon: float
    layers: list[LayerCheck]
    tolerance: float = TOLERANCE
    floor: float = 0.0  # the largest floor an entry was measured against (noise / tolerance)

    @property
    def kinks(self) -> int:
        return sum(c.kinks for c in self.layers)

    def to_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "max_relative_error": self.max_relative_error,
            "epsilon": self.epsilon,
            "tolerance": self.tolerance,
            "floor": self.floor,
            "kinks": self.kinks,
            "layers": [
                {
                    "layer": c.layer,
                    "max_relative_error": c.max_relative_error,
                    "max_abs_error": c.max_abs_error,
                    "kinks": c.kinks,
                }
                for c in self.layers
            ],
        }


def _evaluate(net: Network, weights: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    """C at ``weights`` (as run_iteration computes it) and the sign pattern n > 0 of kinked layers."""
    n, a = forward(net, weights)
    cost = cost_value(net.cost_fn, net.layer_activations[-1].name, n[-1], a[-1], net.targets)
    signs = [n[l] > 0 for l, act in enumerate(net.layer_activations) if act.name in KINKED]
    return cost, signs


MAX_ENTRIES_PER_LAYER = 400


def checked_entries(shape: tuple[int, ...], limit: int = MAX_ENTRIES_PER_LAYER) -> list[tuple[int, ...]]:
    """Every entry of a small matrix; a fixed random sample of a large one (2 costs per entry)."""
    everything = list(np.ndindex(shape))
    if len(everything) <= limit:
        return everything
    picks = np.random.default_rng(0).choice(len(everything), size=limit, replace=False)
    return [everything[i] for i in sorted(picks)]


@dataclass(frozen=True)
class Differences:
    """Central differences at some entries of one weight matrix."""

    gradient: np.ndarray  # (C(w + ε) − C(w − ε)) / 2ε
    noise: np.ndarray  # the rounding error that quotient can carry
    kink: np.ndarray  # True where a relu/leaky_relu pre-activation changes sign within ±ε


def central_differences(
    net: Network,
    weights: tuple[np.ndarray, ...],
    layer: int,
    entries: list[tuple[int, ...]],
    eps: float = EPSILON,
) -> Differences:
    """dC/dW^layer at ``entries`` by central differences, with their noise and kinks."""
    work = [w.copy() for w in weights]
    _, centre = _evaluate(net, work)
    w = work[layer]
    grad, noise = np.empty(len(entries)), np.empty(len(entries))
    kink = np.zeros(len(entries), dtype=bool)
    for k, idx in enumerate(entries):
        keep = w[idx]
        w[idx] = keep + eps
        up, up_signs = _evaluate(net, work)
        w[idx] = keep - eps
        down, down_signs = _evaluate(net, work)
        w[idx] = keep
        grad[k] = (up - down) / (2 * eps)
        noise[k] = ULPS * MACHINE_EPSILON * (abs(up) + abs(down)) / (2 * eps)
        kink[k] = any(
            not (np.array_equal(s, u) and np.array_equal(s, d))
            for s, u, d in zip(centre, up_signs, down_signs)
        )
    return Differences(grad, noise, kink)


def relative_error(
    analytic: np.ndarray, numeric: np.ndarray, noise: np.ndarray, tolerance: float = TOLERANCE
) -> np.ndarray:
    """|analytic − numeric| relative to the larger of the two, or to noise / tolerance when both
    are smaller: an entry is never asked to agree more closely than the quotient's rounding error."""
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), noise / tolerance)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(analytic == numeric, 0.0, np.abs(analytic - numeric) / scale)


def gradcheck(
    net: Network,
    weights: tuple[np.ndarray, ...] | None = None,
    eps: float = EPSILON,
    tolerance: float = TOLERANCE,
) -> GradCheck:
    """Compare backprop's dC/dW with finite differences on every weight (sampled when large)."""
    w = tuple(weights if weights is not None else net.weights)
    with np.errstate(all="ignore"):  # non-finite dC/da of a saturated output is expected
        analytic = run_iteration(net, w).grad
    layers = []
    floor = 0.0
    for l, ga in enumerate(analytic):
        entries = checked_entries(ga.shape)
        diff = central_differences(net, w, l, entries, eps)
        picked = np.array([ga[idx] for idx in entries])
        keep = ~diff.kink
        rel = relative_error(picked[keep], diff.gradient[keep], diff.noise[keep], tolerance)
        abs_err = np.abs(picked[keep] - diff.gradient[keep])
        layers.append(
            LayerCheck(
                l,
                float(rel.max(initial=0.0)),
                float(abs_err.max(initial=0.0)),
                int(diff.kink.sum()),
            )
        )
        floor = max(floor, float((diff.noise / tolerance).max(initial=0.0)))
    worst = max(c.max_relative_error for c in layers)
    return GradCheck(bool(worst <= tolerance), worst, eps, layers, tolerance, floor)
