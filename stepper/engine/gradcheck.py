"""Backpropagation checked against central finite differences of the cost (docs/commands.md).

Two things make a difference quotient disagree with an exact gradient without backprop being wrong,
and both are accounted for here rather than hidden in a lenient tolerance:

* **kinks** — relu and leaky_relu have no derivative at 0. When a pre-activation changes sign
  between w − ε and w + ε, the quotient averages two slopes; such weights are left out of pass/fail
  and counted.
* **noise** — C(w ± ε) carry rounding errors, and not only a few ulps of |C|: every n^l is known
  to about u·|n^l| only, which moves C by |δ^l|·u·|n^l| (and a^L − y by u·|a^L| where C is computed
  from a^L). Near a fit C is tiny but these are not. So the quotient carries about
  u·(that sum at w + ε and at w − ε) / 2ε of rounding, and its truncation error ε²·C‴/6, which near
  a minimum (tiny gradients) is larger than the gradient. The truncation error is measured, not
  guessed: the quotient with step 2ε has four times that of step ε, so it is about
  |D(2ε) − D(ε)| / 3 (twice that is allowed). An entry smaller than this noise divided by the
  tolerance is measured against that floor instead of against itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stepper.engine.costs import cost_value, output_delta
from stepper.engine.divergence import Divergence, find_divergence
from stepper.engine.iteration import computed, forward, run_iteration
from stepper.engine.network import Network
from stepper.engine.quantities import Q
from stepper.engine.steps import build_steps

EPSILON = 1e-6
TOLERANCE = 1e-5
# Each term of the rounding estimate is a first-order sum of absolute errors, one ulp each; but every
# n^l is the end of a dot product and several element-wise operations, each rounding again. Four ulps:
# with one, a sigmoid-softmax-ce network whose gradient agrees with a Richardson extrapolation to
# 1e-8 was failed at 1.8x the tolerance (a 1e-10 quotient noise on a 3e-6 gradient).
ULPS = 4
# Richardson's estimate of the truncation error is first-order: allow twice what it says.
TRUNCATION_MARGIN = 2.0
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
    checked: int = 0  # weights compared: those left out at a kink are not counted
    # Set when the forward or backward pass at these weights is not finite: there is no gradient
    # to check (nothing was compared, and passed is False).
    non_finite: Divergence | None = None

    @property
    def kinks(self) -> int:
        return sum(c.kinks for c in self.layers)

    @property
    def verdict(self) -> str:
        """PASSED, FAILED, or why nothing could be judged: a check of no weights passes nothing."""
        if self.non_finite is not None:
            return "NOT RUN"
        if self.checked == 0:
            return "NO WEIGHTS CHECKED"
        return "PASSED" if self.passed else "FAILED"

    def to_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "max_relative_error": None if self.non_finite is not None else self.max_relative_error,
            "epsilon": self.epsilon,
            "tolerance": self.tolerance,
            "floor": self.floor,
            "checked": self.checked,
            "kinks": self.kinks,
            # Why nothing was compared: {"quantity", "layer"} of the first non-finite value, as in
            # the "diverged" of docs/json.md, at the weights checked.
            "non_finite": None
            if self.non_finite is None
            else {"quantity": self.non_finite.quantity, "layer": self.non_finite.layer},
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


def _cost(net: Network, weights: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    """C at ``weights`` (computed exactly as run_iteration computes it) and the kink signs."""
    n, a = forward(net, weights)
    signs = [n[l] > 0 for l, f in enumerate(net.layer_activations) if f.name in KINKED]
    return cost_value(net.cost_fn, net.layer_activations[-1].name, n[-1], a[-1], net.targets), signs


def _evaluate(net: Network, weights: list[np.ndarray]) -> tuple[float, float, list[np.ndarray]]:
    """C at ``weights``, the rounding error C carries (in units of u), and the sign pattern n > 0
    of every kinked layer.

    The rounding is not only |C|'s own ulps: near a fit C is tiny, but every n^l is known only to
    about u·|n^l|, which moves C by |dC/dn^l|·u·|n^l| = |δ^l|·u·|n^l|; and where C is computed from
    a^L (not n^L), a^L − y is known only to u·|a^L|, adding |dC/da^L|·u·|a^L|.
    """
    with np.errstate(all="ignore"):  # a saturated output's dC/da may be inf: it is left out below
        vals = run_iteration(net, tuple(weights))
        act = net.layer_activations[-1]
        n, delta = computed(vals.n), computed(vals.delta)
        spread = abs(vals.cost) + sum(float(np.abs(delta[l] * n[l]).sum()) for l in range(1, len(n)))
        if output_delta(net.cost_fn, act.name, vals.a[-1], net.targets) is None:
            spread += float(np.abs(computed(vals.dC_da)[-1] * vals.a[-1]).sum())
    signs = [n[l + 1] > 0 for l, f in enumerate(net.layer_activations) if f.name in KINKED]
    return vals.cost, spread if np.isfinite(spread) else abs(vals.cost), signs


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
    noise: np.ndarray  # the rounding and truncation error that quotient can carry
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
    centre = _evaluate(net, work)[2]
    w = work[layer]
    grad, noise = np.empty(len(entries)), np.empty(len(entries))
    kink = np.zeros(len(entries), dtype=bool)
    for k, idx in enumerate(entries):
        keep = w[idx]
        w[idx] = keep + eps
        up, up_noise, up_signs = _evaluate(net, work)
        w[idx] = keep - eps
        down, down_noise, down_signs = _evaluate(net, work)
        w[idx] = keep + 2 * eps
        up2, up2_signs = _cost(net, work)
        w[idx] = keep - 2 * eps
        down2, down2_signs = _cost(net, work)
        w[idx] = keep
        grad[k] = (up - down) / (2 * eps)
        rounding = ULPS * MACHINE_EPSILON * (up_noise + down_noise) / (2 * eps)
        kink[k] = _crosses(centre, up_signs, down_signs)
        # A kink between ε and 2ε spoils the estimate of the truncation error, not the quotient:
        # C is piecewise smooth within ±ε there, so its truncation error is left out.
        smooth = not _crosses(centre, up2_signs, down2_signs)
        truncation = abs((up2 - down2) / (4 * eps) - grad[k]) / 3 if smooth else 0.0
        noise[k] = rounding + TRUNCATION_MARGIN * truncation
    return Differences(grad, noise, kink)


def _crosses(centre: list[np.ndarray], *others: list[np.ndarray]) -> bool:
    """Whether any kinked pre-activation has another sign in ``others`` than at the centre."""
    return any(not np.array_equal(c, o[i]) for o in others for i, c in enumerate(centre))


def relative_error(
    analytic: np.ndarray, numeric: np.ndarray, noise: np.ndarray, tolerance: float = TOLERANCE
) -> np.ndarray:
    """|analytic − numeric| relative to the larger of the two, or to noise / tolerance when both
    are smaller: an entry is never asked to agree more closely than the quotient can be known."""
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), noise / tolerance)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(analytic == numeric, 0.0, np.abs(analytic - numeric) / scale)


def gradcheck(
    net: Network,
    weights: tuple[np.ndarray, ...] | None = None,
    eps: float = EPSILON,
    tolerance: float = TOLERANCE,
) -> GradCheck:
    """Compare backprop's dC/dW with finite differences on every weight (sampled when large).

    Where the cost or a quantity before dC/dW is inf or NaN at ``weights`` nothing is compared: the
    result says which quantity (``non_finite``) and does not pass.
    """
    w = tuple(weights if weights is not None else net.weights)
    # Overflow is reported as non_finite below (and C(w ± ε) that overflow fail the comparison):
    # never as numpy warnings on stderr.
    with np.errstate(all="ignore"):
        return _gradcheck(net, w, eps, tolerance)


def _gradcheck(net: Network, w: tuple[np.ndarray, ...], eps: float, tolerance: float) -> GradCheck:
    values = run_iteration(net, w)
    bad = find_divergence(values, build_steps(net), 1)
    # An update that overflows (η·dC/dW) does not concern the gradient: only what comes before it.
    if bad is not None and bad.quantity != Q.WEIGHTS_AFTER:
        return GradCheck(False, math.nan, eps, [], tolerance, 0.0, 0, bad)
    analytic = values.grad
    layers = []
    floor = 0.0
    checked = 0
    for l, ga in enumerate(analytic):
        entries = checked_entries(ga.shape)
        diff = central_differences(net, w, l, entries, eps)
        picked = np.array([ga[idx] for idx in entries])
        keep = ~diff.kink
        checked += int(keep.sum())
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
        floor = max(floor, float((diff.noise[keep] / tolerance).max(initial=0.0)))
    worst = max(c.max_relative_error for c in layers)
    # NaN (an overflowing C(w ± ε)) is not <= tolerance: it fails.
    passed = bool(checked > 0 and worst <= tolerance)
    return GradCheck(passed, worst, eps, layers, tolerance, floor, checked)
