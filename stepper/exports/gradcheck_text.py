"""``stepper gradcheck --format text``: the verdict, the tolerance it used, and each layer's errors."""

from __future__ import annotations

from stepper.engine.gradcheck import KINKED, GradCheck


def gradcheck_text(check: GradCheck) -> str:
    verdict = "PASSED" if check.passed else "FAILED"
    lines = [
        f"gradcheck {verdict}: backprop against central differences (ε = {check.epsilon:g}), "
        f"tolerance {check.tolerance:g} relative",
        f"  (entries smaller than {check.floor:.1e} are measured against that: the rounding error of "
        "the difference quotient ÷ the tolerance)",
    ]
    if check.kinks:
        lines.append(
            f"  {check.kinks} {'weight' if check.kinks == 1 else 'weights'} left out: the central "
            f"difference crosses a {'/'.join(KINKED)} kink (a pre-activation changes sign within ±ε)"
        )
    for c in check.layers:
        kinks = f", {c.kinks} left out at a kink" if c.kinks else ""
        lines.append(
            f"  dC/dW^{c.layer}: max relative error {c.max_relative_error:.3e}, "
            f"max absolute error {c.max_abs_error:.3e}{kinks}"
        )
    return "\n".join(lines)
