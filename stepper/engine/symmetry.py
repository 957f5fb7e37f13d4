"""Symmetry narration: at each step, which columns (or rows) of its result are equal, and why.

The reason is traced through the step descriptions (``Step.columns_from`` / ``rows_from`` in
``steps.py``): column j of a result is computed from certain slices of its inputs, so equal sources
make equal columns, and the sources' own equality is traced back to where it starts: the weights at
the start of the iteration, the inputs a^0 or the targets y. Three cases are kept apart, because a
learner must treat them differently:

* ``CLONES`` — equal because their sources are equal, and the neurons are clones (equal weights in
  and out, ``diagnose.find_clones``): gradient descent can never separate them.
* ``CARRIED`` — equal because their sources are equal, but the neurons are not clones (say, equal
  weights in, unequal weights out): the symmetry ends later in the iteration.
* ``COINCIDENCE`` — equal numbers whose sources differ: never called clones.
* ``DEAD`` — all 0 because the neurons are dead ReLUs (n ≤ 0 for every observation): no coincidence,
  and no passing symmetry either, since no gradient reaches their weights in.
* ``SAME_SLOPE`` — equal columns of da/dn for an activation whose derivative is constant on pieces of
  n (ReLU, leaky ReLU, linear), because the neurons are on the same piece for each observation: ReLU
  neurons active (n > 0) for every observation have da/dn all 1. Their n differ, so the trace would
  call it a coincidence; it holds as long as they stay on those pieces (a linear layer's, always).

It also says where a symmetry breaks: neurons that were equal earlier in this iteration (or were
clones before an edit or a re-initialisation, when the caller says so) and whose slices differ here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from stepper.engine.activations import ACTIVATIONS
from stepper.engine.diagnose import NeuronGroup, dead_units, find_clones
from stepper.engine.iteration import Array, IterationValues
from stepper.engine.network import Network
from stepper.engine.quantities import WEIGHT_SHAPED, Q
from stepper.engine.steps import Phase, Ref, Source, Step, build_steps

MAX_GROUPS = 4  # a step with more groups of equal slices names these and says how many more
MAX_INDICES = 12  # longer index lists are shortened: "0, 1, 2, … (40 in all)"


SPOKEN = {"relu": "ReLU", "leaky_relu": "leaky ReLU"}  # activations as the narration names them


class Kind(StrEnum):
    CLONES = "clones"
    CARRIED = "carried"
    COINCIDENCE = "coincidence"
    DEAD = "dead"
    SAME_SLOPE = "same slope"


@dataclass(frozen=True)
class Fact:
    """Some slices of one quantity: columns (0, 1, 2) of W^0."""

    ref: Ref
    axis: str  # "columns" | "rows"
    indices: tuple[int, ...]

    def text(self) -> str:
        return f"{slice_names(self.ref, self.axis, self.indices)} of {self.ref.symbol}" + _role(self)


@dataclass(frozen=True)
class EqualSlices:
    """A group of equal columns (or rows) of a step's result, and why they are equal."""

    axis: str
    indices: tuple[int, ...]  # of the result
    kind: Kind
    sources: tuple[Fact, ...]  # the slices they are computed from (those that differ, for a coincidence)
    roots: tuple[Fact, ...]  # where the equality starts: weights, inputs or targets
    layer: int | None  # the layer whose neurons these slices belong to
    neurons: tuple[int, ...]
    not_clones: str = ""  # for CARRIED in a hidden layer: why the symmetry will not last
    clones_inside: tuple[tuple[int, ...], ...] = ()  # clone groups among these neurons (after an edit)
    # SAME_SLOPE: the layer's activation, and the piece of its derivative (Activation.pieces) that
    # every one of these neurons is on, observation by observation (row by row).
    activation: str = ""
    pieces: tuple[int, ...] = ()
    batch: bool = False  # DEAD, SAME_SLOPE: the rows are a mini-batch's, not every observation


@dataclass(frozen=True)
class Break:
    """Neurons that were alike until this step, and differ here."""

    layer: int
    neurons: tuple[int, ...]
    was: str  # "equal so far in this iteration", "clones before the edit"
    result: Fact  # the result's slices that differ
    differing: tuple[Fact, ...]  # the sources that differ: the cause
    still_equal: tuple[tuple[int, ...], ...]
    first: bool


@dataclass(frozen=True)
class StepSymmetry:
    step: Step
    equal: tuple[EqualSlices, ...]
    breaks: tuple[Break, ...]

    def lines(self, clones_said: bool = False) -> list[str]:
        """The narration, one sentence per line (empty when nothing is equal and nothing breaks).
        ``clones_said``: the reader has just read :func:`still_clones_text` (equal_text)."""
        out = [break_text(b) for b in self.breaks]
        out += [equal_text(self.step, e, clones_said) for e in self.equal[:MAX_GROUPS]]
        if len(self.equal) > MAX_GROUPS:
            out.append(f"… and {len(self.equal) - MAX_GROUPS} more groups of equal slices.")
        return out


# --- reading values and slices -------------------------------------------------------------------
def ref_value(net: Network, values: IterationValues, ref: Ref) -> Array | None:
    """The matrix ``ref`` stands for in this iteration (None for the cost or an unstored Jacobian)."""
    if ref.quantity == Q.TARGETS:  # the batch's targets (all of them without mini-batches)
        return getattr(values, "targets", net.targets)
    if ref.quantity == Q.COST:
        return None
    try:
        value = values.quantity(ref.quantity)[ref.layer]
    except (AttributeError, ValueError, IndexError, TypeError):  # not per layer, or no such layer
        return None
    return value if isinstance(value, np.ndarray) and value.ndim == 2 else None


def _slice(matrix: Array, source: Source, index: int) -> Array | None:
    k = index + source.offset
    if source.ones and k == -1:
        return np.ones(matrix.shape[0] if source.axis == "columns" else matrix.shape[1])
    if k < 0:
        return None
    return matrix[:, k] if source.axis == "columns" else matrix[k]


def _all_equal(matrix: Array, source: Source, indices: Sequence[int]) -> bool:
    slices = []
    for i in indices:
        s = _slice(matrix, source, i)
        if s is None:
            return False
        slices.append(s)
    first = slices[0]
    return all(np.array_equal(first, s) for s in slices[1:])


def equal_groups(matrix: Array, axis: str) -> list[tuple[int, ...]]:
    """Groups (two or more) of exactly equal columns or rows, in order of their first member.

    Grouped by their bytes (with -0.0 made 0.0): a dictionary, not np.unique(axis=0), which is ten
    times slower on a 785×128 weight matrix. Slices holding NaN or inf are never called equal.
    """
    m = np.ascontiguousarray((matrix.T if axis == "columns" else matrix) + 0.0)
    if m.shape[0] < 2:
        return []
    found: dict[bytes, list[int]] = {}
    for i, row in enumerate(m):
        found.setdefault(row.tobytes(), []).append(i)
    groups = [tuple(g) for g in found.values() if len(g) > 1 and np.isfinite(m[g[0]]).all()]
    return sorted(groups, key=lambda g: g[0])


def neuron_axis(ref: Ref, axis: str) -> tuple[int, int] | None:
    """(layer, offset): slice k of ``ref`` along ``axis`` belongs to neuron k + offset of that layer.

    Per-neuron quantities: column j is neuron j of their layer. Weight-shaped W^l: column j is
    neuron j of layer l + 1 (its weights in), row i + 1 is neuron i of layer l (its weights out).
    """
    if ref.quantity == Q.COST:
        return None
    if ref.quantity in WEIGHT_SHAPED:
        return (ref.layer + 1, 0) if axis == "columns" else (ref.layer, -1)
    return (ref.layer, 0) if axis == "columns" else None


def sources_of(step: Step, axis: str) -> tuple[Source, ...]:
    given = step.columns_from if axis == "columns" else step.rows_from
    if given is not None:
        return given
    # Entry by entry: slice j of the result comes from slice j of every input.
    return tuple(Source(ref, axis) for ref in step.inputs)


# --- narrating an iteration ----------------------------------------------------------------------
def narrate(
    net: Network,
    values: IterationValues,
    steps: Sequence[Step],
    before: Sequence[NeuronGroup] = (),
    before_label: str = "clones before the change",
) -> tuple[StepSymmetry, ...]:
    """One :class:`StepSymmetry` per step of the iteration.

    ``before``: neuron groups that were clones before an edit or a re-initialisation; the first step
    where they differ is where the symmetry broke. Without it, a break is a group that was equal
    earlier in this iteration and differs here.
    """
    producer = {s.output: s for s in steps}
    clones = find_clones(net, values.weights)
    dead = dead_units(net, values)[0]
    tied: dict[int, dict[tuple[int, ...], str]] = {}
    for g in before:
        tied.setdefault(g.layer, {})[g.neurons] = before_label
    broken: dict[int, list[set[int]]] = {}  # groups that broke in this iteration: not tied again
    out: list[StepSymmetry] = []
    first_from_before = bool(before)
    for step in steps:
        result = ref_value(net, values, step.output)
        if result is None:
            out.append(StepSymmetry(step, (), ()))
            continue
        axes = ["columns"] + (["rows"] if step.output.quantity in WEIGHT_SHAPED else [])
        equal: list[EqualSlices] = []
        breaks: list[Break] = []
        for axis in axes:
            groups = equal_groups(result, axis)
            where = neuron_axis(step.output, axis)
            if where is not None:
                found = _breaks(net, values, step, axis, where, groups, tied)
                for b in found:
                    broken.setdefault(b.layer, []).append(set(b.neurons))
                    # "Where it broke first" is said of the clones an edit or re-initialisation broke.
                    if first_from_before and b.was == before_label:
                        b = replace(b, first=True)
                        first_from_before = False
                    breaks.append(b)
            for indices in groups:
                e = _equal_slices(net, values, step, axis, indices, where, producer, clones, dead)
                equal.append(e)
                if (
                    e.kind not in (Kind.COINCIDENCE, Kind.DEAD, Kind.SAME_SLOPE)
                    and e.layer is not None
                    and len(e.neurons) > 1
                    and not any(g <= set(e.neurons) for g in broken.get(e.layer, []))
                ):
                    tied.setdefault(e.layer, {}).setdefault(e.neurons, "equal so far in this iteration")
        out.append(StepSymmetry(step, tuple(equal), tuple(breaks)))
    return tuple(out)


def _neurons(indices: Sequence[int], where: tuple[int, int] | None) -> tuple[int | None, tuple[int, ...]]:
    if where is None:
        return None, ()
    layer, offset = where
    return layer, tuple(i + offset for i in indices if i + offset >= 0)


def _equal_slices(
    net: Network,
    values: IterationValues,
    step: Step,
    axis: str,
    indices: tuple[int, ...],
    where: tuple[int, int] | None,
    producer: dict[Ref, Step],
    clones: list[NeuronGroup],
    dead: Sequence[NeuronGroup] = (),
) -> EqualSlices:
    layer, neurons = _neurons(indices, where)
    # Dead ReLUs' 0s last as long as they stay dead, active ReLUs' da/dn of 1 as long as they stay
    # active: said so, not traced to their differing n.
    lies = _where_n_lies(net, values, step, axis, indices, layer, neurons, dead)
    if lies is not None:
        return lies
    facts: list[Fact] = []
    differing: list[Fact] = []
    for source in sources_of(step, axis):
        matrix = ref_value(net, values, source.ref)
        if matrix is None:
            continue
        fact = Fact(source.ref, source.axis, _shifted(indices, source))
        (facts if _all_equal(matrix, source, indices) else differing).append(fact)
    if differing or not facts:
        return EqualSlices(axis, indices, Kind.COINCIDENCE, tuple(differing), (), layer, neurons)
    roots: dict[Fact, None] = {}
    for source in sources_of(step, axis):
        if ref_value(net, values, source.ref) is not None:
            for r in _roots(
                net, values, source.ref, source.axis, _shifted(indices, source, keep_ones=True), producer
            ):
                roots[r] = None
    is_clone = (
        layer is not None
        and len(neurons) > 1
        and any(g.layer == layer and set(neurons) <= set(g.neurons) for g in clones)
    )
    # Clones inside the group (an edit of one neuron's weights leaves the others clones).
    inside = [g.neurons for g in clones if g.layer == layer and set(g.neurons) < set(neurons)]
    reason = "" if is_clone or layer is None else _not_clones(net, values, layer, neurons)
    return EqualSlices(
        axis,
        indices,
        Kind.CLONES if is_clone else Kind.CARRIED,
        tuple(facts),
        tuple(roots),
        layer,
        neurons,
        reason,
        tuple(inside) if reason else (),
    )


def _where_n_lies(
    net: Network,
    values: IterationValues,
    step: Step,
    axis: str,
    indices: tuple[int, ...],
    layer: int | None,
    neurons: tuple[int, ...],
    dead: Sequence[NeuronGroup],
) -> EqualSlices | None:
    """Slices equal because of where each neuron's n lies, though their n differ (so the traces
    would call it a coincidence, or a symmetry that will not last): all 0 for dead ReLUs, at any
    step; or columns of da/dn whose derivative is constant on pieces of n, each observation's n on
    the same piece for all of them. None otherwise (a bias row is no neuron's, so never here)."""
    if layer is None or len(neurons) != len(indices) or len(neurons) < 2:
        return None
    result = ref_value(net, values, step.output)
    if result is None:
        return None
    batch = _is_part(net, values)
    if any(g.layer == layer and set(neurons) <= set(g.neurons) for g in dead):
        part = result[:, list(indices)] if axis == "columns" else result[list(indices)]
        if not part.any():
            return EqualSlices(axis, indices, Kind.DEAD, (), (), layer, neurons, batch=batch)
    act, n = net.activation(layer), values.n[layer]
    if step.output.quantity != Q.DA_DN or axis != "columns" or not act.pieces or n is None:
        return None
    mine = n[:, list(neurons)]
    if (mine == mine[:, :1]).all():
        return None  # equal n: traced back to their cause (clones, or equal inputs) instead
    on = act.piece(mine)
    if not (on == on[:, :1]).all():
        return None
    pieces = tuple(int(k) for k in on[:, 0])
    return EqualSlices(
        axis,
        indices,
        Kind.SAME_SLOPE,
        (),
        (),
        layer,
        neurons,
        activation=act.name,
        pieces=pieces,
        batch=batch,
    )


def _is_part(net: Network, values: IterationValues) -> bool:
    """Whether this iteration's rows are a mini-batch smaller than the whole data set."""
    batch = values.batch
    return batch is not None and len(batch.indices) < net.observations


def _shifted(indices: Sequence[int], source: Source, keep_ones: bool = False) -> tuple[int, ...]:
    """The source's own indices; the column of ones (-1) is left out unless ``keep_ones``."""
    return tuple(i + source.offset for i in indices if keep_ones or i + source.offset >= 0)


def _roots(
    net: Network,
    values: IterationValues,
    ref: Ref,
    axis: str,
    indices: tuple[int, ...],
    producer: dict[Ref, Step],
) -> list[Fact]:
    """Where the equality of ``axis`` ``indices`` of ``ref`` starts, following the steps back."""
    step = producer.get(ref)
    if step is None:  # weights at the start, inputs, targets: given, not computed
        kept = tuple(i for i in indices if i >= 0)
        return [Fact(ref, axis, kept)] if len(kept) > 1 else []
    found: list[Fact] = []
    for source in sources_of(step, axis):
        matrix = ref_value(net, values, source.ref)
        if matrix is None or not _all_equal(matrix, source, [i for i in indices if i >= 0]):
            continue
        for r in _roots(
            net, values, source.ref, source.axis, _shifted(indices, source, keep_ones=True), producer
        ):
            if r not in found:
                found.append(r)
    return found


def _not_clones(net: Network, values: IterationValues, layer: int, neurons: tuple[int, ...]) -> str:
    """Why equal neurons of a hidden layer are not clones: their weights in or out differ."""
    if not 1 <= layer < net.depth or len(neurons) < 2:
        return ""
    w_in, w_out = values.weights[layer - 1], values.weights[layer]
    parts = []
    if not all(np.array_equal(w_in[:, neurons[0]], w_in[:, j]) for j in neurons[1:]):
        parts.append(f"their weights in (columns {index_list(neurons)} of W^{layer - 1}) differ")
    if not all(np.array_equal(w_out[1 + neurons[0]], w_out[1 + j]) for j in neurons[1:]):
        parts.append(f"their weights out (rows {index_list(neurons, 'i=')} of W^{layer}) differ")
    return " and ".join(parts)


def _breaks(
    net: Network,
    values: IterationValues,
    step: Step,
    axis: str,
    where: tuple[int, int],
    groups: list[tuple[int, ...]],
    tied: dict[int, dict[tuple[int, ...], str]],
) -> list[Break]:
    """Tied neuron groups of this layer whose slices are not all equal in this step's result."""
    layer, offset = where
    ties = tied.get(layer)
    if not ties:
        return []
    result = ref_value(net, values, step.output)
    if result is None:  # a step whose slices are compared has a stored matrix as its result
        raise ValueError(f"{step.output.symbol} is not a stored matrix")
    size = result.shape[1 if axis == "columns" else 0]
    equal_neurons = [{i + offset for i in g} for g in groups]
    found: list[Break] = []
    for neurons, was in list(ties.items()):
        if any(not 0 <= j - offset < size for j in neurons):
            continue
        if any(set(neurons) <= g for g in equal_neurons):
            continue
        still = tuple(tuple(sorted(set(neurons) & g)) for g in equal_neurons if len(set(neurons) & g) > 1)
        indices = tuple(j - offset for j in neurons)
        differing = []
        for source in sources_of(step, axis):
            matrix = ref_value(net, values, source.ref)
            if matrix is not None and not _all_equal(matrix, source, indices):
                differing.append(Fact(source.ref, source.axis, _shifted(indices, source)))
        found.append(
            Break(layer, neurons, was, Fact(step.output, axis, indices), tuple(differing), still, first=False)
        )
        del ties[neurons]
        for s in still:
            ties[s] = was
    return found


# --- words -----------------------------------------------------------------------------------------
def _follows(before: int | str, after: int | str) -> bool:
    """Whether ``after`` is the number right after ``before`` (names are never in a run)."""
    return isinstance(before, int) and isinstance(after, int) and after == before + 1


def index_list(indices: Sequence[int | str], prefix: str = "") -> str:
    """0–2, 0 and 2, 0, 1 and 3; runs of three or more consecutive numbers as a range.
    ``prefix`` goes before each number: i=0 and i=2."""
    items = list(indices)
    parts: list[str] = []
    k = 0
    while k < len(items):
        run = k
        while run + 1 < len(items) and _follows(items[run], items[run + 1]):
            run += 1
        if run - k >= 2:
            parts.append(f"{prefix}{items[k]}–{items[run]}")
            k = run + 1
        else:
            parts.append(f"{prefix}{items[k]}" if isinstance(items[k], int) else str(items[k]))
            k += 1
    if len(parts) > MAX_INDICES:
        return ", ".join(parts[: MAX_INDICES - 1]) + f", … ({len(items)} in all)"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def slice_names(ref: Ref, axis: str, indices: Sequence[int]) -> str:
    """ "columns 0–2", "rows i=0–2" (weights: row 0 is the bias row b), "rows o=0 and o=1", "column 0"."""
    s = "" if len(indices) == 1 else "s"
    if axis == "columns":
        return f"column{s} {index_list(indices)}"
    if ref.quantity in WEIGHT_SHAPED:
        bias = ["b"] if 0 in indices else []
        rest = [i - 1 for i in indices if i > 0]
        if not rest:
            return "row b"
        return f"row{s} " + index_list([*bias, *rest], "i=")
    return f"row{s} " + index_list(indices, "o=")


def _role(fact: Fact) -> str:
    if fact.ref.quantity == Q.WEIGHTS:
        return " (the weights in)" if fact.axis == "columns" else " (the weights out)"
    if fact.ref.quantity == Q.A and fact.ref.layer == 0:
        return " (the inputs)"
    return ""


def _facts(facts: Sequence[Fact]) -> str:
    """'columns 0–2 of n^1', or 'dC/da^2 and da^2/dn^2 have equal columns 0–2'."""
    if len(facts) > 1 and len({(f.axis, f.indices) for f in facts}) == 1:
        names = " and ".join(f.ref.symbol for f in facts)
        return f"{names} have equal {slice_names(facts[0].ref, facts[0].axis, facts[0].indices)}"
    return " and ".join(f.text() for f in facts) + " are equal"


def _subject(step: Step, axis: str, indices: Sequence[int]) -> str:
    text = f"{slice_names(step.output, axis, indices)} of {step.output.symbol}"
    return text[0].upper() + text[1:]


def equal_text(step: Step, e: EqualSlices, clones_said: bool = False) -> str:
    """Why slices ``e`` of the step's result are equal, in one sentence. ``clones_said``: at an
    update, "Still clones: equal gradient, equal change (neurons …)" (still_clones_text) came just
    before, and the sentence says what that did not (which slices are whose, equal in which
    matrices) and points back to it: the Why pane said the clones were still clones twice, one line apart."""
    subject = _subject(step, e.axis, e.indices)
    who = f"neurons {index_list(e.neurons)} of layer {e.layer}" if e.layer is not None else ""
    if e.kind is Kind.SAME_SLOPE:
        return slope_text(subject, who, e)
    if e.kind is Kind.DEAD:
        every = "every observation of this batch" if e.batch else "every observation"
        dead = f"{subject} are all 0: {who} are dead (n^{e.layer} ≤ 0 for {every}, where ReLU is flat)"
        if e.axis == "rows":  # their rows of a weight matrix going out: a^l = 0 is what they multiply
            # ("no gradient comes back through them … their weights in" was said of these rows,
            # the weights OUT of the dead neurons; a tester's finding)
            return (
                f"{dead}, so their output a^{e.layer} is 0 and their weights out, these rows of "
                f"W^{e.layer}, get no gradient: they do not change while the neurons stay dead."
            )
        if step.output.quantity == Q.A and e.layer is not None:
            return f"{dead}, so they output 0 and pass nothing on to layer {e.layer + 1}."
        return (
            f"{dead}, so no gradient comes back through them. Their weights in do not change: they "
            "stay dead unless what comes into them changes."
        )
    if e.kind is Kind.COINCIDENCE:
        differ = " and ".join(f.text() for f in e.sources)
        return (
            f"{subject} are equal in value only: {differ} differ, so this is a coincidence of these "
            "numbers, not a symmetry that lasts."
        )
    if step.phase is Phase.UPDATE and step.output.quantity == Q.WEIGHTS_AFTER:
        text = f"{subject} stay equal: {_facts(e.sources)} — equal gradients, so equal changes"
        if e.kind is Kind.CLONES:
            if clones_said:
                return f"{subject} stay equal: {_facts(e.sources)} ({who}, see above)."
            return text + f": {who} are still clones."
        return text + "."
    text = f"{subject} are equal because {_facts(e.sources)}"
    if e.roots and set(e.roots) != set(e.sources):
        text += f", in the end because {' and '.join(f.text() for f in e.roots)} are equal"
    text += "."
    if e.kind is Kind.CLONES:
        text += f" {who[0].upper() + who[1:]} are clones (equal weights in and out)."
    elif e.not_clones and e.clones_inside:  # some of them are clones (an edit parted one): say which
        still = "; ".join(f"neurons {index_list(g)}" for g in e.clones_inside)
        text += (
            f" Not all clones: {e.not_clones}; only {still} are clones (equal weights in and out), and only "
            "they will stay equal."
        )
    elif e.not_clones:
        text += f" Not clones: {e.not_clones}, so this will not last."
    return text


def still_clones_text(clones: Sequence[EqualSlices]) -> str:
    """An update's clones in one short line (the full sentences are :func:`equal_text`'s): what the
    Why pane keeps in view at 80x24, where one such sentence took three lines and was cut. One line
    at 80 columns for the seed, so that the update's operands keep their room."""
    groups = list(dict.fromkeys((tuple(e.neurons), e.layer) for e in clones))
    if len({neurons for neurons, _ in groups}) == 1:
        layers = sorted({layer for _, layer in groups if layer is not None})
        s = "s" if len(layers) > 1 else ""
        who = f"neurons {index_list(groups[0][0])}, layer{s} {index_list(layers)}"
    else:
        who = "; ".join(f"neurons {index_list(neurons)}, layer {layer}" for neurons, layer in groups)
    return f"Still clones: equal gradient, equal change ({who})."


def slope_text(subject: str, who: str, e: EqualSlices) -> str:
    """Equal columns of da/dn from neurons on the same piece of a piecewise-constant derivative."""
    act = ACTIVATIONS[e.activation]
    name = SPOKEN.get(act.name, act.name)
    n = f"n^{e.layer}"
    if len(act.pieces) == 1:  # linear: one slope for every n
        slope = f"{act.pieces[0].slope:g}"
        return (
            f"{subject} are all {slope}: {who} are {name}, whose slope is {slope} for every n, so "
            f"their derivative is {slope} everywhere. Not a coincidence: it holds whatever the weights."
        )
    every = "every observation of this batch" if e.batch else "every observation"
    used = sorted(set(e.pieces))
    if len(used) == 1:
        p = act.pieces[used[0]]
        where = p.where.replace("n", n, 1)
        return (
            f"{subject} are all {p.slope:g}: {who} are {p.word} for {every} ({where}, where "
            f"{name}'s slope is {p.slope:g}), so their derivative is {p.slope:g} everywhere. Not a "
            f"coincidence: it holds as long as they stay {p.word}."
        )
    off, on = act.pieces
    rows = slice_names(Ref(Q.N, e.layer or 0), "rows", [i for i, k in enumerate(e.pieces) if k == 1])
    return (
        f"{subject} are equal: {who} are {on.word} for the same observations ({on.where.replace('n', n, 1)} "
        f"in {rows}, where {name}'s slope is {on.slope:g}) and {off.word} for the others "
        f"({off.where.replace('n', n, 1)}, slope {off.slope:g}). Not a coincidence: it holds as long as "
        f"they are {on.word} for the same observations."
    )


def break_text(b: Break) -> str:
    head = f"The symmetry breaks here{' first' if b.first else ''}: neurons {index_list(b.neurons)} of layer "
    if b.still_equal:
        # Some stay together: name the ones that part, in the result's own columns (or rows).
        together = {j for g in b.still_equal for j in g}
        offset = b.neurons[0] - b.result.indices[0]
        parting = [j for j in b.neurons if j not in together]
        apart = Fact(b.result.ref, b.result.axis, tuple(j - offset for j in parting))
        rest = Fact(b.result.ref, b.result.axis, tuple(j - offset for j in sorted(together)))
        text = (
            f"{head}{b.layer}, {b.was}, are no longer all alike: {apart.text()} differ"
            f"{'s' if len(parting) == 1 else ''} from {slice_names(rest.ref, rest.axis, rest.indices)}"
        )
    else:
        text = f"{head}{b.layer}, {b.was}, differ in {b.result.text()}"
    if b.differing:
        text += f" because {' and '.join(f.text() for f in b.differing)} differ"
    text += "."
    if b.still_equal:
        text += " Still equal: " + "; ".join(f"neurons {index_list(g)}" for g in b.still_equal) + "."
    return text


def narration(net: Network, values: IterationValues) -> dict[int, list[str]]:
    """Each step's narration by step index, for the exports (the whole iteration is traced, so an
    export of one step says the same as the app at that step)."""
    with np.errstate(all="ignore"):  # a diverged iteration's inf and NaN are never called equal
        story = narrate(net, values, build_steps(net))
    return {s.step.index: s.lines() for s in story}


def neuron_spread(weights: Sequence[Array]) -> tuple[float, ...]:
    """Per hidden layer l = 1..L-1: the smallest Euclidean distance between two of its neurons'
    weights in (columns of W^{l-1}, bias included). Exactly 0 while two neurons are clones (or share
    their weights in); inf for a layer of one neuron. How far apart the most similar neurons are."""
    with np.errstate(all="ignore"):  # a diverged run's inf and NaN give no distance, not warnings
        return tuple(_closest(w) for w in weights[:-1])


def _closest(w: Array) -> float:
    """The smallest distance between two columns of ``w`` (inf for one column)."""
    if w.shape[1] < 2:
        return math.inf
    scale = float(np.abs(w).max())
    if math.isfinite(scale) and not 1e-100 < scale < 1e100:
        # Squares of a weight of 1e200 overflow (a tester's edit read d = 0.000, as clones do), and
        # of 1e-200 vanish: pair by pair, each difference in units of its own largest entry.
        return min(_distance(w[:, j] - w[:, k]) for j, k in itertools.combinations(range(w.shape[1]), 2))
    norms = (w * w).sum(axis=0)
    d2 = norms[:, None] + norms[None, :] - 2.0 * (w.T @ w)
    np.fill_diagonal(d2, np.inf)
    # Rounding leaves ~1e-16 where two columns are equal: those pairs are checked exactly, so clones
    # read exactly 0.
    close = np.argwhere(d2 <= 1e-12 * (1.0 + norms.max()))
    if any(np.array_equal(w[:, j], w[:, k]) for j, k in close):
        return 0.0
    return float(math.sqrt(max(float(d2.min()), 0.0)))


def _distance(diff: Array) -> float:
    """The length of ``diff``, without squaring numbers too large or too small to square."""
    unit = float(np.abs(diff).max())
    return 0.0 if unit == 0 else unit * math.sqrt(float(((diff / unit) ** 2).sum()))
