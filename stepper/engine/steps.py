"""The steps of one iteration (spec section 2), described as data.

A :class:`Step` says what is computed, from what, by which formula, and why; its numbers come from
an :class:`~stepper.engine.iteration.IterationValues`. Everything that shows or exports a step reads
these descriptions rather than re-deriving them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from stepper.engine.costs import FUSED_DELTA
from stepper.engine.network import Network


class Phase(StrEnum):
    FORWARD = "forward"
    COST = "cost"
    BACKWARD = "backward"
    UPDATE = "update"


@dataclass(frozen=True)
class Ref:
    """A quantity of the trace JSON at one layer index: ("a", 2) is a^2, ("weights", 1) is W^1."""

    quantity: str
    layer: int

    @property
    def symbol(self) -> str:
        return symbol(self.quantity, self.layer)


# Quantities shaped like a weight matrix: a bias row, then one row per neuron of the layer before.
WEIGHT_SHAPED = frozenset({"weights", "weights_after", "grad", "change"})

# Quantities in the order an iteration first produces them, as trace JSON names them.
QUANTITIES = ("n", "a", "cost", "dC_da", "da_dn", "delta", "grad", "weights_after")

_SYMBOLS = {
    "n": "n^{l}",
    "a": "a^{l}",
    "cost": "C",
    "dC_da": "dC/da^{l}",
    "da_dn": "da^{l}/dn^{l}",
    "delta": "δ^{l}",
    "grad": "dC/dW^{l}",
    "weights": "W^{l}",
    "weights_after": "W^{l}",
    "change": "ΔW^{l}",
    "targets": "y",
}

# The textbook names the help screen shows beside the spec's.
TEXTBOOK = {
    "n": "z^{l} (pre-activation)",
    "a": "a^{l} (activation)",
    "dC_da": "∂C/∂a^{l}",
    "da_dn": "σ'(z^{l})",
    "delta": "δ^{l} (error term)",
    "grad": "∇W^{l}, ∂C/∂W^{l}",
}


def symbol(quantity: str, layer: int) -> str:
    return _SYMBOLS[quantity].replace("{l}", str(layer))


@dataclass(frozen=True)
class Step:
    """One step: it produces ``output`` from ``inputs`` by ``formula``."""

    index: int  # 0-based position in the iteration
    phase: Phase
    layer: int  # the layer being processed (for dC/dW^{l-1} and updates: the weight index)
    output: Ref
    inputs: tuple[Ref, ...]
    formula: str
    shapes: str  # e.g. "(2×4)·(4×3) → (2×3)"
    title: str  # a short name: "pre-activation n^2"
    why: str  # which chain-rule factor this is, and why it is needed

    @property
    def number(self) -> int:
        """1-based, as the screen says it: step 3 of 22."""
        return self.index + 1


def _shape(rows: int, cols: int) -> str:
    return f"({rows}×{cols})"


def _delta_why(net: Network, l: int) -> str:
    why = f"δ^{l} = dC/dn^{l}: the two factors multiplied entry by entry (chain rule)."
    fused = FUSED_DELTA.get((net.cost, net.activation(l).name)) if l == net.depth else None
    if fused is None:
        return why
    # The numbers shown then need not be the product of the factors shown: say why.
    return (
        f"δ^{l} = dC/dn^{l}. For {net.activation(l).name} + {net.cost} it is computed directly as "
        f"δ^{l} = {fused.replace('{l}', str(l))} (the two factors cancel), so it stays exact where a^{l} "
        "rounds to 0 or 1 and the factors shown are inf, nan or 0."
    )


def build_steps(net: Network) -> tuple[Step, ...]:
    """The step sequence of one iteration: 2L forward, 1 cost, 4L backward, L updates."""
    L = net.depth
    m = net.observations
    size = net.layers
    steps: list[Step] = []

    def add(**kw: object) -> None:
        steps.append(Step(index=len(steps), **kw))  # type: ignore[arg-type]

    for l in range(1, L + 1):
        act = net.activation(l)
        add(
            phase=Phase.FORWARD,
            layer=l,
            output=Ref("n", l),
            inputs=(Ref("a", l - 1), Ref("weights", l - 1)),
            formula=f"n^{l} = [1 | a^{l - 1}] · W^{l - 1}",
            shapes=f"{_shape(m, size[l - 1] + 1)}·{_shape(size[l - 1] + 1, size[l])} → {_shape(m, size[l])}",
            title=f"pre-activation n^{l}",
            why=(
                f"Each neuron j of layer {l} sums its inputs weighted by column j of W^{l - 1}; "
                "the column of ones picks up the bias row b."
            ),
        )
        add(
            phase=Phase.FORWARD,
            layer=l,
            output=Ref("a", l),
            inputs=(Ref("n", l),),
            formula=f"a^{l} = {act.name}(n^{l})",
            shapes=f"{_shape(m, size[l])} → {_shape(m, size[l])}",
            title=f"activation a^{l}",
            why=(
                f"The activation {act.name} is applied to every entry of n^{l}"
                + (", row by row." if act.name == "softmax" else " on its own.")
            ),
        )
    cost = net.cost_fn
    add(
        phase=Phase.COST,
        layer=L,
        output=Ref("cost", L),
        inputs=(Ref("a", L), Ref("targets", L)),
        formula=cost.formula.replace("{L}", str(L)),
        shapes=f"{_shape(m, size[L])}, {_shape(m, size[L])} → scalar",
        title="cost C",
        why=f"One number for the whole batch: the {cost.description}.",
    )
    for l in range(L, 0, -1):
        act = net.activation(l)
        if l == L:
            add(
                phase=Phase.BACKWARD,
                layer=l,
                output=Ref("dC_da", l),
                inputs=(Ref("a", l), Ref("targets", l)),
                formula=cost.gradient_formula.replace("{L}", str(l)),
                shapes=f"{_shape(m, size[l])} → {_shape(m, size[l])}",
                title=f"cost gradient dC/da^{l}",
                why=(
                    "The first chain-rule factor: how the cost changes with each output. Only "
                    "output j of observation o appears in its own term of C."
                ),
            )
        else:
            add(
                phase=Phase.BACKWARD,
                layer=l,
                output=Ref("dC_da", l),
                inputs=(Ref("delta", l + 1), Ref("weights", l)),
                formula=f"dC/da^{l} = δ^{l + 1} · (W^{l} without bias row)ᵀ",
                shapes=(f"{_shape(m, size[l + 1])}·{_shape(size[l + 1], size[l])} → {_shape(m, size[l])}"),
                title=f"back-propagated dC/da^{l}",
                why=(
                    f"Neuron i of layer {l} feeds every neuron of layer {l + 1} through row i of "
                    f"W^{l}: its share of the blame is the sum of δ^{l + 1} weighted by that row."
                ),
            )
        if act.derivative is None:
            add(
                phase=Phase.BACKWARD,
                layer=l,
                output=Ref("da_dn", l),
                inputs=(Ref("a", l),),
                formula=f"da^{l}/dn^{l}: Jacobian diag(a) − aᵀa per observation",
                shapes=f"{size[l]}×{size[l]} per observation (not stored)",
                title=f"softmax Jacobian of layer {l}",
                why=(
                    "Each softmax output depends on every n of its row, so da/dn is a Jacobian, "
                    "not an element-wise factor; the next step multiplies by it."
                ),
            )
            delta_formula = f"δ^{l} = dC/da^{l} · (diag(a^{l}) − a^{l}ᵀa^{l}), row by row"
        else:
            add(
                phase=Phase.BACKWARD,
                layer=l,
                output=Ref("da_dn", l),
                inputs=(Ref("n", l), Ref("a", l)),
                formula=f"da^{l}/dn^{l} = " + act.derivative_formula.replace("{l}", str(l)),
                shapes=f"{_shape(m, size[l])} → {_shape(m, size[l])}",
                title=f"activation derivative da^{l}/dn^{l}",
                why=f"The second factor: how much {act.name} passes on a change of n^{l}.",
            )
            delta_formula = f"δ^{l} = dC/da^{l} ⊙ da^{l}/dn^{l}"
        add(
            phase=Phase.BACKWARD,
            layer=l,
            output=Ref("delta", l),
            inputs=(Ref("dC_da", l), Ref("da_dn", l)),
            formula=delta_formula,
            shapes=f"{_shape(m, size[l])} ⊙ {_shape(m, size[l])} → {_shape(m, size[l])}",
            title=f"error term δ^{l}",
            why=_delta_why(net, l),
        )
        add(
            phase=Phase.BACKWARD,
            layer=l - 1,
            output=Ref("grad", l - 1),
            inputs=(Ref("a", l - 1), Ref("delta", l)),
            formula=f"dC/dW^{l - 1} = [1 | a^{l - 1}]ᵀ · δ^{l}",
            shapes=(
                f"{_shape(size[l - 1] + 1, m)}·{_shape(m, size[l])} → {_shape(size[l - 1] + 1, size[l])}"
            ),
            title=f"weight gradient dC/dW^{l - 1}",
            why=(
                f"The last factor dn^{l}/dW^{l - 1} is the previous activation [1 | a^{l - 1}]; the "
                "product sums over observations, so each weight gets the total over the batch."
            ),
        )
    for l in range(L):
        add(
            phase=Phase.UPDATE,
            layer=l,
            output=Ref("weights_after", l),
            inputs=(Ref("weights", l), Ref("grad", l)),
            formula=f"W^{l} ← W^{l} − η · dC/dW^{l}   (η = {net.learning_rate:g})",
            shapes=f"{_shape(size[l] + 1, size[l + 1])} → {_shape(size[l] + 1, size[l + 1])}",
            title=f"update W^{l}",
            why="Gradient descent: every weight moves against its gradient, scaled by η.",
        )
    return tuple(steps)
