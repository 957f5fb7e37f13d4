"""What one cell of one quantity is called, and how it was computed, term by term with its numbers.

Read by the TUI's explanation pane (and usable by any export): the maths is the engine's, this only
writes it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stepper.engine.costs import FUSED_DELTA
from stepper.engine.iteration import Array, IterationValues
from stepper.engine.network import Network
from stepper.engine.quantities import (
    OPTIMIZER_TERMS,
    PREVIOUS_STATE,
    WEIGHT_SHAPED,
    Q,
    Quantity,
    row_label,
    symbol,
)
from stepper.engine.steps import Ref, Step
from stepper.formatting import format_number as f

MAX_TERMS = 6  # a sum with more terms is shortened to its first ones and "…"

# What each optimizer term is, for one weight (the Why pane's "what is this cell").
STATE_MEANINGS: dict[Quantity, str] = {
    Q.G: "the gradient with L2 weight decay added (g = dC/dw + λ·w)",
    Q.DECAY: "the decoupled weight decay η·λ·w",
    Q.V: "the running average (momentum: running sum) of past gradients, or Adam's of squared gradients,",
    Q.S: "the running average of squared gradients (RMSprop's s)",
    Q.M: "the running average of gradients (Adam's first moment m)",
    Q.M_HAT: "Adam's bias-corrected first moment m̂ = m/(1 − β1^t)",
    Q.V_HAT: "Adam's bias-corrected second moment v̂ = v/(1 − β2^t)",
    Q.V_PREV: "the optimizer's v before this update",
    Q.S_PREV: "RMSprop's s before this update",
    Q.M_PREV: "Adam's m before this update",
}


def cell_name(ref: Ref, row: int, col: int) -> str:
    """The cell as the screen labels it: δ^2[o=0, j=1] is row o=0 (observation 0), column j=1
    (neuron 1) of δ^2; W^1[i=0, j=2] the weight from neuron 0 to neuron 2, W^1[b, j=2] its bias."""
    return f"{symbol(ref.quantity, ref.layer)}[{row_label(ref.quantity, row)}, j={col}]"


# v is momentum's velocity and Adam's second moment: said for the optimizer at hand where it is known.
V_MEANINGS = {
    "momentum": "the velocity, the running sum of past gradients (v ← μ·v + g),",
    "adam": "Adam's running average of squared gradients (second moment v)",
    "adamw": "Adam's running average of squared gradients (second moment v)",
}


def cell_meaning(ref: Ref, row: int, col: int, optimizer: str | None = None) -> str:
    """What the cell is, in words; ``optimizer`` (the network's) for the terms that differ by it."""
    q, l = ref.quantity, ref.layer
    if q in WEIGHT_SHAPED:
        what = (
            f"the bias of neuron {col} of layer {l + 1}"
            if row == 0
            else f"the weight from neuron {row - 1} of layer {l} to neuron {col} of layer {l + 1}"
        )
        if q == Q.GRAD:
            return f"how the cost changes with {what}"
        if q == Q.CHANGE:
            return f"how much the update moved {what}"
        if q == Q.V and optimizer in V_MEANINGS:
            return f"{V_MEANINGS[optimizer]} of {what}"
        if q in STATE_MEANINGS:
            return f"{STATE_MEANINGS[q]} of {what}"
        return what + (" after the update" if q == Q.WEIGHTS_AFTER else "")
    return f"observation {row}, neuron {col} of layer {l}"


def _sum(terms: list[str]) -> str:
    if len(terms) > MAX_TERMS:
        terms = [*terms[: MAX_TERMS - 1], f"… ({len(terms) - MAX_TERMS + 1} more)"]
    return " + ".join(terms)


@dataclass(frozen=True)
class Product:
    """A step that is a matrix product: ``left · right = result``, with each operand's name."""

    left: np.ndarray
    right: np.ndarray
    result: np.ndarray
    names: tuple[str, str, str]


def product_operands(net: Network, step: Step, values: IterationValues) -> Product | None:
    """The operands of a step that multiplies matrices (n, dC/dW, a hidden dC/da), else None."""
    ref, v = step.output, values
    l = ref.layer
    if ref.quantity == Q.N:
        return Product(
            with_ones(v.a[l - 1]),
            v.weights[l - 1],
            _at(v.n, Q.N, l),
            (f"[1 | a^{l - 1}]", f"W^{l - 1}", f"n^{l}"),
        )
    if ref.quantity == Q.GRAD:
        return Product(
            with_ones(v.a[l]).T,
            _at(v.delta, Q.DELTA, l + 1),
            v.grad[l],
            (f"[1 | a^{l}]ᵀ", f"δ^{l + 1}", f"dC/dW^{l}"),
        )
    if ref.quantity == Q.DC_DA and l < net.depth:
        return Product(
            _at(v.delta, Q.DELTA, l + 1),
            v.weights[l][1:].T,
            _at(v.dC_da, Q.DC_DA, l),
            (f"δ^{l + 1}", f"(W^{l} without bias row)ᵀ", f"dC/da^{l}"),
        )
    return None


def operand_labels(ref: Ref, row: int, col: int) -> tuple[str, str]:
    """The left operand's row and the right operand's column that make the product's cell
    (``row``, ``col``) of ``ref``, labelled as the screen and the cell's sum (cell_terms) label
    them: [1 | a^l]ᵀ's row b or i=0 for dC/dW^l[b, …] or [i=0, …], where the Why pane's heading
    said "row 0" or "row 1", positions the screen labels otherwise (a tester). (W^l without bias
    row)ᵀ's column is W^l's row i=…, which the screen marks: "j=…" would name another of W^l's."""
    if ref.quantity == Q.DC_DA:
        return f"o={row}", row_label(Q.WEIGHTS, col + 1)
    return row_label(ref.quantity, row), f"j={col}"


def _at(per_layer: Sequence[Array | None], quantity: Quantity, layer: int) -> Array:
    """``quantity`` of ``layer``, which the step being explained has already computed: if it has
    not, the caller asked about a step out of order, a bug to report rather than hide."""
    matrix = per_layer[layer]
    if matrix is None:
        raise ValueError(f"{quantity} of layer {layer} is not computed in this iteration")
    return matrix


def with_ones(a: np.ndarray) -> np.ndarray:
    """[1 | a]: a column of ones before a, so the bias row of W is added once per observation."""
    return np.hstack([np.ones((a.shape[0], 1)), a])


def p(x: float) -> str:
    """A number as an operand: negative ones in parentheses, 0.9·(-0.1), not 0.9·-0.1.

    Numbers are written as the matrices and every export write them, with an ASCII '-' (machine
    readable, and the learner compares the two); '−' (U+2212) is the operator of a formula, as in
    docs/notation.md's `W^l − η · dC/dW^l` and `1 − a^l`, never a number's sign."""
    return f(x) if x >= 0 else f"({f(x)})"


def _times(x: float, y: float) -> str:
    return f"{p(x)}·{p(y)}"


def derivative_terms(activation: str, l: int, n: float, a: float, value: float) -> str | None:
    """da^l/dn^l of one cell, its factors named as in the step's formula (a^l, not ⊙: one cell is a
    product of numbers), then with its numbers. None for an activation without a per-cell slope
    (softmax's is a Jacobian)."""
    cell = "[o,j]"
    if activation == "sigmoid":
        return f"= a^{l}{cell} · (1 − a^{l}{cell}) = {p(a)} · (1 − {p(a)}) = {f(value)}"
    if activation == "tanh":
        return f"= 1 − a^{l}{cell} · a^{l}{cell} = 1 − {p(a)} · {p(a)} = {f(value)}"
    if activation in ("relu", "leaky_relu"):
        other = "0" if activation == "relu" else "0.01"
        side = ">" if n > 0 else "≤"
        return f"= 1 where n^{l}{cell} > 0, else {other}; here n^{l}{cell} = {f(n)} {side} 0: {f(value)}"
    if activation == "linear":
        return f"= 1 (the slope of the identity) = {f(value)}"
    return None


def cell_terms(net: Network, values: IterationValues, ref: Ref, row: int, col: int) -> str:
    """One line: the cell's formula, each factor named as the screen labels its matrix (the
    product layout's left and above operands, or the same cell [o,j] of an element-wise product's
    factors), then with the numbers put in, and its value."""
    q, l = ref.quantity, ref.layer
    v = values
    if q == Q.N:
        prev, w = v.a[l - 1], v.weights[l - 1]
        terms = [f"1·{p(w[0, col])}"] + [_times(prev[row, i], w[i + 1, col]) for i in range(prev.shape[1])]
        named = f"Σ_i [1 | a^{l - 1}][o={row}, i] · W^{l - 1}[i, j={col}]"
        return f"= {named} = {_sum(terms)} = {f(_at(v.n, q, l)[row, col])}"
    if q == Q.A:
        if l == 0:
            return f"= input {f(v.a[0][row, col])}"
        act = net.activation(l).name
        return f"= {act}({f(_at(v.n, Q.N, l)[row, col])}) = {f(v.a[l][row, col])}"
    if q == Q.DC_DA:
        value = f(_at(v.dC_da, q, l)[row, col])
        if l == net.depth:
            a, y = v.a[l][row, col], v.targets[row, col]
            formula = net.cost_fn.gradient_formula.replace("{L}", str(l))
            return f"from a = {f(a)}, y = {f(y)}: {formula} = {value}"
        d, w = _at(v.delta, Q.DELTA, l + 1), v.weights[l]
        terms = [_times(d[row, k], w[col + 1, k]) for k in range(d.shape[1])]
        named = f"Σ_k δ^{l + 1}[o={row}, j=k] · W^{l}[i={col}, j=k]"
        return f"= {named} = {_sum(terms)} = {value}"
    if q == Q.DA_DN:
        derivative = v.da_dn[l]
        if derivative is None:
            return "softmax: a Jacobian per observation, applied in the δ step"
        n, a, slope = _at(v.n, Q.N, l)[row, col], v.a[l][row, col], derivative[row, col]
        written = derivative_terms(net.activation(l).name, l, n, a, slope)
        if written is not None:
            return written
        formula = net.activation(l).derivative_formula.replace("{l}", str(l))
        return f"= {formula} with a = {f(a)}, n = {f(n)}: {f(slope)}"
    if q == Q.DELTA:
        delta = f(_at(v.delta, q, l)[row, col])
        fused = FUSED_DELTA.get((net.cost, net.activation(l).name)) if l == net.depth else None
        if fused is not None:
            # Computed directly, not as the product of the factors shown (which may be inf · 0).
            a, y = v.a[l][row, col], net.targets[row, col]
            put = f"{p(a)} − {p(y)}" if fused == "a^{l} − y" else f"{p(y)}·({p(a)} − 1)"
            return f"= {fused.replace('{l}', str(l))} = {put} = {delta}"
        derivative = v.da_dn[l]
        if derivative is None:
            return f"= dC/da · softmax Jacobian (row {row}) = {delta}"
        named = f"dC/da^{l}[o,j] · da^{l}/dn^{l}[o,j]"
        return f"= {named} = {p(_at(v.dC_da, Q.DC_DA, l)[row, col])} · {p(derivative[row, col])} = {delta}"
    if q == Q.GRAD:
        prev, d = v.a[l], _at(v.delta, Q.DELTA, l + 1)
        left = np.ones(prev.shape[0]) if row == 0 else prev[:, row - 1]
        terms = [_times(left[o], d[o, col]) for o in range(prev.shape[0])]
        named = f"Σ_o [1 | a^{l}]ᵀ[{row_label(q, row)}, o] · δ^{l + 1}[o, j={col}]"
        return f"= {named} = {_sum(terms)} = {f(v.grad[l][row, col])}"
    if q in UPDATE_TERMS or (q in (Q.WEIGHTS_AFTER, Q.CHANGE) and v.terms):
        return update_cell_terms(net, values, q, l, row, col)
    if q == Q.WEIGHTS_AFTER:
        return (
            f"= w − η · dC/dw = {f(v.weights[l][row, col])} − {net.learning_rate:g} · "
            f"{p(v.grad[l][row, col])} = {f(v.weights_after[l][row, col])}"
        )
    if q == Q.CHANGE:
        return (
            f"= −η · dC/dw = -{net.learning_rate:g} · {p(v.grad[l][row, col])} = {f(v.change[l][row, col])}"
            f"  ({f(v.weights[l][row, col])} → {f(v.weights_after[l][row, col])})"
        )
    if q == Q.WEIGHTS:
        return f"= {f(v.weights[l][row, col])} at the start of this iteration"
    if q == Q.TARGETS:
        return f"= {f(v.targets[row, col])} (target)"
    raise ValueError(q)


UPDATE_TERMS = (*OPTIMIZER_TERMS, *PREVIOUS_STATE)


def cost_terms(net: Network, values: IterationValues) -> str:
    """The cost written out over every observation and output, as for a cell: "= Σ (a^3 − y)² =
    (0.9806907 − 0.2)² + … = 1.9082220" (the sum shortened after its first terms, as any sum)."""
    a, y = values.a[net.depth], values.targets
    pairs = list(zip(a.ravel().tolist(), y.ravel().tolist()))
    formula = net.cost_fn.formula.replace("{L}", str(net.depth)).split("=", 1)[1].strip()
    name = net.cost
    if name in ("sse", "half_sse", "mse"):
        terms = _sum([f"({f(ai)} − {p(yi)})²" for ai, yi in pairs])
        put = {"sse": terms, "half_sse": f"½ · [{terms}]", "mse": f"[{terms}] / {len(pairs)}"}[name]
    elif name == "bce":
        put = "−[" + _sum([_bce_term(ai, yi) for ai, yi in pairs]) + "]"
    else:  # ce: a target of 0 adds nothing
        logs = [f"ln({f(ai)})" if yi == 1 else f"{p(yi)}·ln({f(ai)})" for ai, yi in pairs if yi]
        put = "−[" + _sum(logs) + "]"
    return f"= {formula} = {put} = {f(float(values.cost))}"


def _bce_term(a: float, y: float) -> str:
    """One entry of binary cross-entropy: with a target of 1 or 0 only one of its logs is left."""
    if y == 1:
        return f"ln({f(a)})"
    if y == 0:
        return f"ln(1 − {f(a)})"
    return f"{p(y)}·ln({f(a)}) + (1 − {p(y)})·ln(1 − {f(a)})"


def update_cell_terms(net: Network, values: IterationValues, q: Quantity, l: int, row: int, col: int) -> str:
    """One weight's update term by the optimizer's formula, with its numbers (β1^t written out)."""
    opt, lr, v = net.optimizer, net.learning_rate, values
    t = v.state_after.t
    terms = v.terms or {}

    def at(name: Quantity) -> float:
        return float(_at(v.quantity(name), name, l)[row, col])

    g_name, g = ("g", at(Q.G)) if Q.G in terms else ("dC/dw", at(Q.GRAD))
    g2 = f"({g_name})²" if "/" in g_name else f"{g_name}²"
    if q in PREVIOUS_STATE:
        return f"= {f(at(q))} (left by update t − 1 = {t - 1}; 0 before the first)"
    if q == Q.G:
        if row == 0:
            return f"= dC/db = {f(at(Q.GRAD))} (no decay on the bias row)"
        w = v.weights[l][row, col]
        return f"= dC/dw + λ·w = {f(at(Q.GRAD))} + {opt.weight_decay:g}·{p(w)} = {f(at(Q.G))}"
    if q == Q.DECAY:
        if row == 0:
            return "= 0 (no decay on the bias row)"
        return f"= η·λ·w = {lr:g}·{opt.weight_decay:g}·{p(v.weights[l][row, col])} = {f(at(Q.DECAY))}"
    if q == Q.V and opt.name == "momentum":
        return f"= μ·v + {g_name} = {opt.momentum:g}·{p(at(Q.V_PREV))} + {p(g)} = {f(at(Q.V))}"
    if q == Q.S:
        a = opt.alpha
        return f"= α·s + (1 − α)·{g2} = {a:g}·{p(at(Q.S_PREV))} + {1 - a:g}·{p(g)}² = {f(at(Q.S))}"
    if q == Q.M:
        b = opt.beta1
        return f"= β1·m + (1 − β1)·{g_name} = {b:g}·{p(at(Q.M_PREV))} + {1 - b:g}·{p(g)} = {f(at(Q.M))}"
    if q == Q.V:
        b = opt.beta2
        return f"= β2·v + (1 − β2)·{g2} = {b:g}·{p(at(Q.V_PREV))} + {1 - b:g}·{p(g)}² = {f(at(Q.V))}"
    if q in (Q.M_HAT, Q.V_HAT):
        k, src, beta = ("1", Q.M, opt.beta1) if q == Q.M_HAT else ("2", Q.V, opt.beta2)
        power = beta**t
        return (
            f"= {src} / (1 − β{k}^t) with β{k}^t = {beta:g}^{t} = {f(power)}: "
            f"{f(at(src))} / {f(1 - power)} = {f(at(q))}"
        )
    if q == Q.CHANGE:
        if opt.name == "momentum":
            body = f"= −η·v = -{lr:g}·{p(at(Q.V))}"
        elif opt.name == "rmsprop":
            body = f"= −η·{g_name} / (√s + ε) = -{lr:g}·{p(g)} / ({f(np.sqrt(at(Q.S)))} + {opt.eps:g})"
        elif opt.name == "sgd":
            body = f"= −η·{g_name} = -{lr:g}·{p(g)}"
        else:
            body = f"= −η·m̂ / (√v̂ + ε) = -{lr:g}·{p(at(Q.M_HAT))} / ({f(np.sqrt(at(Q.V_HAT)))} + {opt.eps:g})"
            if Q.DECAY in terms:
                body += f" − {p(at(Q.DECAY))}"
        return f"{body} = {f(at(Q.CHANGE))}"
    if q == Q.WEIGHTS_AFTER:
        w, after = v.weights[l][row, col], v.weights_after[l][row, col]
        if opt.name == "sgd":
            return f"= w − η·{g_name} = {f(w)} − {lr:g}·{p(g)} = {f(after)}"
        return f"= w + Δw = {f(w)} + {p(at(Q.CHANGE))} = {f(after)}"
    raise ValueError(q)


def equal_column_groups(matrix: np.ndarray) -> list[int | None]:
    """For each column, the index of its group of exactly equal columns (None if it has no twin).

    Groups are numbered in order of their first column. Each column's bytes are a dictionary key
    (after adding 0.0, so that −0 and 0 are one value): one pass, no sort and no pairwise
    comparison, so a 785×128 weight matrix costs well under a millisecond on every step.
    """
    n = matrix.shape[1]
    if n < 2:
        return [None] * n
    columns = np.ascontiguousarray(matrix.T, dtype=np.float64) + 0.0
    alike: dict[bytes, list[int]] = {}
    for j, column in enumerate(columns):
        alike.setdefault(column.tobytes(), []).append(j)
    groups: list[int | None] = [None] * n
    # A dictionary keeps the order keys came in: the groups are numbered by their first column.
    for k, members in enumerate(m for m in alike.values() if len(m) > 1):
        for j in members:
            groups[j] = k
    return groups


# Columns equal in this iteration's values only (not clones) are marked =a, =b, … (clones C1, C2, …).
EQUAL_NOW_MARKS = "abcdefgh"


def equal_now_groups(groups: Sequence[int | None], clones: Sequence[int | None]) -> list[int | None]:
    """For each column, the letter's index (0 for =a, 1 for =b, …) of its group of columns equal in
    these values only, or None: a column with no twin, or a clone's (clones carry C1, C2, …).
    ``groups`` as :func:`equal_column_groups` gives them; ``clones`` each column's clone group."""
    clones = list(clones) or [None] * len(groups)
    observed = sorted({g for g, c in zip(groups, clones) if g is not None and c is None})
    return [observed.index(g) if g is not None and c is None else None for g, c in zip(groups, clones)]


def operand_slices(step: Step, row: int, col: int) -> list[tuple[Ref, str, int]]:
    """For a product step (one whose rows and columns come from its operands' slices, as
    ``Step.rows_from`` / ``columns_from`` say): the stored operands' row or column that make cell
    (row, col) of its result, e.g. n^1 (0, 2) → row 0 of a^0 and column 2 of W^0. The column of ones
    of [1 | a] is not stored, so it is left out. Other steps: []."""
    if step.rows_from is None or step.columns_from is None:
        return []
    out = []
    for sources, index in ((step.rows_from, row), (step.columns_from, col)):
        for s in sources:
            if index + s.offset >= 0:
                out.append((s.ref, s.axis, index + s.offset))
    return out


def summed_columns(step: Step) -> tuple[Ref, ...]:
    """For a product step: the stored operands whose columns run over the index the product sums,
    column k of one with column k of the other. An operand whose rows make the result's rows or
    columns is summed along its columns: δ^2 and W^1 at dC/da^1 = δ^2 · (W^1 without bias row)ᵀ
    (Σ_k δ^2[o, j=k] · W^1[i, j=k]); a^1 at n^2 = [1 | a^1] · W^1, whose partner W^1 sums along
    its rows. Other steps: ()."""
    if step.rows_from is None or step.columns_from is None:
        return ()
    return tuple(s.ref for s in (*step.rows_from, *step.columns_from) if s.axis == "rows")
