"""``stepper compare``: the JSON of docs/json.md and an explanation for a person."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from stepper.engine.compare import Comparison, Mismatch, ref_of, symbol
from stepper.engine.explain import cell_name
from stepper.engine.network import Network
from stepper.engine.quantities import Q
from stepper.engine.symmetry import slice_names
from stepper.exports.text import WIDTH, network_title
from stepper.formatting import format_number, kept_whole, wrap_kept


def compare_json(result: Comparison) -> dict[str, Any]:
    return {
        "match": result.match,
        "checked": result.checked,
        # The text's counts, for a script: "checked" alone cannot tell 9 right numbers from 9 wrong.
        "differing": result.differing,
        "missing": result.missing,
        "first_mismatch": None if result.first is None else result.first.to_json(),
    }


def where_cell(first: Mismatch) -> str:
    """The first differing cell as the screen labels it, "dC/dW^2[i=2, j=1]" (row 3 of the JSON's
    numbering is row i=2 on the screen, under the bias row b); the cost, a single number, by its name."""
    if first.row is None or first.col is None or first.quantity == Q.COST:
        return symbol(first.quantity, first.layer)
    return cell_name(ref_of(first.quantity, first.layer), first.row, first.col)


def as_written(x: float) -> str:
    """The learner's number as they wrote it: the shortest repr (0.0580621, not 0.05806210 with a
    digit they never wrote), or a float32's (an .npz of float32 read as float64 is 1.5613815784454346)."""
    if np.isfinite(x) and float(np.float32(x)) == x:
        short = str(np.float32(x))
        return short if len(short) < len(repr(x)) else repr(x)
    return repr(x)


def _aligned(numbers: list[str]) -> list[str]:
    """Numbers padded so that their decimal points line up (and their ends, to the longest)."""
    heads = [n.split(".")[0] if "." in n else n for n in numbers]
    tails = [n[len(h) :] for n, h in zip(numbers, heads, strict=True)]
    hw, tw = max(map(len, heads)), max(map(len, tails))
    return [h.rjust(hw) + t.ljust(tw) for h, t in zip(heads, tails, strict=True)]


def _one_off(first: Mismatch) -> bool:
    """A row short, a row too many or a column too many, the rest matching (the line says which)."""
    return first.shape is not None and (
        first.missing_row is not None or first.extra_row is not None or first.extra_col is not None
    )


def _row_off_line(first: Mismatch) -> str:
    """What a row short or a row too many leaves right: the learner's numbers, said as rows."""
    assert first.shape is not None
    rows, cols = first.shape
    ref = ref_of(first.quantity, first.layer)
    what = symbol(first.quantity, first.layer)
    if first.missing_row is not None:
        # "rows i=0 and i=1", "rows b and i=0–2": the screen's row labels.
        given = slice_names(ref, "rows", [r for r in range(rows) if r != first.missing_row])
        gone = slice_names(ref, "rows", [first.missing_row]).removeprefix("row ")
        row = f"bias row (row b, {cols} numbers)" if gone == "b" else f"row {gone} ({cols} numbers)"
        given_count = (rows - 1) * cols
        return f"Your {given_count} numbers match {given} of the expected {what}; its {row} is missing."
    if first.extra_col is not None:
        given = slice_names(ref, "columns", [c for c in range(cols + 1) if c != first.extra_col])
        return (
            f"Your {given} match the expected {what} ({slice_names(ref, 'columns', list(range(cols)))}); "
            f"your column {first.extra_col} ({rows} numbers) is one too many."
        )
    assert first.extra_row is not None
    mine = [str(r) for r in range(rows + 1) if r != first.extra_row]
    expected_rows = slice_names(ref, "rows", list(range(rows)))
    return (
        f"Your rows {mine[0]}–{mine[-1]} match the expected {what} ({expected_rows}); your row "
        f"{first.extra_row} ({cols} numbers) is one too many."
    )


def compare_notice(result: Comparison, source: str) -> str:
    """The app's notice after --compare: where the first difference is, as the screen labels it,
    its likely cause when there is one, and "marked ≠" only for cells that are (a matrix of another
    shape has none to mark: what it is is said instead, the likely cause or the rows that match)."""
    first = result.first
    assert first is not None
    out = [f"≠ {source} first differs at iteration {first.iteration}: {where_cell(first)}"]
    if first.row is None:  # the shapes differ
        out[0] += f": {first.reason}."
        if first.hint:
            out.append(first.hint)
        elif _one_off(first):
            out.append(_row_off_line(first))
    else:
        out[0] += "."
        if first.hint:  # a likely cause (the bias row put last, a transposed square matrix)
            out.append(first.hint)
    are = "is" if result.missing == 1 else "are"
    if result.missing and not result.differing:  # "0 of 37 numbers differ" read as if all were well
        counts = f"All {result.checked} numbers given match; {result.missing} {are} missing"
    else:
        verb = "differs" if result.differing == 1 else "differ"
        missing = f" and {result.missing} {are} missing" if result.missing else ""
        counts = f"{result.differing} of {result.checked} numbers {verb}{missing}"
    if result.marked == result.differing and result.marked:
        counts += "; they are marked ≠"
    elif result.marked:
        counts += f"; {result.marked} {'is' if result.marked == 1 else 'are'} marked ≠"
    out.append(counts + ".")
    return " ".join(out)


def _counts(result: Comparison) -> str:
    checked, differing, missing = result.checked, result.differing, result.missing
    verb = "differs" if differing == 1 else "differ"
    if not missing:
        return f"{differing} of the {checked} numbers checked {verb}: fix the first one first."
    are = "is" if missing == 1 else "are"
    if not differing:
        return f"All {checked} numbers checked match; {missing} {are} missing."
    return (
        f"{differing} of the {checked} numbers checked {verb} and {missing} {are} missing: "
        "fix the first one first."
    )


def _first_line(where: str, reason: str = "") -> list[str]:
    """ "✗ First difference: …" within 80 columns (a cell with its JSON place was 83), broken only
    between its parts: a cell's name, its place in parentheses and the reason stay whole
    ("dC/dW^2[b, j=0]", "(grad, layer 2, row 0, column 0)", "shape 3×3, expected 4×3")."""
    text = "✗ First difference: " + kept_whole(where, r"\[[^\]]*\]|\([^)]*\)")
    if reason:
        text += f": {kept_whole(reason, '.+')}."
    return wrap_kept(text, WIDTH, subsequent_indent="  ")


def compare_text(net: Network, result: Comparison, source: str, rtol: float, atol: float) -> str:
    out = [*network_title(f"compare {source} with ", net), f"tolerance: rtol {rtol:g}, atol {atol:g}", ""]
    first = result.first
    if first is None:
        if result.checked == 0:
            out.append(f"Nothing to compare: {source} gives no numbers.")
        else:
            out.append(f"✓ All {result.checked} numbers match.")
        return "\n".join(out)
    what = symbol(first.quantity, first.layer)
    where = f"iteration {first.iteration}, {what} ({first.quantity}, layer {first.layer})"
    if first.row is None or first.expected is None or first.got is None:  # the shapes differ
        out += _first_line(where, first.reason)
    else:
        # The cell as the screen labels it, then as the JSON numbers it (row 3 is row i=2).
        where = f"iteration {first.iteration}, {where_cell(first)}"
        where += f" ({first.quantity}, layer {first.layer}, row {first.row}, column {first.col})"
        out += _first_line(where)
        want, got = _aligned([format_number(first.expected), as_written(first.got)])
        out.append(f"    expected  {want}   (stepper)")
        out.append(f"    got       {got}   ({source})")
    out.append(f"  It is computed as  {first.formula}")
    if first.hint:
        out.extend(
            textwrap.wrap("Likely cause: " + first.hint, WIDTH, initial_indent="  ", subsequent_indent="  ")
        )
    before = [symbol(q, l) for it, q, l in result.matched if it == first.iteration]
    if before:
        out.extend(
            textwrap.wrap(
                f"Before it in iteration {first.iteration}, these matched: {', '.join(before)}.",
                WIDTH,
                initial_indent="  ",
                subsequent_indent="  ",
            )
        )
    lines = [_counts(result)]
    if first.shape is not None and _one_off(first):
        rows, cols = first.shape
        # The file held this matrix only: its line says what the counts would.
        if first.missing_row is not None:
            alone = result.checked == (rows - 1) * cols and result.missing == cols and not result.differing
        elif first.extra_row is not None:
            alone = result.checked == (rows + 1) * cols and result.differing == cols and not result.missing
        else:
            alone = result.checked == rows * (cols + 1) and result.differing == rows and not result.missing
        lines = [_row_off_line(first)] + ([] if alone else lines)
    for line in lines:
        out.extend(textwrap.wrap(line, WIDTH, initial_indent="  ", subsequent_indent="  "))
    return "\n".join(out)
