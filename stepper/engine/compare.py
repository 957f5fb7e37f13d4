"""Check a learner's own numbers against stepper's, and name the first place they go wrong.

"First" is the order of computation (docs/notation.md): an iteration's starting weights and inputs,
then its steps as :func:`~stepper.engine.steps.build_steps` lists them; cells in row-major order.
A wrong value early makes everything after it wrong too, so the first one is where to look.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from stepper.engine.history import WeightHistory
from stepper.engine.iteration import Array, IterationValues
from stepper.engine.network import Network
from stepper.engine.optimizers import update
from stepper.engine.quantities import WEIGHT_SHAPED, Q, Quantity
from stepper.engine.steps import Ref, Step, build_steps

RTOL, ATOL = 1e-5, 1e-8  # docs/commands.md: correct numbers computed in float32 match

# The trace JSON's per-layer quantities (IterationValues.quantity reads each).
TRACE_QUANTITIES = (Q.WEIGHTS_BEFORE, Q.N, Q.A, Q.DC_DA, Q.DA_DN, Q.DELTA, Q.GRAD, Q.WEIGHTS_AFTER)

# The learner's numbers: per iteration (1-based), per quantity, per layer; cost is a float.
Mine = dict[int, dict[Quantity, dict[int, Array | float]]]


@dataclass(frozen=True)
class Mismatch:
    iteration: int
    quantity: Quantity  # as the trace JSON names it (WEIGHTS_BEFORE, not WEIGHTS)
    layer: int
    row: int | None  # None when the shapes differ
    col: int | None
    expected: float | None
    got: float | None
    reason: str  # "value" or a sentence on the shapes
    formula: str  # the formula that produces the expected value
    hint: str = ""  # a likely cause, when the numbers suggest a classic bug
    # A row short or a row too many, the rest matching (see Checked): the expected shape and which row.
    shape: tuple[int, int] | None = None
    missing_row: int | None = None
    extra_row: int | None = None
    extra_col: int | None = None  # a column too many, the rest matching ([1 | a^l] for a^l)

    def to_json(self) -> dict[str, object]:
        return {
            "iteration": self.iteration,
            "quantity": self.quantity,
            "layer": self.layer,
            "row": self.row,
            "col": self.col,
            "expected": self.expected,
            "got": self.got,
            "reason": self.reason,
            # The text's "Likely cause", for a script as well (a CI user got only "value").
            "likely_cause": self.hint or None,
        }


@dataclass(frozen=True)
class Comparison:
    checked: int  # numbers compared
    differing: int  # of them, how many are outside the tolerance (or a row too many)
    first: Mismatch | None
    matched: list[tuple[int, Quantity, int]]  # (iteration, quantity, layer) that matched before ``first``
    # Numbers not given: rows left out of matrices whose other rows match (a bias row, most often).
    missing: int = 0
    # Of ``differing``, the cells of matrices of the right shape: the ones the app marks ≠ (a matrix
    # of another shape has no cells to mark, and the notice said "they are marked ≠" of it).
    marked: int = 0

    @property
    def match(self) -> bool:
        return self.first is None


def order(net: Network) -> list[tuple[Quantity, int, Step | None]]:
    """(quantity, layer, step) in the order of computation; the step is None for what an iteration
    starts from (its weights and the inputs a^0)."""
    out: list[tuple[Quantity, int, Step | None]] = [(Q.WEIGHTS_BEFORE, l, None) for l in range(net.depth)]
    out.append((Q.A, 0, None))
    for step in build_steps(net):
        out.append((step.output.quantity, step.output.layer, step))
    return out


# The optimizer's state after an update (trace JSON "optimizer": {"state": {...}}), by name.
STATE_QUANTITIES = (Q.V, Q.S, Q.M, Q.M_HAT, Q.V_HAT)


def expected_value(values: IterationValues, quantity: Quantity, layer: int) -> Array | float | None:
    if quantity == Q.COST:
        return values.cost
    if quantity in STATE_QUANTITIES:
        terms = values.terms or {}
        return terms[quantity][layer] if quantity in terms else None
    return values.quantity(quantity)[layer]


# What `compare` says when a learner's update matches one made with a classic mistake.
MISTAKE_HINTS = {
    "mean": (
        "It is what the update gives with the gradient averaged over the batch's {m} observations "
        "instead of summed (the cost is a sum, so its gradient is too)."
    ),
    "no_correction": "It is what Adam gives without its bias correction: m̂ = m/(1 − β1^t) and "
    "v̂ = v/(1 − β2^t) are missing.",
    "multiplied_correction": "It is what Adam gives with the bias correction multiplied instead of "
    "divided: m·(1 − β1^t) instead of m/(1 − β1^t).",
    "decay_bias": "It is what the update gives with weight decay applied to the bias row (row 0) "
    "too: decay never applies to biases.",
    "swapped_decay": "It is what the update gives with L2 and decoupled weight decay mixed up: {which}.",
}


def _update_hint(net: Network, values: IterationValues, quantity: Quantity, layer: int, got: Array) -> str:
    """A likely cause for a wrong update term: the first classic mistake that reproduces ``got``."""
    opt = net.optimizer
    if opt.name == "sgd" and not opt.decays:
        return ""
    m = values.a[0].shape[0]
    tries: list[tuple[str, list[Array], str]] = [("mean", [g / m for g in values.grad], "")]
    if opt.name in ("adam", "adamw"):
        tries += [("no_correction", values.grad, "no_correction")]
        tries += [("multiplied_correction", values.grad, "multiplied_correction")]
    if opt.decays:
        tries += [("decay_bias", values.grad, "decay_bias"), ("swapped_decay", values.grad, "swapped_decay")]
    which = (
        "adamw decays the weights directly (W ← W − η·λ·W), not through the gradient"
        if opt.decoupled
        else f"{opt.name} adds λ·W to the gradient (L2), it does not decay the weights directly"
    )
    for key, grad, mistake in tries:
        with np.errstate(all="ignore"):
            alt = update(opt, net.learning_rate, values.weights, grad, values.state_before, mistake)
        terms = {**alt.terms, Q.WEIGHTS_AFTER: list(alt.weights_after)}
        if quantity not in terms:
            continue
        x = terms[quantity][layer]
        if x.shape == got.shape and np.allclose(got, x, rtol=RTOL, atol=ATOL):
            want = expected_value(values, quantity, layer)
            if isinstance(want, np.ndarray) and np.allclose(x, want, rtol=RTOL, atol=ATOL):
                continue  # the mistake makes no difference here
            return MISTAKE_HINTS[key].format(m=m, which=which)
    return ""


def _formula(quantity: Quantity, layer: int, step: Step | None) -> str:
    if step is not None:
        return step.formula
    if quantity == Q.A:
        return "a^0 = the inputs"
    return f"W^{layer} as iteration starts (the previous iteration's update, or the initial weights)"


def _hint(
    net: Network,
    values: IterationValues,
    quantity: Quantity,
    layer: int,
    got: Array,
    want: Array,
    extra_col: int | None = None,
) -> str:
    """A likely cause, when ``got`` is what a classic bug would give. ``extra_col``: the column too
    many, the rest matching, check_iteration found (Checked.extra_col)."""

    def close(x: Array) -> bool:
        return x.shape == got.shape and bool(np.allclose(got, x, rtol=RTOL, atol=ATOL))

    if got.shape == want.T.shape and close(want.T):
        return "It is the expected matrix transposed: rows and columns swapped."
    moved = _bias_row_moved(quantity, got, want)
    if moved is not None:
        where = "last" if moved == want.shape[0] - 1 else f"at row {moved}"
        return (
            f"It is the expected matrix with its bias row put {where}: in {symbol(quantity, layer)} the "
            f"bias row b comes first (row 0, for the 1 of [1 | a^{layer}]), then a row per neuron "
            f"of layer {layer}."
        )
    if quantity == Q.A and layer < net.depth and extra_col == 0 and bool(np.all(got[:, 0] == 1)):
        # (Any other column too many is said by the line on the columns that match.)
        return (
            f"It is [1 | a^{layer}]: a^{layer} with the column of ones in front. a^{layer} holds the "
            f"activations only; the ones go in front where a^{layer} multiplies W^{layer}, in "
            f"n^{layer + 1} = [1 | a^{layer}] · W^{layer}."
        )
    m = values.a[0].shape[0]
    if quantity == Q.GRAD and close(want / m):
        return (
            f"It is the expected gradient divided by {m}, the number of observations in the batch: "
            "averaged instead of summed (the seed's cost is a sum, so its gradient is too)."
        )
    if quantity in (*STATE_QUANTITIES, Q.WEIGHTS_AFTER):
        return _update_hint(net, values, quantity, layer, got) or _other_layer_hint(
            net, values, quantity, layer, got, want
        )
    if quantity == Q.GRAD and close(want[1:]):
        # A row short (the shapes alone would be compared: got[1:] against want[1:] raised).
        return (
            "It is the expected gradient without its bias row (row 0, b): the column of ones in "
            "[1 | a] was left out."
        )
    if (
        quantity == Q.GRAD
        and got.shape == want.shape
        and np.allclose(got[1:], want[1:], rtol=RTOL, atol=ATOL)
    ):
        return "Only the bias row (row 0, b) differs: the column of ones in [1 | a] was left out."
    dC_da = values.dC_da[layer]
    if quantity == Q.DELTA and dC_da is not None and close(dC_da):
        return (
            f"It equals dC/da^{layer}: the activation's derivative da^{layer}/dn^{layer} was not "
            "multiplied in."
        )
    if quantity == Q.DC_DA and layer < net.depth:
        after, w = values.delta[layer + 1], values.weights[layer][1:]
        if after is not None and w.shape[0] == w.shape[1] and close(after @ w):
            return (
                f"It is δ^{layer + 1} · W^{layer} (bias row dropped) without the transpose: "
                f"dC/da^{layer} needs the weights transposed, δ^{layer + 1} · (W^{layer})ᵀ."
            )
    if quantity == Q.N and close(want - values.weights[layer - 1][0]):
        return f"It is n^{layer} without the bias: the bias row b of W^{layer - 1} was left out."
    return _other_layer_hint(net, values, quantity, layer, got, want)


def _extra_column(got: Array, want: Array, rtol: float = RTOL, atol: float = ATOL) -> int | None:
    """The learner's column that is one too many, all the others matching the expected matrix's
    (a column of ones kept in a^l, a column appended): the column, or None. The first and last are
    tried first, where such slips happen."""
    (gr, gc), (wr, wc) = got.shape, want.shape
    if gr != wr or gc != wc + 1 or want.size == 0:
        return None
    last: int = gc - 1
    for col in dict.fromkeys([0, last, *range(1, last)]):
        if np.allclose(np.delete(got, col, axis=1), want, rtol=rtol, atol=atol):
            return int(col)
    return None


def _bias_row_moved(quantity: Quantity, got: Array, want: Array) -> int | None:
    """Where the learner put the bias row of a weight-shaped matrix whose rows are otherwise all
    right (the bias as the last row, the other common layout): the row, or None. Last is tried first."""
    if ref_of(quantity, 0).quantity not in WEIGHT_SHAPED or got.shape != want.shape or want.shape[0] < 2:
        return None
    rest = want[1:]
    for row in range(want.shape[0] - 1, 0, -1):
        moved = np.insert(rest, row, want[0], axis=0)
        if np.allclose(got, moved, rtol=RTOL, atol=ATOL) and not np.allclose(got, want, rtol=RTOL, atol=ATOL):
            return row
    return None


def _other_layer_hint(
    net: Network, values: IterationValues, quantity: Quantity, layer: int, got: Array, want: Array
) -> str:
    """The last guess: ``got`` is this quantity of another layer (most often a list without its
    leading null, so that every matrix sits a layer off)."""
    if _row_off(got, want, RTOL, ATOL) != (None, None):
        return ""  # a row short or too many says more (W^1 without its bias row is W^0 at constant init)
    for q, other, _ in order(net):
        if q != quantity or other == layer:
            continue
        x = expected_value(values, quantity, other)
        if isinstance(x, np.ndarray) and x.shape == got.shape and np.allclose(got, x, rtol=RTOL, atol=ATOL):
            return (
                f"It is {symbol(quantity, other)}, the value of layer {other}: layer l is entry l of "
                f'the file\'s "{quantity}" list, with null for a layer you leave out.'
            )
    return ""


@dataclass(frozen=True)
class Checked:
    """One quantity the learner gave for one iteration, against stepper's value."""

    quantity: Quantity
    layer: int
    step: Step | None
    expected: Array
    got: Array
    bad: NDArray[np.bool_] | None  # cells outside the tolerance; None when the shapes differ
    # When the shapes differ by one row and every other row matches: the expected row the learner
    # left out (a bias row, most often), or the learner's row that is one too many. Their numbers
    # are right, and "12 of the 12 numbers checked differ" read false to a tester.
    missing_row: int | None = None
    extra_row: int | None = None
    extra_col: int | None = None  # likewise, a column too many (a^l given as [1 | a^l])

    @property
    def shape_reason(self) -> str:
        (gr, gc), (wr, wc) = self.got.shape, self.expected.shape
        return f"shape {gr}×{gc}, expected {wr}×{wc}"


def _row_off(got: Array, want: Array, rtol: float, atol: float) -> tuple[int | None, int | None]:
    """(missing, extra) for :class:`Checked`: its first or last row only, where such slips happen
    (the bias row left out, a row appended); the bias row is tried first."""

    def same(x: Array, y: Array) -> bool:
        return x.size > 0 and x.shape == y.shape and bool(np.allclose(x, y, rtol=rtol, atol=atol))

    (gr, gc), (wr, wc) = got.shape, want.shape
    if gc == wc and gr + 1 == wr:
        for r in (0, wr - 1):
            if same(got, np.delete(want, r, axis=0)):
                return r, None
    if gc == wc and gr == wr + 1:
        for r in (gr - 1, 0):
            if same(np.delete(got, r, axis=0), want):
                return None, r
    return None, None


def check_iteration(
    net: Network,
    values: IterationValues,
    given: dict[Quantity, dict[int, Array | float]],
    rtol: float,
    atol: float,
) -> list[Checked]:
    """What the learner gave for one iteration, checked in the order of computation."""
    out: list[Checked] = []
    for quantity, layer, step in order(net):
        got_value = given.get(quantity, {}).get(0 if quantity == Q.COST else layer)
        if got_value is None:
            continue
        want_value = expected_value(values, quantity, layer)
        if want_value is None:  # e.g. a softmax layer's da/dn, which is not stored
            continue
        want = np.atleast_2d(np.asarray(want_value, dtype=np.float64))
        got = np.atleast_2d(np.asarray(got_value, dtype=np.float64))
        if got.shape == want.shape:
            bad = ~np.isclose(got, want, rtol=rtol, atol=atol)  # NaN: never close
            out.append(Checked(quantity, layer, step, want, got, bad))
        else:
            missing, extra = _row_off(got, want, rtol, atol)
            out.append(
                Checked(
                    quantity,
                    layer,
                    step,
                    want,
                    got,
                    None,
                    missing,
                    extra,
                    _extra_column(got, want, rtol, atol),
                )
            )
    return out


def compare(net: Network, mine: Mine, rtol: float = RTOL, atol: float = ATOL) -> Comparison:
    """Compare the learner's numbers with a run of ``net`` from its initial weights."""
    result = compare_until(net, mine, rtol, atol)
    assert result is not None
    return result


def compare_until(
    net: Network,
    mine: Mine,
    rtol: float = RTOL,
    atol: float = ATOL,
    should_stop: Callable[[int], bool] | None = None,
) -> Comparison | None:
    """:func:`compare`, asking ``should_stop(k)`` after each iteration k: None if it said to stop."""
    history = WeightHistory(net)
    checked = differing = missing = marked = 0
    first: Mismatch | None = None
    matched: list[tuple[int, Quantity, int]] = []
    for it in range(1, max(mine, default=0) + 1):
        if should_stop is not None and should_stop(it):
            return None
        values = history.run(it, history.start_at(it))
        for c in check_iteration(net, values, mine.get(it, {}), rtol, atol):
            if c.bad is not None:  # the right shape: each differing cell is marked ≠ in the app
                wrong = int(c.bad.sum())
                checked += c.got.size
                differing += wrong
                marked += wrong
            elif c.missing_row is not None:  # the learner's numbers all match; a row is not there
                checked += c.got.size
                missing += c.expected.shape[1]
            elif c.extra_row is not None:  # the expected numbers all there, and a row that is not
                checked += c.got.size
                differing += c.got.shape[1]
            elif c.extra_col is not None:  # likewise a column
                checked += c.got.size
                differing += c.got.shape[0]
            else:
                # A matrix of the wrong shape: every number it should hold is unmatched (a transposed
                # δ^2 read "1 of the 1 numbers checked differs").
                checked += c.expected.size
                differing += c.expected.size
            if first is not None:
                continue
            if c.bad is not None and not c.bad.any():
                matched.append((it, c.quantity, c.layer))
                continue
            formula = _formula(c.quantity, c.layer, c.step)
            hint = _hint(net, values, c.quantity, c.layer, c.got, c.expected, c.extra_col)
            if c.bad is None:
                wr, wc = c.expected.shape
                first = Mismatch(
                    it, c.quantity, c.layer, None, None, None, None, c.shape_reason, formula, hint
                )
                if c.missing_row is not None or c.extra_row is not None or c.extra_col is not None:
                    first = replace(
                        first,
                        shape=(wr, wc),
                        missing_row=c.missing_row,
                        extra_row=c.extra_row,
                        extra_col=c.extra_col,
                    )
            else:
                r, col = (int(x) for x in np.argwhere(c.bad)[0])  # row-major: the first row's first
                want, got = float(c.expected[r, col]), float(c.got[r, col])
                first = Mismatch(it, c.quantity, c.layer, r, col, want, got, "value", formula, hint)
    return Comparison(checked, differing, first, matched, missing, marked)


def ref_of(quantity: Quantity, layer: int) -> Ref:
    """The Ref a trace-JSON quantity is shown under: its "weights_before" is the walk's "weights"."""
    return Ref(Q.WEIGHTS if quantity == Q.WEIGHTS_BEFORE else quantity, layer)


def symbol(quantity: Quantity, layer: int) -> str:
    return ref_of(quantity, layer).symbol


class MineChecker:
    """The learner's numbers beside a walk: for each iteration, which cells of which matrix differ.

    The app reads it to mark cells; computed once per iteration shown.
    """

    def __init__(self, net: Network, mine: Mine, source: str, rtol: float = RTOL, atol: float = ATOL) -> None:
        self.net, self.mine, self.source, self.rtol, self.atol = net, mine, source, rtol, atol
        self._cache: tuple[int, dict[Ref, Checked]] | None = None

    def summary(self, should_stop: Callable[[int], bool] | None = None) -> Comparison | None:
        """The whole comparison; None if ``should_stop(k)`` ended it early (see compare_until)."""
        return compare_until(self.net, self.mine, self.rtol, self.atol, should_stop)

    def at(self, iteration: int, values: IterationValues) -> dict[Ref, Checked]:
        """The checked quantities of ``iteration``, by the Ref the app shows them under."""
        if self._cache is None or self._cache[0] != iteration:
            checks = check_iteration(self.net, values, self.mine.get(iteration, {}), self.rtol, self.atol)
            by_ref = {ref_of(c.quantity, c.layer): c for c in checks}
            self._cache = (iteration, by_ref)
        return self._cache[1]


def position_of(net: Network, mismatch: Mismatch) -> tuple[int, int]:
    """(iteration, done) where the mismatched quantity has just been computed."""
    for step in build_steps(net):
        if step.output == Ref(mismatch.quantity, mismatch.layer):
            return mismatch.iteration, step.index + 1
    return mismatch.iteration, 0  # the starting weights or the inputs
