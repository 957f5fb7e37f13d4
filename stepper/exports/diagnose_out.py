"""``stepper diagnose``: the JSON of docs/json.md and a report for people."""

from __future__ import annotations

import textwrap
from typing import Any

from stepper.engine.diagnose import Diagnosis, FindingKind, NeuronGroup, shape_text
from stepper.engine.network import Network
from stepper.exports.text import WIDTH, network_line


def diagnose_json(d: Diagnosis) -> dict[str, Any]:
    return {
        "iteration": d.iteration,
        "clones": [g.to_json() for g in d.clones],
        "dead": [g.to_json() for g in d.dead],
        "saturated": [g.to_json() for g in d.saturated],
        "gradient_norms": d.gradient_norms,
        "warnings": d.warnings,
    }


def _groups(groups: list[NeuronGroup]) -> str:
    if not groups:
        return "none"
    return "; ".join(f"layer {g.layer}: {{{', '.join(map(str, g.neurons))}}}" for g in groups)


def diagnose_text(net: Network, d: Diagnosis, width: int = WIDTH) -> str:
    """The report, wrapped to ``width`` columns (80 for a terminal; the app's dialog is narrower)."""
    after = "the initial weights" if d.iteration == 0 else f"the weights after {d.iteration} iterations"
    out = [network_line(net), f"Diagnosis of {after}:", ""]
    shape, effective = shape_text(d.layers), d.effective_shape
    out.append(f"  distinct        {effective} of {shape}" if effective != shape else "  distinct        all")
    out.append(f"  clones          {_groups(d.clones)}   (permanent: same weights in and out)")
    out.append(f"  dead ReLU       {_groups(d.dead)}")
    out.append(f"  saturated       {_groups(d.saturated)}")
    # Whole "‖dC/dW^l‖ = x" items per line: a norm is never split from its value.
    items = [f"‖dC/dW^{l}‖ = {x:.3e}" for l, x in enumerate(d.gradient_norms)]
    lines = [[items[0]]]
    for item in items[1:]:
        if 18 + len("   ".join([*lines[-1], item])) > width:
            lines.append([])
        lines[-1].append(item)
    for k, parts in enumerate(lines):
        out.append(("  gradient norms  " if k == 0 else " " * 18) + "   ".join(parts))
    out.append("")
    if not d.findings:
        out.append("No problems found.")
    for f in d.findings:
        mark = "✗" if f.permanent else "!"
        out.extend(textwrap.wrap(f.text, width, initial_indent=f"{mark} ", subsequent_indent="  "))
    if any(f.kind is FindingKind.CLONES for f in d.findings):
        out.append("  Try: stepper diagnose --init normal --seed 1")
    return "\n".join(out)
