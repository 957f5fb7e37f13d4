"""Many iterations at once, with divergence reported instead of crashed on (spec section 9)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stepper.engine.divergence import Divergence, find_divergence, shown_values
from stepper.engine.iteration import forward, run_iteration
from stepper.engine.network import Network
from stepper.engine.steps import Step, build_steps

Array = NDArray[np.float64]


@dataclass(frozen=True)
class TrainResult:
    # C_k, computed in iteration k before its update. When training diverged in iteration k, C_k
    # is its last entry: inf or NaN, or None if the divergence came before the cost.
    costs: list[float | None]
    weights: tuple[Array, ...]  # after the last completed iteration (all finite)
    outputs: Array  # a^L of a forward pass with ``weights``
    diverged: Divergence | None = None
    cancelled: bool = False

    @property
    def iterations(self) -> int:
        """Iterations run, the diverged one included."""
        return len(self.costs)

    @property
    def completed(self) -> int:
        """Iterations whose update was applied: ``weights`` are the weights after this many."""
        return len(self.costs) - (1 if self.diverged is not None else 0)


CHECK_EVERY = 64


def train(
    net: Network,
    iterations: int,
    weights: tuple[Array, ...] | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Run ``iterations`` iterations from ``weights`` (default: the network's initial weights).

    ``progress(k)`` is called every ``progress_every`` iterations; ``should_stop()`` is polled at
    the same times and ends the run early (``cancelled``).
    """
    w = tuple(weights if weights is not None else net.weights)
    steps = build_steps(net)
    costs: list[float | None] = []
    diverged: Divergence | None = None
    cancelled = False
    checked = (0, w)  # the last iteration whose resulting weights were verified finite, and them
    # Overflow is detected below and reported as divergence, not as numpy warnings.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        k = 0
        while k < iterations:
            k += 1
            vals = run_iteration(net, w)
            costs.append(vals.cost)
            after = vals.weights_after
            # Checking every quantity of every iteration would cost more than small iterations do.
            # A non-finite δ or dC/dW makes the weights non-finite, so C is checked every iteration
            # and the weights and n (which can overflow while a saturates) every CHECK_EVERY; on any
            # sign the iterations since the last check are replayed in full to find the first
            # non-finite quantity. (n overflows only through weights of ~1e154 or more, which do not
            # come back to normal within CHECK_EVERY finite updates.)
            suspect = not math.isfinite(vals.cost)
            if suspect or k % CHECK_EVERY == 0 or k == iterations:
                if suspect or not (_finite(after) and _finite(vals.n[1:])):  # type: ignore[arg-type]
                    found = _replay(net, steps, *checked, k)
                    if found is not None:
                        diverged, w, cost = found
                        del costs[diverged.iteration - 1 :]
                        costs.append(cost)
                        break
                checked = (k, after)
            w = after
            if progress_every and k % progress_every == 0:
                if progress is not None:
                    progress(k)
                if should_stop is not None and should_stop():
                    cancelled = True
                    break
        _, a = forward(net, w)
    return TrainResult(costs, w, a[-1], diverged, cancelled)


def _finite(matrices: Sequence[Array]) -> bool:
    # A sum is non-finite whenever an entry is; a sum that overflows from finite entries only
    # triggers a replay that finds nothing.
    return all(math.isfinite(float(m.sum())) for m in matrices)


def _replay(
    net: Network, steps: tuple[Step, ...], start: int, weights: tuple[Array, ...], end: int
) -> tuple[Divergence, tuple[Array, ...], float | None] | None:
    """Iterations start + 1 .. end from ``weights``, checked in full: the first divergence, the
    weights its iteration started from, and its C (None if it came before the cost)."""
    for k in range(start + 1, end + 1):
        vals = run_iteration(net, weights)
        found = find_divergence(vals, steps, k)
        if found is not None:
            return found, weights, shown_values(vals, steps, found)["cost"]
        weights = vals.weights_after
    return None
