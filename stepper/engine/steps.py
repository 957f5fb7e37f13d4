"""The steps of one iteration (docs/notation.md), described as data.

A :class:`Step` says what is computed, from what, by which formula, and why; its numbers come from
an :class:`~stepper.engine.iteration.IterationValues`. Everything that shows or exports a step reads
these descriptions rather than re-deriving them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from stepper.engine.costs import FUSED_DELTA
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerSpec
from stepper.engine.quantities import Q, Quantity, symbol


class Phase(StrEnum):
    FORWARD = "forward"
    COST = "cost"
    BACKWARD = "backward"
    UPDATE = "update"


@dataclass(frozen=True)
class Ref:
    """A quantity at one layer index: Ref(Q.A, 2) is a^2, Ref(Q.WEIGHTS, 1) is W^1."""

    quantity: Quantity
    layer: int

    @property
    def symbol(self) -> str:
        return symbol(self.quantity, self.layer)


# stepper's names beside the textbook's, and what each means: the help screen's notation table
# (and docs/notation.md's). Formulas are in backticks, as the help screen's Markdown shows them.
NOTATION = (
    ("`_o a^l_j`", "a", "row o (observation), column j (neuron) of layer l's activations"),
    ("`n^l`", "z^l", "pre-activation: `n^l = [1 | a^(l-1)] · W^(l-1)`"),
    ("`a^l = f(n^l)`", "a^l = σ(z^l)", "activation"),
    (
        "`W^l`",
        "W, b",
        "weights from layer l to l+1; **row 0 (b) is the bias row**, then `w^l_{i,j}` from neuron i to "
        "neuron j",
    ),
    ("`dC/da^l`", "∂C/∂a", "how the cost changes with each activation"),
    ("`da^l/dn^l`", "σ'(z)", "the activation's derivative, element-wise"),
    ("`δ^l = dC/dn^l`", "δ", "error term: `dC/da^l ⊙ da^l/dn^l`"),
    ("`dC/dW^l`", "∇W, ∂C/∂W", "`[1 | a^l]ᵀ · δ^(l+1)`: summed over the batch"),
    ("`η`", "learning rate", "`W ← W − η · dC/dW`"),
)


@dataclass(frozen=True)
class Source:
    """What one slice of a step's result is computed from: column j of the result (or row j) is
    computed from ``axis`` j + ``offset`` of ``ref`` and from nothing else that differs between
    columns. Index -1 with ``ones`` is the column of ones of [1 | a].

    So if the sources of columns j and k are equal, the result's columns j and k are equal: this is
    how the symmetry narration (engine/symmetry.py) traces equal columns back to their cause.
    """

    ref: Ref
    axis: str  # "columns" | "rows"
    offset: int = 0
    ones: bool = False


@dataclass(frozen=True)
class Step:
    """One step: it produces ``output`` from ``inputs`` by ``formula``.

    ``columns_from`` / ``rows_from`` say which slices of which inputs each column / row of the
    result comes from; None means "entry by entry": column j of the result comes from column j of
    every input (true of every element-wise step, the update steps included).
    """

    index: int  # 0-based position in the iteration
    phase: Phase
    layer: int  # the layer being processed (for dC/dW^{l-1} and updates: the weight index)
    output: Ref
    inputs: tuple[Ref, ...]
    formula: str
    shapes: str  # e.g. "(2×4)·(4×3) → (2×3)"
    title: str  # a short name: "pre-activation n^2"
    why: str  # which chain-rule factor this is, and why it is needed
    columns_from: tuple[Source, ...] | None = None
    rows_from: tuple[Source, ...] | None = None

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


def _delta_sources(net: Network, l: int) -> tuple[Source, ...] | None:
    """What column j of δ^l is computed from, where it is not "dC/da^l and da^l/dn^l, entry by entry"."""
    if l == net.depth and (net.cost, net.activation(l).name) in FUSED_DELTA:
        return (Source(Ref(Q.A, l), "columns"), Source(Ref(Q.TARGETS, l), "columns"))  # a − y, directly
    if net.activation(l).derivative is None:
        # A softmax Jacobian is not stored: its columns follow those of a^l.
        return (Source(Ref(Q.DC_DA, l), "columns"), Source(Ref(Q.A, l), "columns"))
    return None


def build_steps(net: Network, observations: int | None = None) -> tuple[Step, ...]:
    """The step sequence of one iteration: 2L forward, 1 cost, 4L backward, then the update steps
    of each weight matrix (one for plain sgd; more for decay and an optimizer's state).

    ``observations``: rows in this iteration's batch (default: the network's batch size)."""
    L = net.depth
    m = observations if observations is not None else net.batch_size
    size = net.layers
    steps: list[Step] = []

    def add(
        phase: Phase,
        layer: int,
        output: Ref,
        inputs: tuple[Ref, ...],
        formula: str,
        shapes: str,
        title: str,
        why: str,
        columns_from: tuple[Source, ...] | None = None,
        rows_from: tuple[Source, ...] | None = None,
    ) -> None:
        # The fields spelt out rather than **kw, so that mypy checks every step's.
        fields = (phase, layer, output, inputs, formula, shapes, title, why, columns_from, rows_from)
        steps.append(Step(len(steps), *fields))

    for l in range(1, L + 1):
        act = net.activation(l)
        add(
            phase=Phase.FORWARD,
            layer=l,
            output=Ref(Q.N, l),
            inputs=(Ref(Q.A, l - 1), Ref(Q.WEIGHTS, l - 1)),
            formula=f"n^{l} = [1 | a^{l - 1}] · W^{l - 1}",
            shapes=f"{_shape(m, size[l - 1] + 1)}·{_shape(size[l - 1] + 1, size[l])} → {_shape(m, size[l])}",
            title=f"pre-activation n^{l}",
            why=(
                f"Each neuron j of layer {l} sums its inputs weighted by column j of W^{l - 1}; "
                "the column of ones picks up the bias row b."
            ),
            columns_from=(Source(Ref(Q.WEIGHTS, l - 1), "columns"),),
            rows_from=(Source(Ref(Q.A, l - 1), "rows"),),
        )
        add(
            phase=Phase.FORWARD,
            layer=l,
            output=Ref(Q.A, l),
            inputs=(Ref(Q.N, l),),
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
        output=Ref(Q.COST, L),
        inputs=(Ref(Q.A, L), Ref(Q.TARGETS, L)),
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
                output=Ref(Q.DC_DA, l),
                inputs=(Ref(Q.A, l), Ref(Q.TARGETS, l)),
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
                output=Ref(Q.DC_DA, l),
                inputs=(Ref(Q.DELTA, l + 1), Ref(Q.WEIGHTS, l)),
                formula=f"dC/da^{l} = δ^{l + 1} · (W^{l} without bias row)ᵀ",
                shapes=(f"{_shape(m, size[l + 1])}·{_shape(size[l + 1], size[l])} → {_shape(m, size[l])}"),
                title=f"back-propagated dC/da^{l}",
                why=(
                    f"Neuron i of layer {l} feeds every neuron of layer {l + 1} through row i of "
                    f"W^{l}: its share of the blame is the sum of δ^{l + 1} weighted by that row."
                ),
                # Column i of dC/da^l is δ^{l+1} times row i of W^l without its bias row.
                columns_from=(Source(Ref(Q.WEIGHTS, l), "rows", offset=1),),
                rows_from=(Source(Ref(Q.DELTA, l + 1), "rows"),),
            )
        if act.derivative is None:
            add(
                phase=Phase.BACKWARD,
                layer=l,
                output=Ref(Q.DA_DN, l),
                inputs=(Ref(Q.A, l),),
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
                output=Ref(Q.DA_DN, l),
                inputs=(Ref(Q.A if act.derivative_reads == "a" else Q.N, l),),
                formula=f"da^{l}/dn^{l} = " + act.derivative_formula.replace("{l}", str(l)),
                shapes=f"{_shape(m, size[l])} → {_shape(m, size[l])}",
                title=f"activation derivative da^{l}/dn^{l}",
                why=f"The second factor: how much {act.name} passes on a change of n^{l}.",
            )
            delta_formula = f"δ^{l} = dC/da^{l} ⊙ da^{l}/dn^{l}"
        add(
            phase=Phase.BACKWARD,
            layer=l,
            output=Ref(Q.DELTA, l),
            inputs=(Ref(Q.DC_DA, l), Ref(Q.DA_DN, l)),
            formula=delta_formula,
            shapes=f"{_shape(m, size[l])} ⊙ {_shape(m, size[l])} → {_shape(m, size[l])}",
            title=f"error term δ^{l}",
            why=_delta_why(net, l),
            columns_from=_delta_sources(net, l),
        )
        add(
            phase=Phase.BACKWARD,
            layer=l - 1,
            output=Ref(Q.GRAD, l - 1),
            inputs=(Ref(Q.A, l - 1), Ref(Q.DELTA, l)),
            formula=f"dC/dW^{l - 1} = [1 | a^{l - 1}]ᵀ · δ^{l}",
            shapes=(
                f"{_shape(size[l - 1] + 1, m)}·{_shape(m, size[l])} → {_shape(size[l - 1] + 1, size[l])}"
            ),
            title=f"weight gradient dC/dW^{l - 1}",
            why=(
                f"The last factor dn^{l}/dW^{l - 1} is the previous activation [1 | a^{l - 1}]; the "
                "product sums over observations, so each weight gets the total over the batch."
            ),
            columns_from=(Source(Ref(Q.DELTA, l), "columns"),),
            # Row 0 (the bias row) comes from the column of ones, row i + 1 from column i of a^{l-1}.
            rows_from=(Source(Ref(Q.A, l - 1), "columns", offset=-1, ones=True),),
        )
    for l in range(L):
        for kw in update_steps(net.optimizer, net.learning_rate, l, _shape(size[l] + 1, size[l + 1])):
            add(phase=Phase.UPDATE, layer=l, **kw)
    return tuple(steps)


class UpdateStep(TypedDict):
    """What an update step says (its phase and layer are added by build_steps)."""

    output: Ref
    inputs: tuple[Ref, ...]
    formula: str
    shapes: str
    title: str
    why: str


def update_steps(opt: OptimizerSpec, lr: float, l: int, shape: str) -> list[UpdateStep]:
    """The update of W^l as steps: decay, each state update, ΔW, W updated (docs/network-files.md).

    Plain sgd without decay is one step, as in the seed's 22."""
    same = f"{shape} → {shape}"
    two = f"{shape}, {shape} → {shape}"
    out: list[UpdateStep] = []
    W, G = Ref(Q.WEIGHTS, l), Ref(Q.GRAD, l)
    g = G
    g_name = f"dC/dW^{l}"
    if opt.decays and not opt.decoupled:
        out.append(
            UpdateStep(
                output=Ref(Q.G, l),
                inputs=(G, W),
                formula=(
                    f"g^{l} = dC/dW^{l} + λ · W^{l}   (λ = {opt.weight_decay:g}; row 0, the bias: no decay)"
                ),
                shapes=two,
                title=f"decayed gradient g^{l}",
                why=(
                    "L2 weight decay: the penalty ½·λ·Σw² adds λ·W to the gradient before the "
                    f"{opt.name} formula sees it. The bias row is never decayed."
                ),
            )
        )
        g, g_name = Ref(Q.G, l), f"g^{l}"
    after, after_title = Ref(Q.WEIGHTS_AFTER, l), f"update W^{l}"
    if opt.name == "sgd":
        sgd = UpdateStep(
            output=after,
            inputs=(W, g),
            formula=f"W^{l} ← W^{l} − η · {g_name}   (η = {lr:g})",
            shapes=same if g is G else two,
            title=after_title,
            why="Gradient descent: every weight moves against its gradient, scaled by η.",
        )
        return [*out, sgd]
    change = Ref(Q.CHANGE, l)
    if opt.decoupled and opt.decays:
        out.append(
            UpdateStep(
                output=Ref(Q.DECAY, l),
                inputs=(W,),
                formula=f"η·λ·W^{l}   (η = {lr:g}, λ = {opt.weight_decay:g}; row 0, the bias: 0)",
                shapes=same,
                title=f"decoupled decay of W^{l}",
                why=(
                    "AdamW shrinks the weights directly, by η·λ·W of the weights before this "
                    "update, instead of adding λ·W to the gradient (which Adam would rescale)."
                ),
            )
        )
    if opt.name == "momentum":
        out.append(
            UpdateStep(
                output=Ref(Q.V, l),
                inputs=(Ref(Q.V_PREV, l), g),
                formula=f"v^{l} ← μ · v^{l} + {g_name}   (μ = {opt.momentum:g}; v starts at 0)",
                shapes=two,
                title=f"velocity v^{l}",
                why="Momentum: a running sum of past gradients, each older one weighted by another μ.",
            )
        )
        step = f"ΔW^{l} = −η · v^{l}   (η = {lr:g})"
        step_inputs: tuple[Ref, ...] = (Ref(Q.V, l),)
    elif opt.name == "rmsprop":
        out.append(
            UpdateStep(
                output=Ref(Q.S, l),
                inputs=(Ref(Q.S_PREV, l), g),
                formula=f"s^{l} ← α · s^{l} + (1 − α) · ({g_name})²   (α = {opt.alpha:g})",
                shapes=two,
                title=f"mean square s^{l}",
                why="RMSprop: a running average of each weight's squared gradient, its recent size.",
            )
        )
        step = f"ΔW^{l} = −η · {g_name} / (√s^{l} + ε)   (η = {lr:g}, ε = {opt.eps:g})"
        step_inputs = (g, Ref(Q.S, l))
    else:
        b1, b2 = opt.beta1, opt.beta2
        out += [
            UpdateStep(
                output=Ref(Q.M, l),
                inputs=(Ref(Q.M_PREV, l), g),
                formula=f"m^{l} ← β1 · m^{l} + (1 − β1) · {g_name}   (β1 = {b1:g})",
                shapes=two,
                title=f"first moment m^{l}",
                why="Adam's m: a running average of the gradient (its direction). It starts at 0.",
            ),
            UpdateStep(
                output=Ref(Q.V, l),
                inputs=(Ref(Q.V_PREV, l), g),
                formula=f"v^{l} ← β2 · v^{l} + (1 − β2) · ({g_name})²   (β2 = {b2:g})",
                shapes=two,
                title=f"second moment v^{l}",
                why="Adam's v: a running average of the squared gradient (its size). It starts at 0.",
            ),
            UpdateStep(
                output=Ref(Q.M_HAT, l),
                inputs=(Ref(Q.M, l),),
                formula=f"m̂^{l} = m^{l} / (1 − β1^t)",
                shapes=same,
                title=f"bias-corrected m̂^{l}",
                why=(
                    "m started at 0, so early on it is too small by the factor 1 − β1^t; dividing "
                    "by it undoes that (m̂ = g exactly at t = 1)."
                ),
            ),
            UpdateStep(
                output=Ref(Q.V_HAT, l),
                inputs=(Ref(Q.V, l),),
                formula=f"v̂^{l} = v^{l} / (1 − β2^t)",
                shapes=same,
                title=f"bias-corrected v̂^{l}",
                why="v started at 0 too: dividing by 1 − β2^t makes v̂ = g² exactly at t = 1.",
            ),
        ]
        step = f"ΔW^{l} = −η · m̂^{l} / (√v̂^{l} + ε)"
        if opt.decoupled and opt.decays:
            step += f" − η·λ·W^{l}"
        step += f"   (η = {lr:g}, ε = {opt.eps:g})"
        step_inputs = (Ref(Q.M_HAT, l), Ref(Q.V_HAT, l))
        if opt.decoupled and opt.decays:
            step_inputs += (Ref(Q.DECAY, l),)
    out.append(
        UpdateStep(
            output=change,
            inputs=step_inputs,
            formula=step,
            shapes=same if len(step_inputs) == 1 else two,
            title=f"step ΔW^{l}",
            why=f"How far and which way {opt.name} moves each weight of W^{l} in this update.",
        )
    )
    out.append(
        UpdateStep(
            output=after,
            inputs=(W, change),
            formula=f"W^{l} ← W^{l} + ΔW^{l}",
            shapes=two,
            title=after_title,
            why="The step is applied: the new weights are what the next iteration starts from.",
        )
    )
    return out
