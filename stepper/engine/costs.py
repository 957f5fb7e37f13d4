"""Cost functions over the whole batch, and their gradients dC/da^L."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

# Logs of 0 are avoided by clipping a into [TINY, 1 − TINY] for bce and ce only.
TINY = 1e-15


def _clip(a: Array) -> Array:
    return np.clip(a, TINY, 1.0 - TINY)


@dataclass(frozen=True)
class Cost:
    """A cost C(a, y) summed (or averaged, for mse) over the batch, with dC/da."""

    name: str
    value: Callable[[Array, Array], float]
    gradient: Callable[[Array, Array], Array]
    formula: str  # C = ..., with "{L}" for the output layer
    gradient_formula: str
    description: str


COSTS: dict[str, Cost] = {
    c.name: c
    for c in (
        Cost(
            "sse",
            lambda a, y: float(((a - y) ** 2).sum()),
            lambda a, y: 2.0 * (a - y),
            "C = Σ (a^{L} − y)²",
            "dC/da^{L} = 2(a^{L} − y)",
            "sum of squared errors over every observation and output",
        ),
        Cost(
            "half_sse",
            lambda a, y: 0.5 * float(((a - y) ** 2).sum()),
            lambda a, y: a - y,
            "C = ½ Σ (a^{L} − y)²",
            "dC/da^{L} = a^{L} − y",
            "half the sum of squared errors",
        ),
        Cost(
            "mse",
            lambda a, y: float(np.mean((a - y) ** 2)),
            lambda a, y: 2.0 * (a - y) / a.size,
            "C = mean of (a^{L} − y)² over all entries",
            "dC/da^{L} = 2(a^{L} − y) / N",
            "mean squared error over every entry",
        ),
        Cost(
            "bce",
            lambda a, y: float(-np.sum(y * np.log(_clip(a)) + (1.0 - y) * np.log(_clip(1.0 - a)))),
            lambda a, y: (_clip(a) - y) / (_clip(a) * (1.0 - _clip(a))),
            "C = −Σ [y ln a^{L} + (1 − y) ln(1 − a^{L})]",
            "dC/da^{L} = (a^{L} − y) / (a^{L} (1 − a^{L}))",
            "binary cross-entropy, summed over every entry",
        ),
        Cost(
            "ce",
            lambda a, y: float(-np.sum(y * np.log(_clip(a)))),
            lambda a, y: -y / _clip(a),
            "C = −Σ y ln a^{L}",
            "dC/da^{L} = −y / a^{L}",
            "cross-entropy, for a softmax output",
        ),
    )
}
