"""``stepper compare``: the JSON of docs/json.md and an explanation for a person."""

from __future__ import annotations

import textwrap
from typing import Any

from stepper.engine.compare import Comparison, symbol
from stepper.engine.network import Network
from stepper.exports.text import WIDTH, network_line
from stepper.formatting import format_number


def compare_json(result: Comparison) -> dict[str, Any]:
    return {
        "match": result.match,
        "checked": result.checked,
        "first_mismatch": None if result.first is None else result.first.to_json(),
    }


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
    verb = "differs" if result.differing == 1 else "differ"
    out.append(
        f"  {result.differing} of the {result.checked} numbers checked {verb}: fix the first one first."
    )
    return "\n".join(out)
