"""Check yourself (docs/commands.md): the learner's value for one cell of the next step's matrix."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from stepper.app.screens.closing import ClosesOnce
from stepper.engine.quiz import PERCENT, TOLERANCE, Question


def parse_answer(text: str) -> float | None:
    """A finite number, written as the learner would: 0.9, -1e-3, ,9 or 0,9 (a decimal comma)."""
    try:
        value = float(text.strip().replace(",", ".").replace("−", "-"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class QuizPrompt(ModalScreen[float | None], ClosesOnce[float | None]):
    """Asks for one value; Escape leaves without answering (nothing is counted, no step is taken)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Skip", id="cancel-quiz")]

    def __init__(self, question: Question, score: str) -> None:
        super().__init__()
        self.question = question
        self.score = score

    def compose(self) -> ComposeResult:
        q = self.question
        with Vertical(classes="dialog", id="quiz-dialog") as box:
            box.border_title = f"Check yourself · {self.score}"
            # Cell names and formulas hold brackets: shown as they are, never read as markup.
            yield Label(f"Step {q.step.number}: {q.step.title}", markup=False)
            yield Label(q.step.formula, markup=False)
            yield Label(f"What is {q.name}? ({q.meaning})", markup=False, id="quiz-question")
            # No example number: one may be the answer (0.9002 was a^1's). What is judged is said as
            # the engine judges it (contract §10): "4 significant digits" read as a demand, and 0.9
            # was right for 0.9002495 (a tester). In the hint too, in view while one types.
            yield Input(placeholder=f"your value (right if {TOLERANCE})", id="quiz-answer")
            yield Label("", id="quiz-error", classes="error")
            yield Label(
                f"Right within {PERCENT} · Enter answers and steps · Escape skips (no step)", classes="hint"
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = parse_answer(event.value)
        if value is None:
            error = self.query_one("#quiz-error", Label)
            error.update("Enter a number: digits, a sign, a point or comma, an exponent (-4.5e-3).")
            error.display = True
            return
        self.dismiss(value)
