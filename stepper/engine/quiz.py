"""Check yourself (docs/commands.md): the learner gives one cell of the matrix the next step computes.

The cell is the selected one when it belongs to that matrix, else row 0, column 0. An answer within
0.05 % of the value is right: |x − v| ≤ 5e-4·|v| + 1e-9 (contract §10's formula). Rounded to four
significant digits an answer always is; fewer may be: for 0.9002495 it allows 0.00045, so 0.9 is
right. Right or wrong, the step is then taken; a wrong answer is shown the value and the cell's
term-by-term computation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepper.engine.explain import cell_meaning, cell_name, cell_terms, cost_terms
from stepper.engine.quantities import Q
from stepper.engine.steps import Ref, Step
from stepper.engine.walk import Walk
from stepper.formatting import format_number

RELATIVE = 5e-4
ABSOLUTE = 1e-9
# What is right, as the quiz says it (its prompt; docs/commands.md and the README say the same).
PERCENT = f"{RELATIVE * 100:g} %"
TOLERANCE = f"|x − v| ≤ {RELATIVE:.0e}·|v| + {ABSOLUTE:.0e}".replace("e-0", "e-")  # 5e-4, not 5e-04


def is_right(answer: float, value: float) -> bool:
    return abs(answer - value) <= RELATIVE * abs(value) + ABSOLUTE


@dataclass(frozen=True)
class Question:
    step: Step
    row: int
    col: int
    value: float
    name: str  # n^1[o=0, j=0], or C
    meaning: str
    computation: str  # the cell's formula with its numbers: "= 1·1 + 0.8·1 + 0.4·1 = 2.2"

    @property
    def prompt(self) -> str:
        return f"Step {self.step.number}: {self.step.formula}\nWhat is {self.name}?"

    def verdict(self, answer: float) -> tuple[bool, str]:
        """(right, what to tell the learner)."""
        if is_right(answer, self.value):
            return True, f"✓ right: {self.name} = {format_number(self.value)}"
        return False, (
            f"✗ wrong: {self.name} = {format_number(self.value)}, not {format_number(answer)}\n"
            f"{self.name} {self.computation}"
        )


def question(walk: Walk, selected: tuple[Ref, int, int] | None = None) -> Question | None:
    """The question for the next step, or None when it computes nothing to ask (a softmax Jacobian,
    which is not stored). At the end of an iteration the next step is the next iteration's first:
    the caller moves there first (``walk.next_step`` is None)."""
    step = walk.next_step
    if step is None:
        return None
    ref = step.output
    values = walk.values
    if ref.quantity == Q.COST:
        computation = cost_terms(walk.net, values)
        return Question(step, 0, 0, float(values.cost), "C", "the cost of this iteration", computation)
    matrix = walk.peek(ref)
    if not isinstance(matrix, np.ndarray):
        return None
    row, col = 0, 0
    if selected is not None and selected[0] == ref:
        _, row, col = selected
    return Question(
        step,
        row,
        col,
        float(matrix[row, col]),
        cell_name(ref, row, col),
        cell_meaning(ref, row, col, walk.net.optimizer.name),
        cell_terms(walk.net, values, ref, row, col),
    )


@dataclass(frozen=True)
class Score:
    right: int = 0
    asked: int = 0

    def add(self, right: bool) -> Score:
        return Score(self.right + right, self.asked + 1)

    def __str__(self) -> str:
        return f"{self.right}/{self.asked} right"
