"""Weights (and the optimizer's state) at the start of every iteration, in bounded memory.

Only a bounded set of checkpoints is kept: every ``stride``-th iteration start, the stride doubling
whenever there would be more than ``max_checkpoints``. Any other iteration start is recomputed from
the nearest earlier checkpoint. Recomputation runs the very same numpy operations in the same order,
so it reproduces the weights bit for bit. The optimizer's state (momentum, Adam's m and v, t) is
part of every checkpoint, and the batch of an iteration comes from a :class:`Schedule` that always
cuts the same batches, so stepping back lands on exactly the same state.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from stepper.engine.batching import Batch, Schedule
from stepper.engine.iteration import IterationValues, run_iteration
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerState
from stepper.engine.symmetry import neuron_spread
from stepper.engine.training import full_cost

Array = NDArray[np.float64]
Weights = tuple[Array, ...]
# What an iteration starts from: the weights and the optimizer's state.
Start = tuple[Weights, OptimizerState]


class WeightHistory:
    def __init__(self, net: Network, max_checkpoints: int = 64) -> None:
        self.net = net
        self.max_checkpoints = max_checkpoints
        self.stride = 1
        self._initial: Start = (tuple(net.weights), OptimizerState())
        self._checkpoints: dict[int, Start] = {1: self._initial}
        # Weights a person set by hand at an iteration's start: kept for good, never thinned out.
        self.pins: dict[int, Weights] = {}
        self._pinned: dict[int, Start] = {}  # the pins with the optimizer state they start from
        self._last: tuple[int, Start] = (1, self._initial)  # the most recent lookup
        self.schedule = None if net.full_batch else Schedule(net.training, net.observations)
        # C_k of every iteration computed so far (the loss curve reads them).
        self.costs = CostHistory()
        # Per hidden layer, the distance between its two closest neurons' weights in at the start of
        # an iteration (symmetry.neuron_spread): for every iteration the walk shows, and for each
        # checkpoint a long run stores, so its plot spans the run without a cost per iteration.
        self.spread: dict[int, tuple[float, ...]] = {1: neuron_spread(net.weights)}
        # The first iteration seen to produce a non-finite cost, n or weights: training ends there.
        self.diverged_at: int | None = None
        # With mini-batches: the cost over all observations after each epoch completed so far.
        self.epoch_costs: dict[int, float] = {}

    def distance(self, iteration: int) -> int:
        """How many iterations :meth:`weights_at` would compute to reach ``iteration``."""
        start = max(k for k in (*self._checkpoints, *self._pinned) if k <= iteration)
        last_it = self._last[0]
        if start < last_it <= iteration:
            start = last_it
        return iteration - start

    @property
    def checkpoint_count(self) -> int:
        return len(self._checkpoints)

    def batch(self, iteration: int) -> Batch | None:
        """The observations ``iteration`` updates on (None: all of them, in order)."""
        return None if self.schedule is None else self.schedule.batch(iteration)

    def run(self, iteration: int, start: Start) -> IterationValues:
        """Iteration ``iteration`` computed from ``start``."""
        return run_iteration(self.net, start[0], start[1], self.batch(iteration))

    def weights_at(self, iteration: int) -> Weights:
        """W^0..W^{L-1} at the start of ``iteration`` (1-based; iteration 1 starts from init)."""
        return self.start_at(iteration)[0]

    def start_at(self, iteration: int) -> Start:
        """The weights and optimizer state at the start of ``iteration``."""
        if iteration < 1:
            raise ValueError("iterations start at 1")
        if self.diverged_at is not None and iteration > self.diverged_at + 1:
            # Training ended there: nothing after it is computed (the walk never goes past it).
            iteration = self.diverged_at + 1
        last_it, last = self._last
        if last_it == iteration:
            return last
        # Start from the last lookup when it is closer than any checkpoint (stepping forward).
        start = max(k for k in (*self._checkpoints, *self._pinned) if k <= iteration)
        here = self._pinned.get(start) or self._checkpoints[start]
        if start < last_it <= iteration:
            start, here = last_it, last
        for k in range(start, iteration):
            with np.errstate(all="ignore"):  # inf and NaN are divergence, reported by the walk
                values = self.run(k, here)
            self.costs[k] = values.cost
            here = (values.weights_after, values.state_after)
            self._remember(k + 1, here)
            if self.diverged_at is None and not _finite(values):
                self.diverged_at = k
                iteration = k + 1
                break
            self.record_epoch_end(k, here[0])
        self._last = (iteration, here)
        return here

    def pin(self, iteration: int, weights: Weights) -> None:
        """From ``iteration`` on, train from ``weights``: what came after it before is forgotten.

        The optimizer's state stays what training had made it by then."""
        state = self.start_at(iteration)[1]
        self.pins = {k: w for k, w in self.pins.items() if k < iteration}
        self.pins[iteration] = tuple(weights)
        self._pinned = {k: s for k, s in self._pinned.items() if k < iteration}
        self._pinned[iteration] = (tuple(weights), state)
        self._checkpoints = {k: w for k, w in self._checkpoints.items() if k < iteration} or {
            1: self._initial
        }
        self.costs.forget_from(iteration)
        self.spread = {k: d for k, d in self.spread.items() if k < iteration}
        self.spread[iteration] = neuron_spread(weights)
        if self.diverged_at is not None and self.diverged_at >= iteration:
            self.diverged_at = None
        if self.schedule is not None:  # epoch e's cost reads the weights at iteration e·P + 1
            per_epoch = self.schedule.per_epoch
            self.epoch_costs = {e: c for e, c in self.epoch_costs.items() if e * per_epoch + 1 < iteration}
        self._last = (iteration, self._pinned[iteration])

    def record_epoch_end(self, iteration: int, weights_after: Weights) -> None:
        """With mini-batches, when ``iteration`` ends an epoch: the cost over all observations with
        the weights it leaves (the epoch cost)."""
        schedule = self.schedule
        if schedule is not None and schedule.ends_epoch(iteration):
            epoch = iteration // schedule.per_epoch
            if epoch not in self.epoch_costs:
                self.epoch_costs[epoch] = self._full_cost(weights_after)

    def _full_cost(self, weights: Weights) -> float:
        """The cost over all observations (not one batch) with ``weights``."""
        return full_cost(self.net, weights)

    def _remember(self, iteration: int, here: Start) -> None:
        if (iteration - 1) % self.stride != 0 or iteration in self._checkpoints:
            return
        self._checkpoints[iteration] = here
        self.spread[iteration] = neuron_spread(here[0])
        if len(self._checkpoints) > self.max_checkpoints:
            self.stride *= 2
            self._checkpoints = {k: w for k, w in self._checkpoints.items() if (k - 1) % self.stride == 0}


def _finite(values: IterationValues) -> bool:
    """Cheap: a non-finite n, δ or dC/dW shows in n or the weights after (see engine.training)."""
    with np.errstate(all="ignore"):
        sums = [values.cost, *(float(m.sum()) for m in values.n[1:] if m is not None)]
        sums += [float(w.sum()) for w in values.weights_after]
    return all(np.isfinite(sums))


class CostHistory:
    """C_k of the iterations computed so far: 9 bytes an iteration in two growing numpy arrays
    (the cost, and whether it is known), not a dict of Python floats."""

    def __init__(self) -> None:
        self._values: Array = np.full(1024, np.nan)
        self._known: NDArray[np.bool_] = np.zeros(1024, dtype=bool)
        self.last = 0  # the highest iteration whose cost is known (0: none)

    def __setitem__(self, iteration: int, cost: float) -> None:
        self.put(iteration, [cost])

    def put(self, first: int, costs: list[float]) -> None:
        """C_first, C_first+1, … are ``costs``."""
        if not costs:
            return
        end = first + len(costs)
        if end > len(self._values):
            size = max(2 * len(self._values), end)
            grown = np.full(size, np.nan)
            grown[: self._values.size] = self._values
            known = np.zeros(size, dtype=bool)
            known[: self._known.size] = self._known
            self._values, self._known = grown, known
        self._values[first:end] = costs
        self._known[first:end] = True
        self.last = max(self.last, end - 1)

    def __contains__(self, iteration: object) -> bool:
        return isinstance(iteration, int) and 0 < iteration <= self.last and bool(self._known[iteration])

    def __getitem__(self, iteration: int) -> float:
        if iteration not in self:
            raise KeyError(iteration)
        return float(self._values[iteration])

    @property
    def nbytes(self) -> int:
        return int(self._values.nbytes + self._known.nbytes)

    def __len__(self) -> int:
        return int(self._known[: self.last + 1].sum())

    def get(self, iteration: int, default: float | None = None) -> float | None:
        return self[iteration] if iteration in self else default

    def forget_from(self, iteration: int) -> None:
        """Forget the costs of ``iteration`` and later (an edit there changes them)."""
        self._known[iteration:] = False
        self._values[iteration:] = np.nan
        known = np.flatnonzero(self._known[: min(iteration, self.last + 1)])
        self.last = int(known[-1]) if known.size else 0

    def finite(self, until: int) -> Array:
        """The known, finite costs of iterations 1..``until``, iteration 1 first (a view's copy)."""
        stop = min(until, self.last) + 1
        chosen = self._values[1:stop]
        return chosen[self._known[1:stop] & np.isfinite(chosen)]
