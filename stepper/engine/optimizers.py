"""The optimizers (docs/network-files.md): how a gradient becomes a weight update, and the state they carry.

The formulas are PyTorch's (torch.optim.SGD, SGD with momentum, RMSprop, Adam, AdamW with default
flags), with one difference made on purpose: weight decay never touches the bias row.
Every term an update uses is returned as its own per-layer matrix, so the walk can show each as a
step and the trace can print it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from stepper.engine.quantities import Q, Quantity

Array = NDArray[np.float64]

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adamw")

# The hyper-parameters each optimizer reads (weight_decay: all of them).
HYPER_KEYS: dict[str, tuple[str, ...]] = {
    "sgd": ("weight_decay",),
    "momentum": ("momentum", "weight_decay"),
    "rmsprop": ("alpha", "eps", "weight_decay"),
    "adam": ("beta1", "beta2", "eps", "weight_decay"),
    "adamw": ("beta1", "beta2", "eps", "weight_decay"),
}
ALL_HYPER_KEYS = ("momentum", "alpha", "beta1", "beta2", "eps", "weight_decay")

# The state each optimizer carries from one iteration to the next, in the trace JSON's names, in
# the order an update computes them. m_hat and v_hat are not carried (they are recomputed from m
# and v) but the trace reports them as part of the state after the update.
STATE_NAMES: dict[str, tuple[Quantity, ...]] = {
    "sgd": (),
    "momentum": (Q.V,),
    "rmsprop": (Q.S,),
    "adam": (Q.M, Q.V, Q.M_HAT, Q.V_HAT),
    "adamw": (Q.M, Q.V, Q.M_HAT, Q.V_HAT),
}
CARRIED: dict[str, tuple[Quantity, ...]] = {
    "sgd": (),
    "momentum": (Q.V,),
    "rmsprop": (Q.S,),
    "adam": (Q.M, Q.V),
    "adamw": (Q.M, Q.V),
}


@dataclass(frozen=True)
class OptimizerSpec:
    """The [optimizer] table, resolved: defaults filled in (weight_decay 0, for adamw too)."""

    name: str = "sgd"
    momentum: float = 0.9
    alpha: float = 0.99
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0

    @property
    def decoupled(self) -> bool:
        """AdamW's decay acts on the weights directly, not through the gradient."""
        return self.name == "adamw"

    @property
    def decays(self) -> bool:
        return self.weight_decay != 0.0

    def settings(self) -> dict[str, object]:
        """The name and the hyper-parameters this optimizer uses, as the JSON's network settings."""
        out: dict[str, object] = {"name": self.name}
        for key in HYPER_KEYS[self.name]:
            out[key] = getattr(self, key)
        return out

    def label(self) -> str:
        """A short line for headers: "adam β1=0.9 β2=0.999 ε=1e-08"."""
        names = {"momentum": "μ", "alpha": "α", "beta1": "β1", "beta2": "β2", "eps": "ε", "weight_decay": "λ"}
        parts = [self.name]
        for key in HYPER_KEYS[self.name]:
            if key == "weight_decay" and not self.decays:
                continue
            parts.append(f"{names[key]}={getattr(self, key):g}")
        return " ".join(parts)


@dataclass(frozen=True)
class OptimizerState:
    """What an optimizer carries between iterations: t updates done so far, and its matrices."""

    t: int = 0
    state: dict[Quantity, tuple[Array, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class UpdateTerms:
    """Every term of one update, per layer: ``terms[name][l]``; and the state it leaves."""

    weights_after: tuple[Array, ...]
    terms: dict[Quantity, list[Array]]
    after: OptimizerState


def _without_bias(w: Array) -> Array:
    """W with its bias row (row 0) set to zero: what weight decay acts on."""
    out = w.copy()
    out[0] = 0.0
    return out


# Classic mistakes `compare` can recognise by recomputing an update with one of them made:
# a bias correction left out or multiplied in, decay on the bias row too, L2 and decoupled decay
# swapped. "" is the correct update.
MISTAKES = ("", "no_correction", "multiplied_correction", "decay_bias", "swapped_decay")


def update(
    spec: OptimizerSpec,
    lr: float,
    weights: tuple[Array, ...],
    grad: list[Array],
    before: OptimizerState,
    mistake: str = "",
) -> UpdateTerms:
    """One update of every weight matrix by ``spec``'s formulas (docs/network-files.md).

    Terms, by name: ``g`` the gradient with L2 decay added (when there is L2 decay), ``decay`` the
    decoupled decay η·λ·W (adamw with decay), the state matrices, ``change`` ΔW, ``weights_after``.
    ``mistake`` (one of MISTAKES) makes a classic mistake on purpose, for `compare`'s hints.
    """
    name = spec.name
    t = before.t + 1
    lam = spec.weight_decay
    terms: dict[Quantity, list[Array]] = {}
    decoupled = spec.decoupled != (mistake == "swapped_decay")
    decayed = (lambda w: w) if mistake == "decay_bias" else _without_bias
    if lam != 0.0 and not decoupled:
        g = [dw + lam * decayed(w) for w, dw in zip(weights, grad)]
        terms[Q.G] = g
    else:
        g = list(grad)
    state: dict[Quantity, tuple[Array, ...]] = {}
    if name == "sgd":
        change = [-lr * x for x in g]
    elif name == "momentum":
        prev = before.state.get(Q.V)
        mu = spec.momentum
        v = [x.copy() if prev is None else mu * p + x for p, x in zip(prev or g, g)]
        terms[Q.V] = v
        state[Q.V] = tuple(v)
        change = [-lr * x for x in v]
    elif name == "rmsprop":
        prev = before.state.get(Q.S)
        alpha = spec.alpha
        s = [
            (1.0 - alpha) * (x * x) if prev is None else alpha * p + (1.0 - alpha) * (x * x)
            for p, x in zip(prev or g, g)
        ]
        terms[Q.S] = s
        state[Q.S] = tuple(s)
        change = [-lr * x / (np.sqrt(si) + spec.eps) for x, si in zip(g, s)]
    else:  # adam, adamw
        b1, b2 = spec.beta1, spec.beta2
        prev_m, prev_v = before.state.get(Q.M), before.state.get(Q.V)
        m = [
            (1.0 - b1) * x if pm is None else b1 * pm + (1.0 - b1) * x
            for pm, x in zip(prev_m or [None] * len(g), g)
        ]
        v = [
            (1.0 - b2) * (x * x) if pv is None else b2 * pv + (1.0 - b2) * (x * x)
            for pv, x in zip(prev_v or [None] * len(g), g)
        ]
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        if mistake == "no_correction":
            c1 = c2 = 1.0
        elif mistake == "multiplied_correction":
            c1, c2 = 1.0 / c1, 1.0 / c2
        m_hat = [x / c1 for x in m]
        v_hat = [x / c2 for x in v]
        change = [_adam_step(lr, mh, vh, spec.eps) for mh, vh in zip(m_hat, v_hat)]
        terms.update({Q.M: m, Q.V: v, Q.M_HAT: m_hat, Q.V_HAT: v_hat})
        state.update({Q.M: tuple(m), Q.V: tuple(v)})
    if lam != 0.0 and decoupled:  # adamw: decoupled decay, on the weights before this update
        decay = [(lr * lam) * decayed(w) for w in weights]
        terms[Q.DECAY] = decay
        change = [c - d for c, d in zip(change, decay)]
    after = [w + c for w, c in zip(weights, change)]
    terms[Q.CHANGE] = change
    return UpdateTerms(tuple(after), terms, OptimizerState(t, state))


def _adam_step(lr: float, m_hat: Array, v_hat: Array, eps: float) -> Array:
    """−η·m̂/(√v̂ + ε), in place where it can be: `stepper train` runs this on every matrix."""
    out = np.sqrt(v_hat)
    out += eps
    np.divide(m_hat, out, out=out)
    out *= -lr
    return out


def switch_optimizer(current: OptimizerSpec, name: str) -> OptimizerSpec:
    """Optimizer ``name`` with ``current``'s hyper-parameters where it uses them (defaults else)."""
    return OptimizerSpec(name=name, **{key: getattr(current, key) for key in HYPER_KEYS[name]})


def bias_corrections(spec: OptimizerSpec, t: int) -> tuple[float, float]:
    """1 − β1^t and 1 − β2^t: what adam divides m and v by at update t."""
    return 1.0 - spec.beta1**t, 1.0 - spec.beta2**t


def check_hyper(key: str, value: float) -> str | None:
    """Why ``value`` is out of range for ``key``, or None when it is fine."""
    if not math.isfinite(value):
        return f"expected a finite number, got {value}"
    if key in ("beta1", "beta2", "momentum", "alpha") and not 0.0 <= value < 1.0:
        return f"expected a number in [0, 1), got {value:g}"
    if key == "eps" and value <= 0.0:
        return f"expected a positive number, got {value:g}"
    if key == "weight_decay" and value < 0.0:
        return f"expected a number >= 0, got {value:g}"
    return None
