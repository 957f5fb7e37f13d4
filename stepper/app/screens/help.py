"""The help screen: every key, and the notation with its textbook names."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from stepper.engine.steps import NOTATION

# A "|" inside a cell would end it: Markdown tables want it escaped.
_ROWS = "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in NOTATION)

NOTATION_TEXT = f"""\
## Notation (the question's, with textbook names)

| stepper | textbook | meaning |
|---|---|---|
{_ROWS}

C is one number for the whole batch (the seed's: Σ (a − y)² over every observation and output).

**Optimizers and mini-batches** (`O`, or `R`, or the palette's "Optimizer: …" and "Batch size: …").
An iteration is one update on one batch: a^0 is the batch's inputs and C its cost. The update shows
each term as a matrix: `g = dC/dW + λ·W` (L2 decay), `η·λ·W` (adamw's decoupled decay), momentum's
velocity `v ← μ·v + g`, RMSprop's `s ← α·s + (1−α)·g²`, Adam's moments `m ← β1·m + (1−β1)·g` and
`v ← β2·v + (1−β2)·g²`, their bias corrections `m̂ = m/(1−β1^t)`, `v̂ = v/(1−β2^t)`, the step
`ΔW`, and `W` updated. Decay never touches the bias row. The header shows t (updates so far), the
epoch and which observations the batch holds; the cost curve shows each batch's cost above the
epoch's cost over all observations.

**Clones** — hidden neurons with equal incoming weights (bias included) and equal outgoing
weights — are labelled `C1`, `C2`, … with a colour, on their columns of n, a, dC/da, da/dn, δ and of
the weights coming in, and on their rows of the weights going out. They compute the same values and
receive the same gradients, so gradient descent can never make them differ: this is permanent.
Break the symmetry with `s` (random init), or compare both inits side by side with `v`.

Columns that are only **equal now**, in this iteration's values, are labelled `=a`, `=b`, ….

**Why pane.** At each step it says which columns (or rows) of the result are equal and why, traced
back to the weights: *clones* (equal weights in and out: this lasts), *equal because of equal inputs*
but not clones (it ends later in the iteration), or *equal in value only* (a coincidence). After `s`
or an edit (`e`) it says where the clones' columns first differ. Select a cell of a product (n,
dC/dW, a hidden dC/da): its row of the left operand is marked ▶ and its column of the right operand
▼, on the matrices and in the layout, with its sum written out.

**Header.** The third line maps the layers: `L1 3=1` is layer 1 with 3 neurons of which 1 is
distinct (clones), ▶ ◀ marks the current one, and each hidden layer has a small plot of `d`, the
distance between its two closest neurons' weights in over the last iterations: flat at 0 for
clones, rising after `s`. With the quiz, the score leads it (`Quiz 3/4 right`).

**Check yourself** (`t`): type the value of one cell of the matrix the next step computes (the
selected cell of that matrix, else row 0, column 0). Within 0.05 % of the value (4 significant
digits) is ✓ right; ✗ wrong shows the value and the cell's computation. Either way the step is taken.
`d` shows 3, 5 or 7 digits (exports always write 7).

The notice above the layers lists the iteration's problems: ✗ permanent (clones), ! observed now
(dead ReLU units, saturated units, vanishing or exploding gradients, constant output, divergence).
`h` shows the full report.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="close-help")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = "\n".join(f"| `{k}` | {d} |" for k, d in self.keys)
        text = f"# stepper — help\n\n## Keys\n\n| key | does |\n|---|---|\n{table}\n\n{NOTATION_TEXT}"
        with VerticalScroll(id="help-body"):
            yield Markdown(text)
