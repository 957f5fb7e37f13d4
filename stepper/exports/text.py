"""``stepper trace --format text``: every step of an iteration, for people, at 80 columns."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence

from stepper.engine.divergence import Divergence, steps_shown
from stepper.engine.explain import product_operands
from stepper.engine.iteration import IterationValues
from stepper.engine.network import Network
from stepper.engine.quantities import Q
from stepper.engine.steps import Step
from stepper.engine.symmetry import narration
from stepper.exports.matrix_text import render_matrix
from stepper.exports.product import product_layout
from stepper.formatting import counted, format_number, kept_whole, wrap_kept

WIDTH = 80


def network_line(net: Network, edited: bool = False) -> str:
    """``edited``: some weights were set by hand in the app (the numbers shown are the edited ones)."""
    init = "weights from the file" if net.weights_given else f"init {net.init.describe()}"
    if edited:
        init += ", then weights edited by hand"
    return (
        f"{net.name}: {net.shape_label()} {net.activation_label()}, cost {net.cost}, "
        f"η = {net.learning_rate:g}, {init}, {counted(net.observations, 'observation')}"
        + (
            ""
            if net.optimizer.name == "sgd" and not net.optimizer.decays
            else f", optimizer {net.optimizer.label()}"
        )
        + ("" if net.full_batch else f", batches of {net.batch_size}")
    )


def network_title(lead: str, net: Network, edited: bool = False, width: int = 80) -> list[str]:
    """``lead`` and the network's line, wrapped to ``width`` columns between the line's
    comma-separated parts ("2 observations" stays whole), a wrapped line indented under the first:
    the line is about 100 characters, and an 80-column terminal broke it mid-word."""
    # Each comma-separated part whole; the lead's own spaces may break ("compare mine.json with").
    parts = kept_whole(network_line(net, edited), r"[^,\s][^,]*")
    return wrap_kept(f"{lead}{parts}", width, subsequent_indent="  ")


def batch_line(net: Network, iteration: int, values: IterationValues) -> str:
    """Which update this is: t, the epoch and the batch's observations (docs/network-files.md, [training])."""
    if values.batch is None:
        return (
            f"t = {values.state_after.t}, epoch {iteration}, full batch (all {net.observations} observations)"
        )
    b = values.batch
    per_epoch = net.training.batches_per_epoch(net.observations)
    return (
        f"t = {values.state_after.t}, epoch {b.epoch}, batch {b.number}/{per_epoch}: "
        f"observations {', '.join(map(str, b.indices.tolist()))}"
    )


def rule(title: str, char: str) -> str:
    head = f"{char * 2} {title} "
    return head + char * max(0, WIDTH - len(head))


def step_text(
    net: Network,
    step: Step,
    values: IterationValues,
    steps_total: int,
    story: Sequence[str] = (),
) -> list[str]:
    out = [rule(f"Step {step.number}/{steps_total} · {step.phase.value} · {step.title}", "─")]
    out.append(f"{step.formula}      {step.shapes}")
    ref = step.output
    product = product_operands(net, step, values)
    layout = None if product is None else product_layout(product.left, product.right, product.result)
    if product is not None and layout is not None:
        # As in the question: the left operand's rows on the left, the right operand above, and
        # each result cell where its row and column meet.
        left, right, result = product.names
        out.append(f"  {left} (left) · {right} (above) = {result} (grid):")
        out.extend("  " + line for line in layout)
    elif ref.quantity == Q.COST:
        out.append(f"  C = {format_number(values.cost)}")
    else:
        matrix = values.quantity(ref.quantity)[ref.layer]
        if matrix is None:
            out.append("  (a Jacobian per observation: applied in the next step, not stored)")
        else:
            out.extend(render_matrix(matrix, ref.quantity))
    # Which columns are equal and why (engine/symmetry.py).
    for sentence in story:
        out.extend(textwrap.wrap(sentence, WIDTH, initial_indent="  ", subsequent_indent="    "))
    return out


def end_line(iteration: int, values: IterationValues, diverged: Divergence | None) -> str:
    """The last line of an iteration: its cost, or where it diverged."""
    if diverged is not None and diverged.iteration == iteration:
        return f"Stopped: {diverged.report}"
    return f"Cost of iteration {iteration}: C = {format_number(values.cost)}"


def iteration_text(
    net: Network,
    iteration: int,
    values: IterationValues,
    steps: tuple[Step, ...],
    diverged: Divergence | None = None,
    story: Mapping[int, list[str]] | None = None,
) -> list[str]:
    """``story``: the narration to use (the app's, which knows what an edit or ``s`` broke), else
    the iteration's own."""
    out = [
        rule(f"Iteration {iteration}", "═"),
        batch_line(net, iteration, values),
        "Weights at the start of the iteration (b = bias row):",
    ]
    for l, w in enumerate(values.weights):
        out.append(f"W^{l}  ({w.shape[0]}×{w.shape[1]})")
        out.extend(render_matrix(w, Q.WEIGHTS))
    out.append("Input a^0:")
    out.extend(render_matrix(values.a[0], Q.A))
    out.append("Targets y:")
    out.extend(render_matrix(values.targets, Q.TARGETS))
    if story is None:
        story = narration(net, values)
    for step in steps_shown(steps, diverged, iteration):
        out.append("")
        out.extend(step_text(net, step, values, len(steps), story.get(step.index, [])))
    out.append("")
    out.append(end_line(iteration, values, diverged))
    return out


def trace_text(
    net: Network,
    iterations: list[IterationValues],
    steps: tuple[Step, ...],
    first: int = 1,
    diverged: Divergence | None = None,
    story: Mapping[int, list[str]] | None = None,
    edited: bool = False,
) -> str:
    chunks = trace_text_chunks(net, [(v, diverged) for v in iterations], steps, first, story, edited)
    return "".join(chunks)[:-1]


def trace_text_chunks(
    net: Network,
    iterations: Iterable[tuple[IterationValues, Divergence | None]],
    steps: tuple[Step, ...],
    first: int = 1,
    story: Mapping[int, list[str]] | None = None,
    edited: bool = False,
) -> Iterator[str]:
    """The trace as text a piece at a time (one iteration, with its divergence or None, each),
    ending in a newline: a long trace is written as it is computed, never held whole. ``story``:
    the first iteration's narration, as the app tells it (see :func:`iteration_text`)."""
    yield "\n".join(network_title("stepper trace · ", net, edited)) + "\n\n"
    for k, (values, diverged) in enumerate(iterations, start=first):
        told = story if k == first else None
        yield "\n".join(iteration_text(net, k, values, steps, diverged, told)) + "\n\n"
