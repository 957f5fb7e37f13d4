"""``stepper gradcheck --format text``: the verdict, the tolerance it used, and each layer's errors."""

from __future__ import annotations

from stepper.engine.gradcheck import KINKED, GradCheck


def gradcheck_text(check: GradCheck) -> str:
    verdict = "PASSED" if check.passed else "FAILED"
    lines = [
        f"gradcheck {verdict}: backprop against central differences (ε = {check.epsilon:g}), "
        f"tolerance {check.tolerance:g} relative",
        # Why a tiny entry is not measured against itself: below the noise it has no digits to check.
        f"  floor {check.floor:.1e}: the difference quotient's rounding and truncation error ÷ "
        f"{check.tolerance:g};",
        "  entries smaller than the floor are measured against it",
    ]
    if check.kinks:
        lines.append(
            f"  {check.kinks} {'weight' if check.kinks == 1 else 'weights'} left out of pass/fail: their "
            f"central difference crosses a {'/'.join(KINKED)} kink"
        )
        lines.append("  (a pre-activation changes sign within ±ε, where the slope jumps)")
    for c in check.layers:
        kinks = f", {c.kinks} left out at a kink" if c.kinks else ""
        lines.append(
            f"  dC/dW^{c.layer}: max relative error {c.max_relative_error:.3e}, "
            f"max absolute error {c.max_abs_error:.3e}{kinks}"
        )
    return "\n".join(lines)
