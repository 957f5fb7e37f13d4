"""Many iterations at once, with divergence reported instead of crashed on."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stepper.engine.iteration import forward, run_iteration
from stepper.engine.network import Network

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Divergence:
    iteration: int
    what: str

    def message(self) -> str:
        return (
            f"training diverged at iteration {self.iteration}: {self.what}. "
            "Try a smaller learning rate (--lr)."
        )


@dataclass(frozen=True)
class TrainResult:
    costs: list[float]  # C_k, computed in iteration k before its update
    weights: tuple[Array, ...]  # after the last completed iteration
    outputs: Array  # a^L of a forward pass with ``weights``
    diverged: Divergence | None = None
    cancelled: bool = False

    @property
    def iterations(self) -> int:
        return len(self.costs)


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
    costs: list[float] = []
    diverged: Divergence | None = None
    cancelled = False
    checked = (0, w)  # the last iteration whose resulting weights were verified finite, and them
    # Overflow is detected below and reported as divergence, not as numpy warnings.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        k = 0
        while k < iterations:
            k += 1
            vals = run_iteration(net, w)
            cost = vals.cost
            if not math.isfinite(cost):
                diverged = Divergence(k, f"the cost became {cost}")
                break
            costs.append(cost)
            w = vals.weights_after
            # Weights can overflow while the cost stays finite (saturated units): checking them is
            # cheap but not free, so check every CHECK_EVERY iterations and replay to find when.
            if k % CHECK_EVERY == 0 or k == iterations:
                if not _finite(w):
                    k, w = _first_overflow(net, *checked)
                    del costs[k:]
                    diverged = Divergence(k, "the weights overflowed to inf/NaN in its update")
                    break
                checked = (k, w)
            if progress_every and k % progress_every == 0:
                if progress is not None:
                    progress(k)
                if should_stop is not None and should_stop():
                    cancelled = True
                    break
        _, a = forward(net, w)
    return TrainResult(costs, w, a[-1], diverged, cancelled)


CHECK_EVERY = 64


def _finite(weights: tuple[Array, ...]) -> bool:
    # A sum is non-finite whenever any entry is (or the sum itself overflows: divergence too).
    return all(math.isfinite(float(m.sum())) for m in weights)


def _first_overflow(net: Network, start: int, weights: tuple[Array, ...]) -> tuple[int, tuple[Array, ...]]:
    """Replay from the last verified iteration to the one whose update overflowed.

    Returns that iteration and the finite weights it started from.
    """
    k = start
    while True:
        after = run_iteration(net, weights).weights_after
        k += 1
        if not _finite(after):
            return k, weights
        weights = after
