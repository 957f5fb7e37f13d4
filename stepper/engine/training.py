"""Many iterations at once, with divergence reported instead of crashed on (docs/json.md)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from numpy.typing import NDArray

from stepper.engine.batching import Schedule
from stepper.engine.costs import cost_value
from stepper.engine.divergence import Divergence, find_divergence, shown_values
from stepper.engine.iteration import computed, forward, run_iteration
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerState
from stepper.engine.quantities import Q
from stepper.engine.steps import Step, build_steps

Array = NDArray[np.float64]


@dataclass(frozen=True)
class TrainResult:
    # C_k, computed in iteration k on its batch, before its update. When training diverged in
    # iteration k, C_k is its last entry: inf or NaN, or None if the divergence came before the cost.
    costs: list[float | None]
    weights: tuple[Array, ...]  # after the last completed iteration (all finite)
    outputs: Array  # a^L of a forward pass with ``weights``
    diverged: Divergence | None = None
    cancelled: bool = False
    # The cost over all observations with the weights at the end of each completed epoch.
    epoch_costs: list[float] = field(default_factory=list)
    state: OptimizerState = field(default_factory=OptimizerState)  # the optimizer's, at the end

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
    state = OptimizerState()
    schedule = None if net.full_batch else Schedule(net.training, net.observations)
    per_epoch = 1 if schedule is None else schedule.per_epoch  # full batch: filled in at the end
    steps = build_steps(net)
    costs: list[float | None] = []
    epoch_costs: list[float] = []
    diverged: Divergence | None = None
    cancelled = False
    # The last iteration whose resulting weights were verified finite, and what it left.
    checked = (0, w, state)
    # Overflow is detected below and reported as divergence, not as numpy warnings.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        k = 0
        while k < iterations:
            k += 1
            vals = run_iteration(net, w, state, None if schedule is None else schedule.batch(k))
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
                if suspect or not (_finite(after) and _finite(computed(vals.n)[1:])):
                    found = _replay(net, steps, schedule, *checked, k)
                    if found is not None:
                        diverged, w, state, cost = found
                        del costs[diverged.iteration - 1 :]
                        costs.append(cost)
                        del epoch_costs[(diverged.iteration - 1) // per_epoch :]
                        break
                checked = (k, after, vals.state_after)
            w, state = after, vals.state_after
            if schedule is not None and k % per_epoch == 0:
                epoch_costs.append(full_cost(net, w))
            if progress_every and k % progress_every == 0:
                if progress is not None:
                    progress(k)
                if should_stop is not None and should_stop():
                    cancelled = True
                    break
        n, a = forward(net, w)
        if schedule is None:  # full batch: epoch k's cost is C_{k+1}, the last one computed here
            done = len(costs) - (1 if diverged is not None else 0)
            last = cost_value(net.cost_fn, net.activations[-1], n[-1], a[-1], net.targets)
            # Before a divergence every cost is a number: only a diverged iteration's may be None.
            epoch_costs = cast("list[float]", [*costs[1:done], last][:done])
    return TrainResult(costs, w, a[-1], diverged, cancelled, epoch_costs, state)


def full_cost(net: Network, weights: tuple[Array, ...]) -> float:
    """The cost over all observations (not one batch) with ``weights``: an epoch's cost."""
    with np.errstate(all="ignore"):  # a diverged run's inf and NaN are findings, not warnings
        n, a = forward(net, weights)
        return cost_value(net.cost_fn, net.activations[-1], n[-1], a[-1], net.targets)


def _finite(matrices: Sequence[Array]) -> bool:
    # A sum is non-finite whenever an entry is; a sum that overflows from finite entries only
    # triggers a replay that finds nothing.
    return all(math.isfinite(float(m.sum())) for m in matrices)


def _replay(
    net: Network,
    steps: tuple[Step, ...],
    schedule: Schedule | None,
    start: int,
    weights: tuple[Array, ...],
    state: OptimizerState,
    end: int,
) -> tuple[Divergence, tuple[Array, ...], OptimizerState, float | None] | None:
    """Iterations start + 1 .. end from ``weights`` and ``state``, checked in full: the first
    divergence, the weights and state its iteration started from, and its C (None if it came
    before the cost)."""
    for k in range(start + 1, end + 1):
        vals = run_iteration(net, weights, state, None if schedule is None else schedule.batch(k))
        found = find_divergence(vals, steps, k)
        if found is not None:
            return found, weights, state, shown_values(vals, steps, found)[Q.COST]
        weights, state = vals.weights_after, vals.state_after
    return None
