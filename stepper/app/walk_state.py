"""What a walk looks like on screen: each matrix's state, the header lines, which layer to show.

Shared by the main screen and the side-by-side view; the numbers and step descriptions all come
from the engine's :class:`~stepper.engine.walk.Walk`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

from stepper.app.widgets.matrix import MatrixState, MatrixView
from stepper.engine.compare import Checked
from stepper.engine.diagnose import Diagnosis, clone_sentences
from stepper.engine.explain import operand_slices
from stepper.engine.iteration import Array
from stepper.engine.network import Network
from stepper.engine.quantities import WEIGHT_SHAPED, Q
from stepper.engine.steps import Phase, Ref, Step
from stepper.engine.walk import Walk
from stepper.formatting import SIG_DIGITS, format_number

RUN_INTERVAL = 1 / 20  # continuous training, here and side by side: one iteration per tick
# How the app sets the learning rate, where a remedy names it (the command line says --lr).
LEARNING_RATE_KEY = "key O, then η"


def pane_layer(step: Step | None) -> int:
    """The layer whose pane holds the step's result (weights W^l belong to layer l + 1's pane, and
    so do their gradient and the optimizer's terms: adam's m^1 was taken for layer 1's, and at
    120x40 the update of W^1 was planned around the wrong pane, its operands out of view)."""
    if step is None:
        return 1
    ref = step.output
    if ref.quantity in WEIGHT_SHAPED:
        return ref.layer + 1
    return max(1, ref.layer)


def clone_map(d: Diagnosis) -> dict[int, tuple[int | None, ...]]:
    """Each hidden layer's clone group per neuron (layers without clones are left out)."""
    return {g.layer: tuple(d.clone_groups(g.layer)) for g in d.clones}


def column_clones(ref: Ref, clones: Mapping[int, tuple[int | None, ...]]) -> tuple[int | None, ...]:
    """Each column's clone group in ``ref``'s matrix, from :func:`clone_map`: clones show in their
    own layer's columns and in the columns of the weights coming in (and, in rows, going out)."""
    if ref.quantity == Q.TARGETS:
        return ()
    return clones.get(ref.layer + (ref.quantity in WEIGHT_SHAPED), ())


def matrix_shape(walk: Walk, ref: Ref) -> tuple[int, int]:
    sizes, m = walk.net.layers, walk.values.a[0].shape[0]  # this iteration's batch
    if ref.quantity in WEIGHT_SHAPED:
        return sizes[ref.layer] + 1, sizes[ref.layer + 1]
    return m, sizes[ref.layer]


def show_matrices(
    views: Iterable[MatrixView],
    walk: Walk,
    checks: Mapping[Ref, Checked] | None = None,
    digits: int = SIG_DIGITS,
    selected: tuple[Ref, int, int] | None = None,
) -> None:
    """Give every view its value, its role in the current step and the clone groups it shows; with
    ``checks``, the cells where the learner's own numbers differ; with a ``selected`` cell of the
    current product, the operands' row and column that make it."""
    step = walk.current_step
    marks: dict[Ref, dict[str, int]] = {}
    if step is not None and selected is not None and selected[0] == step.output:
        for ref, axis, index in operand_slices(step, selected[1], selected[2]):
            marks.setdefault(ref, {})[axis] = index
    inputs = set(step.inputs) if step else set()
    # Plain sgd: ΔW is made by the update step along with the new W = W + ΔW, and read by it: it is
    # marked as an operand. (It was marked current as well, and two matrices looked current, the
    # cursor starting on ΔW rather than on the step's result; a tester's finding.)
    updating = step is not None and step.output.quantity == Q.WEIGHTS_AFTER
    updating = updating and not any(s.output.quantity == Q.CHANGE for s in walk.steps)
    companion = Ref(Q.CHANGE, step.layer) if step is not None and updating else None
    clones = clone_map(walk.diagnosis)
    for view in views:
        ref = view.ref
        value = _matrix(walk.value(ref))
        weight_shaped = ref.quantity in WEIGHT_SHAPED
        col_clones = column_clones(ref, clones)
        row_clones = (None, *clones[ref.layer]) if weight_shaped and ref.layer in clones else ()
        rows, cols = matrix_shape(walk, ref)
        note = ""
        if ref.quantity == Q.DA_DN and walk.net.activation(ref.layer).derivative is None:
            note = "softmax: a Jacobian per observation, not stored"
        if step is not None and ref == step.output:
            role = "current"
        elif ref in inputs or ref == companion:
            role = "input"
        elif value is None:
            role = "pending"
        else:
            role = "done"
        differs = None
        check = checks.get(ref) if checks and value is not None else None
        if check is not None:
            if check.bad is None:
                note = f"≠ yours: {check.shape_reason}"
            elif check.bad.any():
                differs = check.bad
        # Columns are as wide before a value is revealed as after: the view keeps its size, and a
        # step needs a repaint but no new layout.
        sizing = value if value is not None else _matrix(walk.peek(ref))
        mark = marks.get(ref, {})
        view.show(
            MatrixState(
                value,
                role,
                rows,
                cols,
                note,
                col_clones,
                row_clones,
                differs,
                sizing,
                digits,
                mark.get("rows"),
                mark.get("columns"),
            )
        )


def status_lines(walk: Walk, compact: bool = False) -> tuple[str, str]:
    """Where we are (iteration, step k of S, phase, layer, cost) and the step's formula with shapes.

    ``compact``: iteration, step and cost, then the formula (for half a screen's width).
    """
    step = walk.current_step
    total = walk.steps_per_iteration
    cost = walk.value(Ref(Q.COST, walk.net.depth))
    cost_text = format_number(float(cost)) if cost is not None else "—"
    run = run_label(walk, compact)
    if compact:
        formula = f"{step.formula}    {step.shapes}" if step is not None else "ready"
        return f"Iteration {walk.iteration}{run} · step {walk.done}/{total} · C = {cost_text}", formula
    if step is None:
        where = f"Iteration {walk.iteration}{run} · step 0 of {total} · ready"
        formula = f"Press n to compute {walk.steps[0].output.symbol}."
    else:
        if step.output.quantity == Q.GRAD or step.phase is Phase.UPDATE:
            layer = f"W^{step.layer} (layer {step.layer} → {step.layer + 1})"
        else:
            layer = f"layer {step.layer}" if step.phase is not Phase.COST else "output"
        # The cost before the phase and layer: a narrow header cuts the end of the line, never the cost.
        where = (
            f"Iteration {walk.iteration}{run} · step {step.number} of {total} · C = {cost_text}"
            f" · {step.phase.value} · {layer}"
        )
        formula = f"{step.formula}    {step.shapes}"
        return where, formula
    return f"{where} · C = {cost_text}", formula


def run_description(net: Network) -> str:
    """How a network is trained, briefly: "adam β1=0.9 …, batches of 2" or "sgd, full batch"."""
    batches = "full batch" if net.full_batch else f"batches of {net.batch_size}"
    return f"{net.optimizer.label()}, {batches}"


def run_label(walk: Walk, compact: bool = False) -> str:
    """Which update this is, when it is more than the iteration number says: the optimizer's t
    (when it has state), and with mini-batches the epoch and the batch's observations."""
    net = walk.net
    out = ""
    if net.optimizer.name != "sgd":
        out += f" · t={walk.values.state_after.t}"  # updates so far, this one included
    batch = walk.values.batch
    if batch is not None:
        per_epoch = net.training.batches_per_epoch(net.observations)
        out += f" · epoch {batch.epoch}, batch {batch.number}/{per_epoch}"
        if not compact:
            out += f" (obs {batch.label(net.observations)})"
    return out


def curve_end(walk: Walk) -> int:
    """The last iteration whose cost is on the curve: this one's once its cost step is done."""
    return walk.iteration if walk.value(Ref(Q.COST, walk.net.depth)) is not None else walk.iteration - 1


def cost_curve(walk: Walk, until: int | None = None) -> Array:
    """The finite costs of iterations 1..``until`` (default: up to the walk's position), iteration 1
    first (inf and NaN cannot be drawn; the health notice reports them). The cost curve groups them
    into its columns itself (CostChart): one numpy pass, so redrawing the curve during a run of
    200,000 iterations stays cheap."""
    last = curve_end(walk) if until is None else until
    return walk.history.costs.finite(last)


def epoch_curve(walk: Walk, until: int | None = None) -> list[float]:
    """With mini-batches: the finite costs over all observations after each epoch completed before
    iteration ``until`` (default: the walk's), epoch 1 first."""
    history = walk.history
    if history.schedule is None:
        return []
    last = (walk.iteration if until is None else until + 1) - 1
    if until is None and walk.done == walk.steps_per_iteration:  # this iteration's update is done
        last = walk.iteration
        history.record_epoch_end(last, walk.values.weights_after)
    per_epoch = history.schedule.per_epoch
    costs = history.epoch_costs
    return [c for e in range(1, last // per_epoch + 1) if e in costs and math.isfinite(c := costs[e])]


def clone_sentences_line(d: Diagnosis) -> str:
    """One line on the clones: which, and what the network effectively is; or that there are none."""
    if not d.clones and len(d.layers) <= 2:  # no hidden layer (sgd-vs-adam's 2-1): no neuron to clone
        return "✓ No hidden layer, so no clones: each output neuron has weights of its own."
    if not d.clones:
        return "✓ No clones: every hidden neuron can learn something of its own."
    where = "; ".join(f"{layers}: {neurons}" for layers, neurons in clone_sentences(d.clones))
    effective = d.effective_shape
    return f"✗ Clones in {where} — effectively {effective}."


SPARK = "▁▂▃▄▅▆▇█"


def spark(values: list[float]) -> str:
    """A one-line plot from the lowest value (▁) to the highest (█); all ▁ when flat, as clones'
    distance 0 is."""
    lo, hi = min(values, default=0.0), max(values, default=0.0)
    if not hi > lo:
        return SPARK[0] * len(values)
    return "".join(SPARK[int((v - lo) / (hi - lo) * (len(SPARK) - 1) + 0.5)] for v in values)


def spread_series(walk: Walk, layer: int, count: int) -> list[float]:
    """Layer ``layer``'s spread at the start of the last ``count`` iterations computed, up to this one."""
    known = walk.spread
    its = [k for k in sorted(known) if k <= walk.iteration][-count:]
    return [known[k][layer - 1] for k in its if math.isfinite(known[k][layer - 1])]


def layer_map_line(walk: Walk, width: int) -> str:
    """Every layer's size in one line, the current one in ▶ ◀, clones as "3=1" (3 neurons, 1
    distinct), and per hidden layer a small plot of the distance between its two closest neurons'
    weights in over the last iterations, with its value now. Shorter forms when it would not fit."""
    net = walk.net
    current = pane_layer(walk.current_step)
    effective = walk.diagnosis.effective_layers

    def entry(l: int, bars: int) -> str:
        size = net.layers[l]
        text = f"L{l} {size}" + (f"={effective[l]}" if effective[l] != size else "")
        if bars and 0 < l < net.depth:
            series = spread_series(walk, l, bars)
            if series:
                text += f" {spark(series)} d={format_number(series[-1], 3)}"
        return f"▶{text}◀" if l == current else text

    # Shorter and shorter: fewer bars, then plain spaces between layers and no "Layers", before the
    # plots go (a 7-layer network keeps its plots at 120 columns).
    forms = ((8, " ─ ", "Layers "), (4, " ─ ", "Layers "), (2, " ─ ", "Layers "), (1, " ", "Layers "))
    for bars, sep, head in (*forms, (1, " ", ""), (0, " ─ ", "Layers "), (0, " ", "")):
        line = head + sep.join(entry(l, bars) for l in range(net.depth + 1))
        if len(line) <= width:
            return line
    return line[: max(0, width - 1)] + "…"


def _matrix(value: Array | float | None) -> Array | None:
    """A view's value: views show matrices only (the cost, a float, is shown on its own)."""
    return value if isinstance(value, np.ndarray) else None
