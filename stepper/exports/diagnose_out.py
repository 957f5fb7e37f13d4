"""``stepper diagnose``: the JSON of docs/json.md and a report for people."""

from __future__ import annotations

import textwrap
from typing import Any

from stepper.engine.diagnose import Diagnosis, FindingKind, NeuronGroup, neurons_text, shape_text
from stepper.engine.network import Network
from stepper.exports.text import WIDTH, network_title
from stepper.formatting import counted


def diagnose_json(d: Diagnosis) -> dict[str, Any]:
    return {
        "iteration": d.iteration,
        "clones": [g.to_json() for g in d.clones],
        "dead": [g.to_json() for g in d.dead],
        "saturated": [g.to_json() for g in d.saturated],
        "gradient_norms": d.gradient_norms,
        "warnings": d.warnings,
    }


LABEL = 18  # "  gradient norms  ": where each field's value starts


def _field(label: str, items: list[str], width: int, sep: str = "   ") -> list[str]:
    """``label`` and its items, as many whole items a line as fit in ``width``, the next lines
    under the first item (an item, "‖dC/dW^1‖ = 7.097e-03" or "layer 1: {0, 1, 2}", is never split)."""
    lines = [[items[0]]]
    for item in items[1:]:
        if LABEL + len(sep.join([*lines[-1], item])) > width:
            lines.append([])
        lines[-1].append(item)
    out = []
    for k, parts in enumerate(lines):
        line = (f"  {label:<{LABEL - 2}}" if k == 0 else " " * LABEL) + sep.join(parts)
        # An item longer than the room (a narrow dialog) is the one thing broken at a space.
        out += textwrap.wrap(line, width, subsequent_indent=" " * LABEL) if len(line) > width else [line]
    return out


def _group_items(groups: list[NeuronGroup]) -> list[str]:
    if not groups:
        return ["none"]
    # In words, not set notation ("{0, 1, 2}" read as Python's).
    items = [f"layer {g.layer}: {neurons_text(g.neurons)}" for g in groups]
    return [item + ";" for item in items[:-1]] + items[-1:]


def diagnose_text(
    net: Network, d: Diagnosis, width: int = WIDTH, remedy: str = "stepper diagnose --init normal --seed 1"
) -> str:
    """The report, wrapped to ``width`` columns (80 for a terminal; the app's dialog is narrower):
    every line within it, a wrapped line indented under its first (the app's dialog at 80x24 used to
    fold the clones' note and the network line back to column 0). ``remedy``: what to try for
    clones, as the reader runs stepper (a command line; in the app, its keys)."""
    after = (
        "the initial weights"
        if d.iteration == 0
        else f"the weights after {counted(d.iteration, 'iteration')}"
    )
    out = network_title("", net, width=width)
    out += [*textwrap.wrap(f"Diagnosis of {after}:", width, subsequent_indent="  "), ""]
    shape, effective = shape_text(d.layers), d.effective_shape
    out += _field("distinct", [f"{effective} of {shape}" if effective != shape else "all"], width)
    clones = _group_items(d.clones)
    if d.clones:
        clones.append("(permanent: same weights in and out)")
    out += _field("clones", clones, width, sep=" ")
    out += _field("dead ReLU", _group_items(d.dead), width, sep=" ")
    out += _field("saturated", _group_items(d.saturated), width, sep=" ")
    out += _field("gradient norms", [f"‖dC/dW^{l}‖ = {x:.3e}" for l, x in enumerate(d.gradient_norms)], width)
    out.append("")
    if not d.findings:
        out.append("No problems found.")
    for f in d.findings:
        mark = "✗" if f.permanent else "!"
        out.extend(textwrap.wrap(f.text, width, initial_indent=f"{mark} ", subsequent_indent="  "))
    if any(f.kind is FindingKind.CLONES for f in d.findings):
        out += textwrap.wrap(
            f"Try: {remedy}",
            width,
            initial_indent="  ",
            subsequent_indent="    ",
        )
    return "\n".join(out)
