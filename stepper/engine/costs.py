"""Cost functions over the whole batch, and their gradients dC/da^L.

bce and ce need outputs in (0, 1), so they fit only a sigmoid or softmax output layer
(docs/network-files.md). With those the cost is computed from n^L through ln a^L and ln(1 − a^L)
written in n^L (softplus, log-sum-exp): never clipped, and finite wherever n^L is, even when a^L
rounds to 0 or 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

# Output activations whose values lie in (0, 1): the ones bce and ce fit.
PROBABILITY_OUTPUTS = ("sigmoid", "softmax")


def log_a(activation: str, n: Array) -> Array:
    """ln a of a sigmoid or softmax output, from its pre-activation n: finite wherever n is."""
    if activation == "sigmoid":
        log_sigmoid: Array = -np.logaddexp(0.0, -n)  # ln σ(n) = −softplus(−n); never overflows
        return log_sigmoid
    top = n.max(axis=1, keepdims=True)
    log_softmax: Array = n - (top + np.log(np.exp(n - top).sum(axis=1, keepdims=True)))  # n − logsumexp(n)
    return log_softmax


def log_1ma(activation: str, n: Array) -> Array:
    """ln(1 − a) of a sigmoid or softmax output, from its pre-activation n."""
    if activation == "sigmoid":
        log_1m_sigmoid: Array = -np.logaddexp(0.0, n)  # ln(1 − σ(n)) = −softplus(n)
        return log_1m_sigmoid
    # 1 − a_j = Σ_{k≠j} e^{n_k} / Σ_k e^{n_k}. Off the row's largest entry the sum without j still
    # holds the largest term (≥ 1 after the shift), so subtracting loses nothing; at the largest
    # entry it is the log-sum-exp of the others, computed on its own.
    rows = np.arange(n.shape[0])
    top_j = n.argmax(axis=1)
    top = n[rows, top_j][:, None]
    e = np.exp(n - top)
    total = e.sum(axis=1, keepdims=True)
    log_total = np.log(total)
    # ln Σ_{k≠top} e^{n_k}: the others' log-sum-exp, shifted by their own largest entry.
    masked = n.copy()
    masked[rows, top_j] = -np.inf
    top2 = masked.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):  # ln 0 at the largest entry is replaced
        out: Array = np.log(total - e) - log_total
        lse_others = top2 + np.log(np.exp(masked - top2).sum(axis=1, keepdims=True))
    # A single output has no others: a = 1 and ln(1 − a) = −inf.
    out[rows, top_j] = np.where(np.isfinite(top2), lse_others - top - log_total, -np.inf)[:, 0]
    return out


def _times(c: Array, log: Array) -> Array:
    """c · ln(...) with 0 · (−inf) = 0: a target of 0 or 1 takes no part in its term."""
    return np.multiply(c, log, out=np.zeros(np.broadcast_shapes(c.shape, log.shape)), where=c != 0)


def _bce(activation: str, n: Array, y: Array) -> float:
    return float(-np.sum(_times(y, log_a(activation, n)) + _times(1.0 - y, log_1ma(activation, n))))


def _ce(activation: str, n: Array, y: Array) -> float:
    return float(-np.sum(_times(y, log_a(activation, n))))


@dataclass(frozen=True)
class Cost:
    """A cost C(a, y) summed (or averaged, for mse) over the batch, with dC/da."""

    name: str
    value: Callable[[Array, Array], float]
    gradient: Callable[[Array, Array], Array]
    formula: str  # C = ..., with "{L}" for the output layer
    gradient_formula: str
    description: str
    # For bce and ce: C(output activation, n^L, y) through ln a and ln(1 − a) written in n^L.
    from_n: Callable[[str, Array, Array], float] | None = None

    @property
    def fits(self) -> tuple[str, ...] | None:
        """The output activations this cost accepts (None: any)."""
        return PROBABILITY_OUTPUTS if self.from_n is not None else None


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
            lambda a, y: float(-np.sum(_times(y, np.log(a)) + _times(1.0 - y, np.log1p(-a)))),
            # Not clipped: where a^L rounds to 0 or 1 this is inf or nan, and δ^L is computed
            # without it (see output_delta).
            lambda a, y: (a - y) / (a * (1.0 - a)),
            "C = −Σ [y ln a^{L} + (1 − y) ln(1 − a^{L})]",
            "dC/da^{L} = (a^{L} − y) / (a^{L} (1 − a^{L}))",
            "binary cross-entropy, summed over every entry",
            from_n=_bce,
        ),
        Cost(
            "ce",
            lambda a, y: float(-np.sum(_times(y, np.log(a)))),
            lambda a, y: -y / a,
            "C = −Σ y ln a^{L}",
            "dC/da^{L} = −y / a^{L}",
            "cross-entropy, for a softmax output",
            from_n=_ce,
        ),
    )
}


def cost_value(cost: Cost, activation: str, n: Array, a: Array, y: Array) -> float:
    """C for output pre-activation n = n^L and output a = a^L: the stable form where there is one."""
    if cost.from_n is not None and activation in PROBABILITY_OUTPUTS:
        return cost.from_n(activation, n, y)
    return cost.value(a, y)


# δ^L = dC/dn^L written out where the output's derivative cancels the cost's: (cost, activation)
# → the formula, with {l} for the output layer.
FUSED_DELTA = {
    ("bce", "sigmoid"): "a^{l} − y",
    ("ce", "softmax"): "a^{l} − y",
    ("ce", "sigmoid"): "y ⊙ (a^{l} − 1)",
}


def output_delta(cost: Cost, activation: str, a: Array, y: Array) -> Array | None:
    """δ^L = dC/dn^L written directly where the factors cancel, else None (multiply the factors).

    sigmoid + bce and softmax + ce: a − y exactly (docs/network-files.md); sigmoid + ce: −y·(1 − a). These
    equal dC/da ⊙ da/dn wherever both factors are finite, and stay finite where a rounds to 0 or 1.
    """
    formula = FUSED_DELTA.get((cost.name, activation))
    if formula is None:
        return None
    return a - y if formula == "a^{l} − y" else y * (a - 1.0)
