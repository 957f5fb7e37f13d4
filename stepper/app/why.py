"""What the Why pane says: the step's formula and reason, its product laid out as in the question,
how the learner's numbers differ there (with --compare), and the selected cell term by term.

Everything comes from the engine's step descriptions and values; this only writes it out as markup.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
from rich.markup import escape

from stepper.app.walk_state import LEARNING_RATE_KEY, clone_map, column_clones
from stepper.engine.compare import MineChecker
from stepper.engine.explain import (
    EQUAL_NOW_MARKS,
    cell_meaning,
    cell_name,
    cell_terms,
    cost_terms,
    equal_column_groups,
    equal_now_groups,
    operand_labels,
    product_operands,
)
from stepper.engine.quantities import Q, symbol
from stepper.engine.steps import Ref, Step
from stepper.engine.symmetry import Kind, index_list, still_clones_text
from stepper.engine.walk import Walk
from stepper.exports.compare_out import as_written
from stepper.exports.product import COL_MARK, ROW_MARK, product_layout, stacked_layout
from stepper.formatting import SIG_DIGITS, format_number, kept_whole, precision, wrap_kept

YOURS = "  ≠ yours"  # the start of the line with the learner's number, where it differs (cell_parts)


class WhyText(NamedTuple):
    """The Why pane's markup, and how many of its first lines are the verdict, the cell's line and
    its computation down to its result: what the pane keeps in view under a tall step; and how many
    a notice keeps clear of (``kept``): those, and down to the learner's own number where it differs
    ("≠ yours (mine.json): …", which a compare notice covered at 80x24)."""

    markup: str
    lead: int
    kept: int


# Columns a text leaves at its right for the Why pane's scrollbar, which a long text brings after
# it is written.
SCROLLBAR_ROOM = 2


def why_text(
    walk: Walk,
    selected: tuple[Ref, int, int] | None,
    checker: MineChecker | None,
    digits: int = SIG_DIGITS,
    verdict: str | None = None,
    width: int | None = None,
) -> WhyText:
    """The Why pane's text: the quiz's ``verdict`` for this step (✓ right / ✗ wrong …) first, then
    the selected cell's computation (the pane is short: what the learner picked is what they want
    to read), then the step's formula, narration, reason and product (stacked when wider than
    ``width``); and how many of its lines lead it (WhyText)."""
    step = walk.current_step
    lines, tail = lead_lines(walk, selected, checker, digits, verdict, width)
    lead = len(lines)
    kept = next((lead + i + 1 for i, line in enumerate(tail) if line.startswith(YOURS)), lead)
    lines += tail
    if step is None:
        nxt = walk.steps[0]
        lines.append(
            escape(f"Iteration {walk.iteration} is ready: weights W as they stand, nothing computed yet.")
        )
        lines.append(escape(f"Next: {nxt.title}: {nxt.formula}"))
    else:
        lines.append(f"[b]{escape(step.title)}[/b]   {escape(step.formula)}   {escape(step.shapes)}")
        # Which columns are equal here and why, or where a symmetry broke: the point of the seed.
        # The clones of an update are said to be still clones in the lead, read first: here only
        # which of the step's slices stay equal, and why (lead_lines).
        said = step.output.quantity == Q.WEIGHTS_AFTER
        lines += [f"[i]{escape(line)}[/i]" for line in walk.symmetry[step.index].lines(clones_said=said)]
        lines += [f"[i]{escape(line)}[/i]" for line in equal_now_lines(walk, step)]
        lines.append(escape(step.why))
        lines += precision_lines(walk, step, digits)
        lines += product_lines(walk, selected, digits, width)
        lines += [escape(line) for line in differences(walk, step.output, checker)]
        diverged = walk.divergence
        if diverged is not None and walk.at_divergence:
            # The words of trace's last line: the walk goes no further than this step.
            lines.append(f"[b]Stopped:[/b] {escape(diverged.report_setting(LEARNING_RATE_KEY))}")
    return WhyText("\n".join(lines), lead, kept)


def lead_lines(
    walk: Walk,
    selected: tuple[Ref, int, int] | None,
    checker: MineChecker | None,
    digits: int = SIG_DIGITS,
    verdict: str | None = None,
    width: int | None = None,
) -> tuple[list[str], list[str]]:
    """The Why text's lead (why_text: the verdict, the cell's line and its computation down to its
    result, "still clones" at an update), and what the selected cell adds after it (its meaning
    where too long for its line, the learner's number). Apart, so that the step view can measure
    the lead of every cell of a step (WalkView.step_lead)."""
    step = walk.current_step
    lines: list[str] = []
    for i, said in enumerate((verdict or "").splitlines()):
        # "✓ right" or "✗ wrong" in bold: no notice says it again. The wrong answer's computation
        # goes on indented: wrapped at the pane's edge, its next line read as a new term.
        wrapped_lines = [escape(line) for line in wrapped(said, width, first_indent="")]
        lines += [f"[b]{line}[/b]" for line in wrapped_lines] if i == 0 else wrapped_lines

    def worked_out(name: str) -> bool:
        # A wrong answer's verdict writes out the cell's computation on a line of its own ("a^1[o=0,
        # j=0] = sigmoid(2.2) = …"): the cursor on that cell would add the same again. A right
        # answer's verdict names the value only, and the computation follows (it went missing).
        return any(line.startswith(f"{name} =") for line in (verdict or "").splitlines())

    if step is not None and step.output.quantity == Q.COST and not worked_out("C"):
        # The step's result is one number, no cell of a matrix: its computation comes first.
        with precision(digits):
            terms = cost_terms(walk.net, walk.values)
        lines += ["[b]C[/b]: the cost of this iteration", *(escape(line) for line in wrapped(terms, width))]
    # An update that leaves clones clones says so within the lead, kept in view under the step at
    # 80x24: "equal gradients, so equal changes: … still clones" answers the seed's question, and a
    # tester found it below the fold at every update step there.
    told = walk.symmetry[step.index] if step is not None else None
    clones = []
    if told is not None and told.step.output.quantity == Q.WEIGHTS_AFTER:
        clones = [e for e in told.equal if e.kind is Kind.CLONES]
    tail: list[str] = []
    if selected is not None and not worked_out(cell_name(*selected)):
        with precision(digits):  # the cell's computation at the precision the matrices show
            computation, tail = cell_parts(walk, *selected, checker, width, in_lead=bool(clones))
        lines += computation
    if clones:
        # After the cell's meaning where that went under its computation: the meaning is the
        # cell line's, and read after "Still clones" it seemed to tell of the clones (a tester).
        lines += [line for line in tail if not line.startswith(YOURS)]
        tail = [line for line in tail if line.startswith(YOURS)]
        lines.append(f"[i]{escape(still_clones_text(clones))}[/i]")
    return lines, tail


# The last step's =a lines, by its values (a new object when anything changes) and index: the
# Why text is written again on every cursor move, and a 784-wide input's columns take milliseconds.
_EQUAL_NOW_KEPT: list[tuple[object, int, list[str]]] = []


def equal_now_lines(walk: Walk, step: Step) -> list[str]:
    """What =a, =b, … in the step's matrices mean: columns equal in these values only, not clones.
    A learner met "j=0 =a" over W^2's columns in the seed's update and nothing on screen said what
    it was (the clones' C1 is explained by the lines above this one)."""
    values = walk.values
    for kept_values, index, lines in _EQUAL_NOW_KEPT:
        if kept_values is values and index == step.index:
            return lines
    lines = _equal_now_lines(walk, step)
    _EQUAL_NOW_KEPT[:] = [(values, step.index, lines), *_EQUAL_NOW_KEPT[:1]]  # side by side: two walks
    return lines


def _equal_now_lines(walk: Walk, step: Step) -> list[str]:
    clones = clone_map(walk.diagnosis)
    where: list[tuple[str, str]] = []  # (its letter, "j=0 and j=1 of W^2")
    for ref in dict.fromkeys((*step.inputs, step.output)):  # in the step's order, each once
        value = walk.value(ref)
        if not isinstance(value, np.ndarray) or value.ndim != 2 or value.shape[0] < 2:
            continue  # the matrices mark equal columns only where they have two rows or more
        letters = equal_now_groups(equal_column_groups(value), column_clones(ref, clones))
        groups: dict[int, list[int]] = {}
        for j, letter in enumerate(letters):
            if letter is not None:
                groups.setdefault(letter, []).append(j)
        name = symbol(ref.quantity, ref.layer)
        where += [
            (f"={EQUAL_NOW_MARKS[k % len(EQUAL_NOW_MARKS)]}", f"{index_list(cols, 'j=')} of {name}")
            for k, cols in sorted(groups.items())
        ]
    if not where:
        return []
    marks = list(dict.fromkeys(mark for mark, _ in where))
    listed = ", ".join(f"{place} ({mark})" if len(marks) > 1 else place for mark, place in where)
    said = marks[0] + " marks" if len(marks) == 1 else ", ".join(marks) + " mark"
    return [
        f"{said} columns equal in this iteration's values only: {listed}. They are not clones "
        "(those carry C1, C2, …): gradient descent need not keep them equal."
    ]


def precision_lines(walk: Walk, step: Step, digits: int) -> list[str]:
    """Where a learner's float32 numbers (TensorFlow's and PyTorch's default) part from these at 7
    digits: float32 holds a number between 0.5 and 1 to about 6e-8, so an activation there (the
    seed question's a^3 = 0.9806908, here 0.9806907) and what is computed from it can differ in the
    7th digit; 1 − a with a near 1 keeps only about 5 of its digits, and the steps after inherit
    that (da^3/dn^3 = 0.01893635 there, 0.01893642 here). Said from the first such step on: the
    note came only at da^3/dn^3, three steps after the first number that differed (a tester)."""
    if digits < 7:
        return []
    layer, output = step.layer, step.output
    if f"(1 − a^{layer})" in step.formula:
        where = f"loses some in 1 − a^{layer} when a^{layer} is near 1"
    elif output.quantity in (Q.A, Q.DC_DA) and output.layer >= 1 and _reaches_half(walk.value(output)):
        where = "holds numbers between 0.5 and 1 to about 6e-8"
    else:
        return []
    return [
        f"[i]float32 keeps about 7 digits and {where}: numbers computed in float32 (TensorFlow, "
        "PyTorch) can differ from here on in the 6th or 7th digit. stepper computes in float64; "
        "press d for 5 digits.[/i]"
    ]


def _reaches_half(value: object) -> bool:
    """A matrix with a number of magnitude 0.5 or more (where float32's spacing is 6e-8)."""
    return isinstance(value, np.ndarray) and value.size > 0 and float(np.nanmax(np.abs(value))) >= 0.5


def product_lines(
    walk: Walk, selected: tuple[Ref, int, int] | None, digits: int, width: int | None = None
) -> list[str]:
    """The step's product as in the question, its operands labelled; with a cell of the result
    selected, its row of the left operand (▶) and column of the right one (▼) are marked, in bold
    (its term-by-term sum leads the pane, see why_text). Wider than ``width`` (80 columns, say),
    the operands and the result are stacked instead: a wrapped grid reads as nonsense."""
    step = walk.current_step
    if step is None:
        return []
    product = product_operands(walk.net, step, walk.values)
    if product is None:
        return []
    mark = None
    if selected is not None and selected[0] == step.output:
        mark = (selected[1], selected[2])
    layout = product_layout(product.left, product.right, product.result, digits, mark)
    if not layout:
        return []
    left, right, result = product.names
    room = None if width is None else width - SCROLLBAR_ROOM  # a grid as long as this text scrolls
    if room is not None and max(len(line) for line in layout) > room:
        stacked = stacked_layout(product.left, product.right, product.result, product.names, digits, mark)
        # Stacked and still too wide (half a screen, side by side): no grid at all, rather than one
        # whose lines wrap; the matrices above show the operands, and the cell's sum leads the pane.
        # (Side by side at 120x40, init normal's rows, two columns too wide, had their closing │ on
        # a line of its own.)
        layout = stacked if stacked and max(len(line) for line in stacked) <= room else []
        if not layout:
            return []  # (its heading named a left, an above and a result shown nowhere)
        # Stacked, no operand is left of or above another: the heading said so all the same.
        head = f"{left} · {right} = {result}, one under the other"
    else:
        head = f"{left} (left) · {right} (above) = {result} (result)"
    if mark is not None:
        row, col = operand_labels(step.output, *mark)  # as the screen labels them, not positions
        head += f":  {ROW_MARK} row {row} of {left} · {COL_MARK} column {col} of {right}"
    # Never broken inside an operand's name: at 80 columns "of [1 |" ended a line, "a^1]ᵀ" began
    # the next (a tester).
    names = "|".join(re.escape(name) for name in (left, right, result))
    heads = [head] if room is None else wrap_kept(kept_whole(head, names), room, subsequent_indent="  ")
    out = [escape(line) for line in heads]
    for line in layout:
        marked = line.lstrip().startswith((ROW_MARK, COL_MARK))
        out.append(f"[b]{escape(line)}[/b]" if marked else escape(line))
    return out


def differences(walk: Walk, ref: Ref, checker: MineChecker | None) -> list[str]:
    """With --compare: how the learner's numbers for ``ref`` differ, in one line."""
    if checker is None:
        return []
    check = checker.at(walk.iteration, walk.values).get(ref)
    if check is None:
        return []
    if check.bad is None:
        return [f"≠ {checker.source}: {check.shape_reason}"]
    if not check.bad.any():
        return [f"= {checker.source} matches here."]
    r, c = (int(x) for x in np.argwhere(check.bad)[0])
    return [
        # The cell as the screen labels it: "row 0" of a weight matrix is its bias row b.
        f"≠ {checker.source} differs in {int(check.bad.sum())} of {check.bad.size} cells; first at "
        f"{cell_name(ref, r, c)}: expected {format_number(float(check.expected[r, c]))}, "
        f"yours {as_written(float(check.got[r, c]))}."  # as the learner wrote it, as `compare` does
    ]


def wrapped(terms: str, width: int | None, more_indent: str = "    ", first_indent: str = "  ") -> list[str]:
    """A computation indented under its cell, and wider than ``width`` gone on under its ``=``,
    broken between terms, not at the pane's left edge (a sum of four products at 80 columns)."""
    if not width or width <= 20:
        return [f"{first_indent}{terms}"]
    # Never broken inside an index ("δ^3[o=0, k]"): each line is escaped for markup on its own,
    # and a bracket opened on one line and closed on the next was taken for a style tag.
    return wrap_kept(
        kept_whole(terms, r"\[[^\]]*\]"),
        width - SCROLLBAR_ROOM,
        initial_indent=first_indent,
        subsequent_indent=more_indent,
    )


def _headings_fit(walk: Walk, ref: Ref, row: int, col: int, width: int | None) -> bool:
    """Whether every cell of ``ref``'s matrix has its name and meaning on one line ``width`` wide:
    its longest are the last column's, in the first row (a weight matrix's b row, whose meaning
    differs) and in the last (the most digits)."""
    if width is None:
        return True
    value = walk.value(ref)
    rows, cols = value.shape if isinstance(value, np.ndarray) and value.ndim == 2 else (row + 1, col + 1)
    optimizer = walk.net.optimizer.name
    cells = {(row, col), (0, cols - 1), (rows - 1, cols - 1)}
    return all(
        len(f"{cell_name(ref, r, c)}: {cell_meaning(ref, r, c, optimizer)}") <= width - SCROLLBAR_ROOM
        for r, c in cells
    )


def cell_parts(
    walk: Walk,
    ref: Ref,
    row: int,
    col: int,
    checker: MineChecker | None,
    width: int | None = None,
    in_lead: bool = False,
) -> tuple[list[str], list[str]]:
    """The selected cell: its name, what it means, its computation term by term, and the learner's
    number; in two parts, the cell's line and its computation down to its result (what the Why pane
    keeps in view under a tall step), and what follows. A computation wider than ``width`` goes on
    under its ``=``, broken between terms, not at the pane's left edge (a sum of four products at
    80 columns). A meaning too long for the cell's line (for any cell's of its matrix, _headings_fit)
    comes after the computation, which starts on that line: at 80x24 the Why pane has three lines,
    and a two-line meaning first left the result below them."""
    name = cell_name(ref, row, col)
    if not walk.is_computed(ref):
        return [f"[b]{escape(name)}[/b]: not computed yet in this iteration"], []
    # Not guarded: every cell shown has its computation (tests/ui/test_why_cells.py); an error here is
    # an engine bug, to be seen, not a blank line.
    terms = cell_terms(walk.net, walk.values, ref, row, col)
    meaning = cell_meaning(ref, row, col, walk.net.optimizer.name)
    after: list[str] = []
    # On the cell's line, as a heading, where every cell's of this matrix fits: one order for all
    # of them. At 80x24 an update's b row read its meaning first and the i rows their computation
    # first (their longer meaning did not fit), and the cursor moving between them swapped the two.
    if _headings_fit(walk, ref, row, col, width):
        lines = [
            f"[b]{escape(name)}[/b]: {escape(meaning)}",
            *(escape(line) for line in wrapped(terms, width)),
        ]
    else:
        first, *rest = wrapped(f"{name} {terms}", width, first_indent="")
        lines = [f"[b]{escape(name)}[/b]{escape(first[len(name) :])}", *(escape(line) for line in rest)]
        if in_lead:
            # The meaning goes into the lead (still clones, lead_lines), the lines kept in view
            # under the step: "after the update" its computation (w − η · dC/dw) says already, and
            # without it the meaning takes a line at 80x24, not two, the step its lines as before.
            meaning = meaning.removesuffix(" after the update")
        after = [f"[i]{escape(line)}[/i]" for line in wrapped(meaning, width, "    ")]
    if checker is None:
        return lines, after
    check = checker.at(walk.iteration, walk.values).get(ref)
    if check is not None and check.bad is not None and check.bad[row, col]:
        # The learner's number as they wrote it (`compare` prints it so): the app's 7 significant
        # digits gave it a digit they never wrote (0.05806210 for 0.0580621).
        after.append(f"{YOURS} ({escape(checker.source)}): {as_written(float(check.got[row, col]))}")
    return lines, after
