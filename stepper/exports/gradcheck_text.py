"""``stepper gradcheck --format text``: the verdict, the tolerance it used, and each layer's errors."""

from __future__ import annotations

from stepper.engine.gradcheck import KINKED, GradCheck


def _weights(n: int) -> str:
    return f"{n} {'weight' if n == 1 else 'weights'}"


def gradcheck_text(check: GradCheck) -> str:
    bad = check.non_finite
    if bad is not None:
        # Nothing to compare: a difference quotient of inf or NaN says nothing about backprop.
        return "\n".join(
            [
                f"gradcheck NOT RUN: at these weights {bad.what} became {bad.became}, so the cost "
                "has no finite gradient to check",
                f"  Remedy: {bad.hint}.",
            ]
        )
    lines = [
        f"gradcheck {check.verdict}: backprop against central differences (ε = {check.epsilon:g}), "
        f"tolerance {check.tolerance:g} relative",
    ]
    if check.checked:
        lines += [
            # Why a tiny entry is not measured against itself: below the noise it has no digits.
            f"  floor {check.floor:.1e}: the difference quotient's rounding and truncation error ÷ "
            f"{check.tolerance:g};",
            "  entries smaller than the floor are measured against it",
        ]
    if check.kinks:
        lines.append(
            f"  {_weights(check.kinks)} left out of pass/fail: their "
            f"central difference crosses a {'/'.join(KINKED)} kink"
        )
        lines.append("  (a pre-activation changes sign within ±ε, where the slope jumps)")
    if check.checked == 0:
        lines.append("  no weights checked: every weight was left out, so nothing was verified")
    for c in check.layers:
        kinks = f", {c.kinks} left out at a kink" if c.kinks else ""
        lines.append(
            f"  dC/dW^{c.layer}: max relative error {c.max_relative_error:.3e}, "
            f"max absolute error {c.max_abs_error:.3e}{kinks}"
        )
    return "\n".join(lines)
