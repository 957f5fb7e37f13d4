"""Divergence (docs/json.md): the first quantity of an iteration that became inf or NaN.

Training ends there. Divergence is judged on n, a, C, δ, dC/dW and W, in the order the steps compute
them; dC/da and da/dn may be non-finite in the stable bce/ce forms without ending anything.
Every headless command and the app use :func:`find_divergence`, so they agree on where it happened.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from stepper.engine.iteration import IterationValues
from stepper.engine.quantities import Q, Quantity
from stepper.engine.steps import Step

# The quantities (trace JSON keys) that end training when one of their entries is inf or NaN.
JUDGED = frozenset({Q.N, Q.A, Q.COST, Q.DELTA, Q.GRAD, Q.WEIGHTS_AFTER})


@dataclass(frozen=True)
class Divergence:
    """Iteration ``iteration``'s ``quantity`` of ``layer`` (None for the cost) became ``value``."""

    iteration: int
    quantity: Quantity  # a trace JSON key
    layer: int | None
    step: int  # index of the step that computed it: every later step of the iteration is not shown
    value: float  # its first non-finite entry

    @property
    def became(self) -> str:
        return "nan" if math.isnan(self.value) else "inf"

    @property
    def what(self) -> str:
        """ "cost" or "n of layer 3": the quantity in the words of docs/json.md."""
        return self.quantity if self.layer is None else f"{self.quantity} of layer {self.layer}"

    def message(self) -> str:
        """The stderr line of docs/json.md (divergence)."""
        return f"diverged at iteration {self.iteration}: {self.what} became {self.became}"

    @property
    def hint(self) -> str:
        """The usual remedy, as the command line sets it."""
        return self.remedy("--lr")

    def remedy(self, learning_rate: str | None) -> str:
        """The usual remedy: before any update only the starting point can be at fault. Else a
        smaller learning rate, set as ``learning_rate`` says ("--lr"; in the app, a key; None for a
        report read in both)."""
        if self.iteration == 1 and self.quantity in (Q.N, Q.A, Q.COST):
            return "the initial weights or the inputs are too large: smaller ones (or xavier/he init)"
        return "try a smaller learning rate" + (f" ({learning_rate})" if learning_rate else "")

    @property
    def report(self) -> str:
        """The stderr line and its remedy as one sentence pair, for the reports that say both."""
        return self.report_setting("--lr")

    def report_setting(self, learning_rate: str | None) -> str:
        """The report, with the learning rate set as ``learning_rate`` says (see remedy)."""
        return f"{self.message()}. Remedy: {self.remedy(learning_rate)}."

    def to_json(self) -> dict[str, Any]:
        return {"iteration": self.iteration, "quantity": self.quantity, "layer": self.layer}

    def shows(self, step: int) -> bool:
        """Whether step ``step`` (an index) of the diverged iteration was computed before it ended."""
        return step <= self.step


def _first_bad(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else value
    bad = ~np.isfinite(value)
    return float(value[bad][0]) if bad.any() else None


def find_divergence(values: IterationValues, steps: tuple[Step, ...], iteration: int) -> Divergence | None:
    """The first judged quantity of ``values`` with an inf or NaN entry, in step order; else None."""
    for step in steps:
        ref = step.output
        if ref.quantity not in JUDGED:
            continue
        if ref.quantity == Q.COST:
            bad = _first_bad(values.cost)
            layer = None
        else:
            bad = _first_bad(values.quantity(ref.quantity)[ref.layer])
            layer = ref.layer
        if bad is not None:
            return Divergence(iteration, ref.quantity, layer, step.index, bad)
    return None


def shown_values(
    values: IterationValues, steps: tuple[Step, ...], diverged: Divergence | None
) -> dict[Quantity, Any]:
    """The iteration's quantities by trace JSON key, with those computed after the divergence as None."""
    out: dict[Quantity, Any] = {
        Q.COST: values.cost,
        **{q: list(values.quantity(q)) for q in (Q.N, Q.A, Q.DC_DA, Q.DA_DN, Q.DELTA, Q.GRAD)},
        Q.WEIGHTS_AFTER: list(values.weights_after),
    }
    if diverged is None:
        return out
    for step in steps[diverged.step + 1 :]:
        ref = step.output
        if ref.quantity == Q.COST:
            out[Q.COST] = None
        elif ref.quantity in out:
            out[ref.quantity][ref.layer] = None
    return out


def steps_shown(steps: tuple[Step, ...], diverged: Divergence | None, iteration: int) -> tuple[Step, ...]:
    """The steps of ``iteration`` to show: those up to and including the divergence, if it is there."""
    if diverged is None or diverged.iteration != iteration:
        return steps
    return tuple(s for s in steps if diverged.shows(s.index))
