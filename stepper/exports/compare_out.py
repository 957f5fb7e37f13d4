"""``stepper compare``: the JSON of docs/json.md and an explanation for a person."""

from __future__ import annotations

import textwrap
from typing import Any

from stepper.engine.compare import Comparison, Mismatch, ref_of, symbol
from stepper.engine.network import Network
from stepper.exports.matrix_text import row_labels
from stepper.exports.text import WIDTH, network_line
from stepper.formatting import format_number


def compare_json(result: Comparison) -> dict[str, Any]:
    return {
        "match": result.match,
        "checked": result.checked,
        # The text's counts, for a script: "checked" alone cannot tell 9 right numbers from 9 wrong.
        "differing": result.differing,
        "missing": result.missing,
        "first_mismatch": None if result.first is None else result.first.to_json(),
    }


def _rows(labels: list[str]) -> str:
    """Consecutive row labels said short: "row b", "rows i=0–2", "rows b, i=0–1", "rows o=0–1"."""
    head = [x for x in labels if x == "b"]
    rest = [x for x in labels if x != "b"]
    if rest:
        prefix = rest[0].split("=")[0] + "="
        first, last = rest[0].removeprefix(prefix), rest[-1].removeprefix(prefix)
        head.append(rest[0] if first == last else f"{prefix}{first}–{last}")
    return ("row " if len(labels) == 1 else "rows ") + ", ".join(head)


def _row_off_line(first: Mismatch) -> str:
    """What a row short or a row too many leaves right: the learner's numbers, said as rows."""
    assert first.shape is not None
    rows, cols = first.shape
    labels = row_labels(ref_of(first.quantity, first.layer).quantity, rows)
    what = symbol(first.quantity, first.layer)
    if first.missing_row is not None:
        given = [x for r, x in enumerate(labels) if r != first.missing_row]
        gone = labels[first.missing_row]
        row = f"bias row (row b, {cols} numbers)" if gone == "b" else f"row {gone} ({cols} numbers)"
        given_count = (rows - 1) * cols
        return (
            f"Your {given_count} numbers match {_rows(given)} of the expected {what}; its {row} is missing."
        )
    assert first.extra_row is not None
    mine = [str(r) for r in range(rows + 1) if r != first.extra_row]
    return (
        f"Your rows {mine[0]}–{mine[-1]} match the expected {what} ({_rows(labels)}); your row "
        f"{first.extra_row} ({cols} numbers) is one too many."
    )


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


def compare_text(net: Network, result: Comparison, source: str, rtol: float, atol: float) -> str:
    out = [f"compare {source} with {network_line(net)}", f"tolerance: rtol {rtol:g}, atol {atol:g}", ""]
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
        out.append(f"✗ First difference: {where}: {first.reason}.")
    else:
        out.append(f"✗ First difference: {where}, row {first.row}, column {first.col}")
        out.append(f"    expected  {format_number(first.expected)}   (stepper)")
        out.append(f"    got       {format_number(first.got)}   ({source})")
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
    if first.shape is not None and (first.missing_row is not None or first.extra_row is not None):
        rows, cols = first.shape
        alone = (  # the file held this matrix only: its line says what the counts would
            result.checked == (rows - 1) * cols and result.missing == cols and not result.differing
            if first.missing_row is not None
            else result.checked == (rows + 1) * cols and result.differing == cols and not result.missing
        )
        lines = [_row_off_line(first)] + ([] if alone else lines)
    for line in lines:
        out.extend(textwrap.wrap(line, WIDTH, initial_indent="  ", subsequent_indent="  "))
    return "\n".join(out)
