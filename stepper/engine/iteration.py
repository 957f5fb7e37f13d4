"""One iteration of gradient descent, computed once, with every intermediate kept.

This is the only place stepper does the maths of an iteration: the step-by-step walk, ``trace``,
``train``, ``compare`` and the TUI all read what :func:`run_iteration` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stepper.engine.activations import softmax_backward
from stepper.engine.batching import Batch
from stepper.engine.costs import cost_value, output_delta
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerState, update
from stepper.engine.quantities import PREVIOUS_STATE, Q, Quantity

Array = NDArray[np.float64]


_NO_STATE = OptimizerState()


@dataclass(slots=True)
class IterationValues:
    """Every quantity of one iteration, indexed by layer as in docs/notation.md (None where undefined).

    n[0], dC_da[0], da_dn[0], delta[0] are None; da_dn[l] is None for a softmax layer.
    Treat it as read-only: the lists are lists only because building tuples costs time.
    grad[l] and weights[l] / weights_after[l] are dC/dW^l, W^l for l = 0..L-1.
    """

    weights: tuple[Array, ...]
    n: list[Array | None]
    a: list[Array]
    cost: float
    dC_da: list[Array | None]
    da_dn: list[Array | None]
    delta: list[Array | None]
    grad: list[Array]
    weights_after: tuple[Array, ...]
    targets: Array  # y of this iteration's batch
    batch: Batch | None = None  # None: all observations in order (full batch)
    # The optimizer's state before and after this update (t counts updates), and every term of the
    # update by name (g, decay, v, s, m, m_hat, v_hat, change); empty for plain sgd.
    state_before: OptimizerState = _NO_STATE
    state_after: OptimizerState = _NO_STATE
    terms: dict[Quantity, list[Array]] | None = None

    @property
    def change(self) -> tuple[Array, ...]:
        """ΔW^l: the optimizer's step, or for plain sgd W^l after − W^l before (−η·dC/dW^l as it
        landed in float64)."""
        if self.terms and Q.CHANGE in self.terms:
            return tuple(self.terms[Q.CHANGE])
        return tuple(after - before for after, before in zip(self.weights_after, self.weights))

    def quantity(self, name: Quantity) -> Sequence[Array | None]:
        """The per-layer matrices of a quantity (n, a, grad, ...) or an update term (v, m_hat,
        change, ...). The cost and the targets are not per layer: ValueError (read them directly)."""
        if self.terms and name in self.terms:
            return self.terms[name]
        if name in PREVIOUS_STATE:  # the state this update started from (zeros before the first)
            prev = self.state_before.state.get(PREVIOUS_STATE[name])
            return prev if prev is not None else [np.zeros_like(w) for w in self.weights]
        match name:
            case Q.N:
                return self.n
            case Q.A:
                return self.a
            case Q.DC_DA:
                return self.dC_da
            case Q.DA_DN:
                return self.da_dn
            case Q.DELTA:
                return self.delta
            case Q.GRAD:
                return self.grad
            case Q.WEIGHTS | Q.WEIGHTS_BEFORE:
                return self.weights
            case Q.WEIGHTS_AFTER:
                return self.weights_after
            case Q.CHANGE:
                return self.change
        # An optimizer term this optimizer does not have, the cost or the targets.
        raise ValueError(f"{name} is not a per-layer quantity of this iteration")

    @property
    def epoch(self) -> int:
        return self.batch.epoch if self.batch is not None else 0


def computed(per_layer: list[Array | None]) -> list[Array]:
    """A per-layer list whose layers 1..L all hold a matrix (n, dC_da or delta of an iteration that
    ran to its end, on a network without a softmax layer for da_dn), typed as such; index 0 is an
    empty matrix, as layer 0 has none. A missing layer is a bug of the caller: ValueError."""
    out = [np.empty((0, 0))]
    for layer, matrix in enumerate(per_layer[1:], start=1):
        if matrix is None:
            raise ValueError(f"layer {layer} was not computed")
        out.append(matrix)
    return out


def forward(net: Network, weights: tuple[Array, ...] | list[Array]) -> tuple[list[Array], list[Array]]:
    """n^1..n^L (with n[0] absent) and a^0..a^L for the given weights."""
    a = [net.inputs]
    n: list[Array] = []
    for act, w in zip(net.layer_activations, weights):
        # [1 | a] · W written as a · W[1:] + W[0]: the same sum without building [1 | a].
        z = a[-1] @ w[1:] + w[0]
        n.append(z)
        a.append(act.forward(z))
    return n, a


def run_iteration(
    net: Network,
    weights: tuple[Array, ...],
    state: OptimizerState = _NO_STATE,
    batch: Batch | None = None,
) -> IterationValues:
    """Forward pass, cost, backward pass and update on ``batch`` (None: every observation), from
    the optimizer state ``state``, in the order of docs/notation.md.

    Written lean on purpose: `stepper train` runs this every iteration, and on tiny networks the
    Python around the numpy calls is most of the time.
    """
    depth = net.depth
    acts = net.layer_activations
    pre: list[Array] = []  # n^1..n^L (n[0] does not exist: the list kept is [None, *pre])
    if batch is None:
        inputs, targets = net.inputs, net.targets
    else:
        inputs, targets = net.inputs[batch.indices], net.targets[batch.indices]
    a = [inputs]
    for act, w in zip(acts, weights):
        # [1 | a] · W written as a · W[1:] + W[0]: the same sum without building [1 | a].
        z = a[-1] @ w[1:] + w[0]
        pre.append(z)
        a.append(act.forward(z))
    cost_fn = net.cost_fn
    out = a[depth]
    out_name = acts[-1].name
    cost = cost_value(cost_fn, out_name, pre[-1], out, targets)

    dC_da: list[Array | None] = [None] * (depth + 1)
    da_dn: list[Array | None] = [None] * (depth + 1)
    delta: list[Array | None] = [None] * (depth + 1)
    grad: list[Array] = []  # dC/dW^{L-1} down to dC/dW^0, reversed below
    g = cost_fn.gradient(out, targets)
    fused = output_delta(cost_fn, out_name, out, targets)
    for layer in range(depth, 0, -1):
        dC_da[layer] = g
        act = acts[layer - 1]
        if act.derivative is None:  # softmax: a Jacobian per observation, no element-wise f'
            d = softmax_backward(g, a[layer]) if fused is None else fused
        else:
            f_prime = act.derivative(pre[layer - 1], a[layer])
            da_dn[layer] = f_prime
            # The output layer's δ is written directly where its factors cancel: it stays exact
            # (and finite) where dC/da or da/dn is not.
            d = g * f_prime if fused is None else fused
        fused = None
        delta[layer] = d
        w = weights[layer - 1]
        dw = np.empty_like(w)
        dw[0] = d.sum(axis=0)  # the bias row: [1 | a]^T · δ with the column of ones
        np.matmul(a[layer - 1].T, d, out=dw[1:])
        grad.append(dw)
        if layer > 1:
            g = d @ w[1:].T
    grad.reverse()

    lr = net.learning_rate
    opt = net.optimizer
    terms: dict[Quantity, list[Array]] | None = None
    if opt.name == "sgd" and not opt.decays:  # the seed's update, with no terms to keep
        after = tuple([w - lr * dw for w, dw in zip(weights, grad)])
        state_after = OptimizerState(state.t + 1)
    else:
        done = update(opt, lr, tuple(weights), grad, state)
        after, state_after, terms = done.weights_after, done.after, done.terms
    return IterationValues(
        weights=tuple(weights),
        n=[None, *pre],
        a=a,
        cost=cost,
        dC_da=dC_da,
        da_dn=da_dn,
        delta=delta,
        grad=grad,
        weights_after=after,
        targets=targets,
        batch=batch,
        state_before=state,
        state_after=state_after,
        terms=terms,
    )
