"""Mini-batches (docs/network-files.md, [training]): which observations each iteration updates on.

``rng = numpy.random.default_rng(seed)`` is made once; each epoch takes ``rng.permutation(N)``
(without shuffle: 0..N−1) and cuts it into consecutive batches of batch_size, the last one of an
epoch possibly smaller. An iteration's batch is a pure function of the settings and the iteration
number, so stepping back lands on the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Indices = NDArray[np.intp]


@dataclass(frozen=True)
class TrainingSpec:
    """The [training] table. ``batch_size`` 0 means all observations; ``shuffle`` None: the default
    (true when batch_size < the number of observations)."""

    batch_size: int = 0
    shuffle: bool | None = None
    seed: int = 0

    def size(self, observations: int) -> int:
        """Observations per batch (the last batch of an epoch may have fewer)."""
        return observations if self.batch_size <= 0 else min(self.batch_size, observations)

    def shuffles(self, observations: int) -> bool:
        if self.shuffle is None:
            return 0 < self.batch_size < observations
        return self.shuffle

    def full_batch(self, observations: int) -> bool:
        """Every iteration uses all observations in their own order: the seed's gradient descent."""
        return self.size(observations) == observations and not self.shuffles(observations)

    def batches_per_epoch(self, observations: int) -> int:
        return -(-observations // self.size(observations))

    def settings(self, observations: int) -> dict[str, object]:
        return {
            "batch_size": self.size(observations),
            "shuffle": self.shuffles(observations),
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Batch:
    epoch: int  # 1-based
    number: int  # 1-based within the epoch
    indices: Indices  # observation indices, in order

    def label(self, observations: int) -> str:
        """Which observations, briefly: "all", "0–15" or "3, 0"."""
        idx = self.indices.tolist()
        if len(idx) == observations and idx == list(range(observations)):
            return "all"
        if len(idx) > 2 and idx == list(range(idx[0], idx[0] + len(idx))):
            return f"{idx[0]}–{idx[-1]}"
        if len(idx) <= 4:
            return ", ".join(map(str, idx))
        return f"{', '.join(map(str, idx[:3]))}, … ({len(idx)})"


class Schedule:
    """The batches of a run, iteration by iteration, remembered so any iteration is found again.

    Each epoch's order is kept (N indices per epoch reached), so the rng is drawn exactly once per
    epoch, in order, whatever order iterations are asked for in.
    """

    def __init__(self, spec: TrainingSpec, observations: int) -> None:
        self.spec = spec
        self.observations = observations
        self.size = spec.size(observations)
        self.per_epoch = spec.batches_per_epoch(observations)
        self.shuffle = spec.shuffles(observations)
        self._rng = np.random.default_rng(spec.seed)
        self._orders: list[Indices] = []
        self._plain = np.arange(observations)

    def order(self, epoch: int) -> Indices:
        """The observations of ``epoch`` (1-based) in the order they are cut into batches."""
        if not self.shuffle:
            return self._plain
        while len(self._orders) < epoch:
            self._orders.append(self._rng.permutation(self.observations))
        return self._orders[epoch - 1]

    def batch(self, iteration: int) -> Batch:
        epoch, k = divmod(iteration - 1, self.per_epoch)
        start = k * self.size
        return Batch(epoch + 1, k + 1, self.order(epoch + 1)[start : start + self.size])

    def ends_epoch(self, iteration: int) -> bool:
        return iteration % self.per_epoch == 0
