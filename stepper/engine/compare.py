"""Check a learner's own numbers against stepper's, and name the first place they go wrong.

"First" is the order of computation (docs/notation.md): an iteration's starting weights and inputs,
then its steps as :func:`~stepper.engine.steps.build_steps` lists them; cells in row-major order.
A wrong value early makes everything after it wrong too, so the first one is where to look.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from stepper.engine.history import WeightHistory
from stepper.engine.iteration import Array, IterationValues
from stepper.engine.network import Network
from stepper.engine.optimizers import STATE_NAMES, update
from stepper.engine.steps import Ref, Step, build_steps
from stepper.errors import StepperError

RTOL, ATOL = 1e-5, 1e-8  # docs/commands.md: correct numbers computed in float32 match

# The trace JSON's per-layer quantities, and the IterationValues attribute each is read from.
QUANTITY_VALUES = {
    "weights_before": "weights",
    "n": "n",
    "a": "a",
    "dC_da": "dC_da",
    "da_dn": "da_dn",
    "delta": "delta",
    "grad": "grad",
    "weights_after": "weights_after",
}

# The learner's numbers: per iteration (1-based), per quantity, per layer; cost is a float.
Mine = dict[int, dict[str, dict[int, Array | float]]]


@dataclass(frozen=True)
class Mismatch:
    iteration: int
    quantity: str  # as the trace JSON names it
    layer: int
    row: int | None  # None when the shapes differ
    col: int | None
    expected: float | None
    got: float | None
    reason: str  # "value" or a sentence on the shapes
    formula: str  # the formula that produces the expected value
    hint: str = ""  # a likely cause, when the numbers suggest a classic bug

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
        }


@dataclass(frozen=True)
class Comparison:
    checked: int  # numbers compared
    differing: int  # of them, how many are outside the tolerance
    first: Mismatch | None
    matched: list[tuple[int, str, int]]  # (iteration, quantity, layer) that matched before ``first``

    @property
    def match(self) -> bool:
        return self.first is None


def order(net: Network) -> list[tuple[str, int, Step | None]]:
    """(quantity, layer, step) in the order of computation; the step is None for what an iteration
    starts from (its weights and the inputs a^0)."""
    out: list[tuple[str, int, Step | None]] = [("weights_before", l, None) for l in range(net.depth)]
    out.append(("a", 0, None))
    for step in build_steps(net):
        out.append((step.output.quantity, step.output.layer, step))
    return out


# The optimizer's state after an update (trace JSON "optimizer": {"state": {...}}), by name.
STATE_QUANTITIES = ("v", "s", "m", "m_hat", "v_hat")


def expected_value(values: IterationValues, quantity: str, layer: int) -> Array | float | None:
    if quantity == "cost":
        return values.cost
    if quantity in STATE_QUANTITIES:
        terms = values.terms or {}
        return terms[quantity][layer] if quantity in terms else None
    return getattr(values, QUANTITY_VALUES[quantity])[layer]  # type: ignore[no-any-return]


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


def _update_hint(net: Network, values: IterationValues, quantity: str, layer: int, got: Array) -> str:
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
        terms = {**alt.terms, "weights_after": list(alt.weights_after)}
        if quantity not in terms:
            continue
        x = terms[quantity][layer]
        if x.shape == got.shape and np.allclose(got, x, rtol=RTOL, atol=ATOL):
            want = expected_value(values, quantity, layer)
            if isinstance(want, np.ndarray) and np.allclose(x, want, rtol=RTOL, atol=ATOL):
                continue  # the mistake makes no difference here
            return MISTAKE_HINTS[key].format(m=m, which=which)
    return ""


def _formula(quantity: str, layer: int, step: Step | None) -> str:
    if step is not None:
        return step.formula
    if quantity == "a":
        return "a^0 = the inputs"
    return f"W^{layer} as iteration starts (the previous iteration's update, or the initial weights)"


def _hint(net: Network, values: IterationValues, quantity: str, layer: int, got: Array, want: Array) -> str:
    """A likely cause, when ``got`` is what a classic bug would give."""
    close = lambda x: x.shape == got.shape and np.allclose(got, x, rtol=RTOL, atol=ATOL)  # noqa: E731
    if got.shape == want.T.shape and close(want.T):
        return "It is the expected matrix transposed: rows and columns swapped."
    m = values.a[0].shape[0]
    if quantity == "grad" and close(want / m):
        return (
            f"It is the expected gradient divided by {m}, the number of observations in the batch: "
            "averaged instead of summed (the seed's cost is a sum, so its gradient is too)."
        )
    if quantity in (*STATE_QUANTITIES, "weights_after"):
        return _update_hint(net, values, quantity, layer, got)
    if quantity == "grad" and np.allclose(got[1:], want[1:], rtol=RTOL, atol=ATOL):
        return "Only the bias row (row 0, b) differs: the column of ones in [1 | a] was left out."
    if quantity == "delta" and values.dC_da[layer] is not None and close(values.dC_da[layer]):
        return (
            f"It equals dC/da^{layer}: the activation's derivative da^{layer}/dn^{layer} was not "
            "multiplied in."
        )
    if quantity == "dC_da" and layer < net.depth:
        after, w = values.delta[layer + 1], values.weights[layer][1:]
        if after is not None and w.shape[0] == w.shape[1] and close(after @ w):
            return (
                f"It is δ^{layer + 1} · W^{layer} (bias row dropped) without the transpose: "
                f"dC/da^{layer} needs the weights transposed, δ^{layer + 1} · (W^{layer})ᵀ."
            )
    if quantity == "n" and close(want - values.weights[layer - 1][0]):
        return f"It is n^{layer} without the bias: the bias row b of W^{layer - 1} was left out."
    return ""


@dataclass(frozen=True)
class Checked:
    """One quantity the learner gave for one iteration, against stepper's value."""

    quantity: str
    layer: int
    step: Step | None
    expected: Array
    got: Array
    bad: Array | None  # cells outside the tolerance; None when the shapes differ

    @property
    def shape_reason(self) -> str:
        (gr, gc), (wr, wc) = self.got.shape, self.expected.shape
        return f"shape {gr}×{gc}, expected {wr}×{wc}"


def check_iteration(
    net: Network,
    values: IterationValues,
    given: dict[str, dict[int, Array | float]],
    rtol: float,
    atol: float,
) -> list[Checked]:
    """What the learner gave for one iteration, checked in the order of computation."""
    out: list[Checked] = []
    for quantity, layer, step in order(net):
        got_value = given.get(quantity, {}).get(0 if quantity == "cost" else layer)
        if got_value is None:
            continue
        want_value = expected_value(values, quantity, layer)
        if want_value is None:  # e.g. a softmax layer's da/dn, which is not stored
            continue
        want = np.atleast_2d(np.asarray(want_value, dtype=np.float64))
        got = np.atleast_2d(np.asarray(got_value, dtype=np.float64))
        bad = (
            ~np.isclose(got, want, rtol=rtol, atol=atol) if got.shape == want.shape else None
        )  # NaN: never close
        out.append(Checked(quantity, layer, step, want, got, bad))
    return out


def compare(net: Network, mine: Mine, rtol: float = RTOL, atol: float = ATOL) -> Comparison:
    """Compare the learner's numbers with a run of ``net`` from its initial weights."""
    history = WeightHistory(net)
    checked = differing = 0
    first: Mismatch | None = None
    matched: list[tuple[int, str, int]] = []
    for it in range(1, max(mine, default=0) + 1):
        values = history.run(it, history.start_at(it))
        for c in check_iteration(net, values, mine.get(it, {}), rtol, atol):
            checked += 1 if c.bad is None else c.got.size
            differing += 1 if c.bad is None else int(c.bad.sum())
            if first is not None:
                continue
            if c.bad is not None and not c.bad.any():
                matched.append((it, c.quantity, c.layer))
                continue
            formula = _formula(c.quantity, c.layer, c.step)
            hint = _hint(net, values, c.quantity, c.layer, c.got, c.expected)
            if c.bad is None:
                first = Mismatch(
                    it, c.quantity, c.layer, None, None, None, None, c.shape_reason, formula, hint
                )
            else:
                r, col = (int(x) for x in np.argwhere(c.bad)[0])  # row-major: the first row's first
                want, got = float(c.expected[r, col]), float(c.got[r, col])
                first = Mismatch(it, c.quantity, c.layer, r, col, want, got, "value", formula, hint)
    return Comparison(checked, differing, first, matched)


def mine_from_trace(document: Mapping[str, object], source: str) -> Mine:
    """The learner's numbers from a trace-schema document; bad input raises StepperError."""
    if not isinstance(document, Mapping) or not isinstance(document.get("iterations"), list):
        raise StepperError(f'{source}: expected an object with an "iterations" list (the trace JSON schema)')
    mine: Mine = {}
    known = {"iteration", "cost", "epoch", "batch", "optimizer", *QUANTITY_VALUES}
    for k, entry in enumerate(document["iterations"], start=1):  # type: ignore[arg-type]
        where = f"{source}: iterations[{k - 1}]"
        if not isinstance(entry, Mapping):
            raise StepperError(f"{where}: expected an object of quantities, got {type(entry).__name__}")
        it = entry.get("iteration", k)
        if not isinstance(it, int) or isinstance(it, bool) or it < 1:
            raise StepperError(f'{where}: "iteration" must be a whole number >= 1, got {it!r}')
        unknown = sorted(set(entry) - known)
        if unknown:
            raise StepperError(
                f"{where}: unknown quantity {unknown[0]!r}; expected some of {', '.join(sorted(known))}"
            )
        quantities: dict[str, dict[int, Array | float]] = {}
        cost = entry.get("cost")
        if cost is not None:
            if not _is_number(cost):
                raise StepperError(f'{where}: "cost" must be a number or null, got {cost!r}')
            quantities["cost"] = {0: float(cost)}
        for name in QUANTITY_VALUES:
            layers = entry.get(name)
            if layers is None:
                continue
            if not isinstance(layers, list):
                raise StepperError(f'{where}: "{name}" must be a list with one matrix (or null) per layer')
            for layer, matrix in enumerate(layers):
                if matrix is None:
                    continue
                quantities.setdefault(name, {})[layer] = _matrix(matrix, f'{where}: "{name}"[{layer}]')
        _optimizer_state(entry.get("optimizer"), where, quantities)
        mine[it] = quantities
    return mine


def _optimizer_state(value: object, where: str, quantities: dict[str, dict[int, Array | float]]) -> None:
    """The learner's optimizer state after the update ("optimizer": {"state": {"m": [...]}})."""
    if value is None:
        return
    state = value.get("state") if isinstance(value, Mapping) else None
    if not isinstance(state, Mapping):
        raise StepperError(f'{where}: "optimizer" must be an object with a "state" object')
    for name, layers in state.items():
        if name not in STATE_QUANTITIES:
            raise StepperError(
                f"{where}: unknown optimizer state {name!r}; expected some of {', '.join(STATE_QUANTITIES)}"
            )
        if layers is None:
            continue
        if not isinstance(layers, list):
            raise StepperError(f'{where}: optimizer state "{name}" must be a list with one matrix per layer')
        for layer, matrix in enumerate(layers):
            if matrix is not None:
                quantities.setdefault(name, {})[layer] = _matrix(
                    matrix, f'{where}: optimizer "{name}"[{layer}]'
                )


def _matrix(value: object, where: str) -> Array:
    if not isinstance(value, list) or not value or not all(isinstance(row, list) for row in value):
        raise StepperError(f"{where}: expected a matrix, a non-empty list of rows")
    widths = {len(row) for row in value}  # type: ignore[arg-type]
    if len(widths) != 1 or 0 in widths:
        raise StepperError(f"{where}: the rows have different lengths {sorted(widths)}")
    for row in value:
        for x in row:  # type: ignore[attr-defined]
            if x is not None and not _is_number(x):
                raise StepperError(f'{where}: expected numbers (or "inf", "-inf", "nan"), got {x!r}')
    # null inside a matrix means "not a number": it is compared, and never matches.
    return np.array([[np.nan if x is None else float(x) for x in row] for row in value], dtype=np.float64)  # type: ignore[attr-defined]


NON_FINITE_STRINGS = ("inf", "-inf", "nan")  # how stepper's own JSON writes them (docs/json.md)


def _is_number(x: object) -> bool:
    return (isinstance(x, (int, float)) and not isinstance(x, bool)) or x in NON_FINITE_STRINGS


def check_layers(net: Network, mine: Mine, source: str) -> None:
    """Each quantity's layer index must exist in the network (bad input, not a wrong number)."""
    valid = {
        "weights_before": range(net.depth),
        "grad": range(net.depth),
        "weights_after": range(net.depth),
        **{name: range(net.depth) for name in STATE_QUANTITIES},
        "a": range(net.depth + 1),
        "cost": range(1),
    }
    states = STATE_NAMES[net.optimizer.name]
    for it, quantities in mine.items():
        for name, layers in quantities.items():
            if name in STATE_QUANTITIES and name not in states:
                has = f"state {', '.join(states)}" if states else "no state"
                raise StepperError(
                    f"{source}: iteration {it}: optimizer state {name!r}, but the network's optimizer "
                    f"{net.optimizer.name} has {has}"
                )
            allowed = valid.get(name, range(1, net.depth + 1))
            for layer in layers:
                if layer not in allowed:
                    raise StepperError(
                        f"{source}: iteration {it}: {name} has a matrix for layer {layer}, but the network "
                        f"{net.shape_label()} has layers {allowed.start}..{allowed.stop - 1} for it"
                    )


def ref_of(quantity: str, layer: int) -> Ref:
    """The Ref a trace-JSON quantity is shown under: its "weights_before" is the walk's "weights"."""
    return Ref("weights" if quantity == "weights_before" else quantity, layer)


def symbol(quantity: str, layer: int) -> str:
    return ref_of(quantity, layer).symbol


def mine_from_npz(arrays: Mapping[str, np.ndarray], source: str) -> Mine:
    """One iteration's numbers from arrays named like ``a1``, ``delta3``, ``grad2``, ``cost``."""
    import re

    quantities: dict[str, dict[int, Array | float]] = {}
    names = "|".join(sorted(QUANTITY_VALUES, key=len, reverse=True))
    for key, array in arrays.items():
        if key == "cost":
            if np.size(array) != 1:
                raise StepperError(f"{source}: cost must be one number, got shape {np.shape(array)}")
            quantities["cost"] = {0: float(np.asarray(array, dtype=np.float64).reshape(()))}
            continue
        found = re.fullmatch(rf"({names})_?(\d+)", key)
        if found is None:
            raise StepperError(
                f"{source}: array {key!r} is not a quantity and layer; expected names like a1, n2, delta3, "
                f"grad2, dC_da3, da_dn3, weights_before0, weights_after0 or cost"
            )
        array = np.asarray(array)
        if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
            raise StepperError(f"{source}: {key} must be a 2-D array of numbers, got shape {array.shape}")
        quantities.setdefault(found.group(1), {})[int(found.group(2))] = array.astype(np.float64)
    return {1: quantities}


def load_mine(path: str) -> Mine:
    """A learner's numbers from a trace-schema JSON file or an .npz of named arrays (no pickle)."""
    import json
    from pathlib import Path

    p = Path(path)
    if not p.is_file():
        raise StepperError(f"{path}: no such file")
    if p.suffix == ".npz":
        try:
            with np.load(p, allow_pickle=False) as data:
                return mine_from_npz({k: data[k] for k in data.files}, path)
        except (OSError, ValueError) as exc:
            raise StepperError(f"{path}: not a readable .npz of numeric arrays ({exc})") from None
    try:
        document = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise StepperError(f"{path}: not a text file; expected JSON (or an .npz)") from None
    except json.JSONDecodeError as exc:
        raise StepperError(f"{path}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    return mine_from_trace(document, path)


class MineChecker:
    """The learner's numbers beside a walk: for each iteration, which cells of which matrix differ.

    The app reads it to mark cells; computed once per iteration shown.
    """

    def __init__(self, net: Network, mine: Mine, source: str, rtol: float = RTOL, atol: float = ATOL) -> None:
        self.net, self.mine, self.source, self.rtol, self.atol = net, mine, source, rtol, atol
        self._cache: tuple[int, dict[Ref, Checked]] | None = None

    def summary(self) -> Comparison:
        return compare(self.net, self.mine, self.rtol, self.atol)

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


def load_mine_for(net: Network, path: str) -> Mine:
    """The learner's numbers from ``path``, with every layer index checked against ``net``."""
    mine = load_mine(path)
    check_layers(net, mine, path)
    return mine
