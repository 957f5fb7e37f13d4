"""Activation functions and their element-wise derivatives, numerically stable in float64."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _sigmoid(n: Array) -> Array:
    # exp(-log(1 + exp(-n))) never overflows: logaddexp is computed stably for any |n|.
    return np.exp(-np.logaddexp(0.0, -n))


def _softmax(n: Array) -> Array:
    shifted = np.exp(n - n.max(axis=1, keepdims=True))
    out: Array = shifted / shifted.sum(axis=1, keepdims=True)
    return out


LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Piece:
    """A stretch of n where an activation's derivative is one constant: ReLU's n > 0, slope 1."""

    where: str  # "n > 0", "n ≤ 0", "every n"
    slope: float  # f'(n) there
    word: str  # what a neuron there is called: "active", "inactive", "linear"


@dataclass(frozen=True)
class Activation:
    """One activation function: f, its derivative from (n, a), and how it is written."""

    name: str
    forward: Callable[[Array], Array]
    # f'(n) given both n and a = f(n): sigmoid and tanh are cheapest (and conventional) from a.
    derivative: Callable[[Array, Array], Array] | None
    symbol: str
    derivative_formula: str  # in terms of n^l and a^l, with "{l}" for the layer
    output_only: bool = False
    # What the derivative's formula reads, "n" or "a": the step's operands (a ReLU's is n, and
    # at 80x24 its step view showed a^1 while the Why pane worked from n^1; a sigmoid's is a).
    derivative_reads: str = "n"
    # A derivative constant on pieces of n: one piece (every n), or two split at 0 (n ≤ 0, n > 0).
    # Empty for a derivative that varies with n (sigmoid, tanh) or has none of its own (softmax).
    pieces: tuple[Piece, ...] = ()

    def piece(self, n: Array) -> NDArray[np.intp]:
        """Which of ``pieces`` each entry of n lies on (0 for a one-piece derivative)."""
        if len(self.pieces) < 2:
            return np.zeros(n.shape, dtype=np.intp)
        return (n > 0.0).astype(np.intp)


_ACTIVE = Piece("n > 0", 1.0, "active")


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", _sigmoid, lambda n, a: a * (1.0 - a), "σ", "a^{l} ⊙ (1 − a^{l})", False, "a"),
        Activation("tanh", np.tanh, lambda n, a: 1.0 - a * a, "tanh", "1 − a^{l} ⊙ a^{l}", False, "a"),
        Activation(
            "relu",
            lambda n: np.maximum(n, 0.0),
            lambda n, a: (n > 0.0).astype(np.float64),
            "relu",
            "1 where n^{l} > 0, else 0",
            pieces=(Piece("n ≤ 0", 0.0, "inactive"), _ACTIVE),
        ),
        Activation(
            "leaky_relu",
            lambda n: np.where(n > 0.0, n, LEAKY_SLOPE * n),
            lambda n, a: np.where(n > 0.0, 1.0, LEAKY_SLOPE),
            "leaky_relu",
            "1 where n^{l} > 0, else 0.01",
            pieces=(Piece("n ≤ 0", LEAKY_SLOPE, "inactive"), _ACTIVE),
        ),
        Activation(
            "linear",
            lambda n: n.copy(),
            lambda n, a: np.ones_like(n),
            "id",
            "1",
            pieces=(Piece("every n", 1.0, "linear"),),
        ),
        Activation(
            "softmax",
            _softmax,
            None,
            "softmax",
            "Jacobian per observation: diag(a) − aᵀa",
            output_only=True,
        ),
    )
}


def softmax_backward(dc_da: Array, a: Array) -> Array:
    """δ = dC/dn for a softmax layer: each row multiplied by its Jacobian diag(a) − aᵀa."""
    delta: Array = a * (dc_da - np.sum(dc_da * a, axis=1, keepdims=True))
    return delta
