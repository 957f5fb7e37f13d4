"""The help screen: every key, and the notation with its textbook names."""

from __future__ import annotations

from rich import box
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from stepper.app.screens.closing import ClosesOnce
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
epoch and which observations the batch holds; the cost curve has two rows, `batch` (each
iteration's cost, on its batch) above `epoch` (the cost over all observations after each epoch).

**Cost curve** (top right): one column per iteration from the left; once there are more iterations
than columns, each column is the highest cost of its group of iterations. The scale runs from the
smallest cost drawn (its bottom, written on the left) to the largest (its top); a flat curve is
half a cell high. Hover over it for the first, last, lowest and highest cost.

**Clones** — hidden neurons with equal incoming weights (bias included) and equal outgoing
weights — are labelled `C1`, `C2`, … with a colour, on their columns of n, a, dC/da, da/dn, δ and of
the weights coming in, and on their rows of the weights going out. They compute the same values and
receive the same gradients, so gradient descent can never make them differ: this is permanent.
Break the symmetry with `s` (random init), or compare both inits side by side with `v`.

Columns that are only **equal now**, in this iteration's values, are labelled `=a`, `=b`, ….

**Folded matrices.** Where a step's matrices are too far apart in their layer's pane to be in view
together (an update's W at the top, its gradient near the bottom), the matrices that take no part in
the step are folded: left out of the pane for this step, and back at the next. The pane's border
counts them ("6 matrices folded · [ unfolds"). `[` (or `]`) then shows that layer's whole pane first,
every matrix in it (it scrolls); pressed again, the other layers; Escape or a step goes back.

**Why pane.** At each step it says which columns (or rows) of the result are equal and why, traced
back to the weights: *clones* (equal weights in and out: this lasts), *equal because of equal inputs*
but not clones (it ends later in the iteration), *all 0* for dead ReLUs (this lasts while they are dead),
*all 1* in da/dn for ReLUs active for every observation (their slope; likewise leaky ReLU and linear), or
*equal in value only* (a coincidence). After `s`
or an edit (`e`) it says where the clones' columns first differ. Select a cell of a product (n,
dC/dW, a hidden dC/da): its row of the left operand is marked ▶ and its column of the right operand
▼, on the matrices and in the layout, with its sum written out.

**Header.** The third line maps the layers: `L1 3=1` is layer 1 with 3 neurons of which 1 is
distinct (clones), ▶ ◀ marks the current one, and each hidden layer has a small plot of `d`, the
distance between its two closest neurons' weights in over the last iterations: flat at 0 for
clones, rising after `s`. With the quiz, the score leads it (`Quiz 3/4 right`).

**Check yourself** (`t`): type the value of one cell of the matrix the next step computes (the
selected cell of that matrix, else row 0, column 0). Within 0.05 % of the value (|x − v| ≤
5e-4·|v| + 1e-9: 4 significant digits always are, 0.9 for 0.9002495 too) is ✓ right; ✗ wrong
shows the value and the cell's computation. Either way the step is taken.
`d` shows 3, 5 or 7 digits (exports always write 7).

**Numbers** are computed in float64 and shown with 7 decimals (3.7007485), 7 significant digits below 0.1
(0.01893642; at most 10 decimals: 0.0000031582 below 1e-4; scientific below 1e-8 and from 1e5).
Numbers computed in float32
(TensorFlow's and PyTorch's default, and the seed question's) keep only about 7 digits, so they can
differ in the last (a^3 = 0.9806907 here, 0.9806908 there), and from the 6th after `1 − a` with a
near 1 (da^3/dn^3 = 0.01893642 here, 0.01893635 there, and δ^3 after it: 5 of the question's 26
numbers). `d` shows 5
digits, where both agree; `stepper compare` checks your numbers to a relative 1e-5.

The notice above the layers lists the iteration's problems: ✗ permanent (clones), ! observed now
(dead ReLU units, saturated units, vanishing or exploding gradients, constant output, divergence).
`h` shows the full report.
"""


# What each key does, in a sentence (the Footer's and the palette's names are a word or two).
KEY_HELP = {
    "next-step": "Next step (the header counts them)",
    "previous-step": "Previous step",
    "forward-end": "To the end of the forward pass",
    "backward-end": "To the end of the backward pass",
    "apply-update": "To the end of the update (the new weights)",
    "whole-iteration": "To the end of the iteration (or the next)",
    "run-pause": "Run / pause training (cost curve top right)",
    "layer-end": "Finish the current layer's steps",
    # The step's own layer first where it has matrices folded (its border: "[ unfolds"): the lines
    # said only the previous / next layer. One line each at 80x24.
    "previous-layer": "Step's layer whole if folded, then previous layer",
    "next-layer": "Step's layer whole if folded, then next layer",
    "restart": "Back to the start of iteration 1",
    "decision-map": "Decision map on / off (networks with 2 inputs)",
    "cell-up": "Cell up: the Why pane explains that cell",
    "cell-down": "Cell down",
    "cell-left": "Cell left",
    "cell-right": "Cell right",
    "goto-iteration": "Go to iteration N (computed in the background)",
    "reinitialise": "Re-initialise (scheme, scale, seed, optimizer, batch)",
    "training-settings": "Optimizer, batch size, η, weight decay",
    "break-symmetry": "Break the symmetry: random (normal) weights",
    "health": "Health report of this iteration",
    "side-by-side": "Side by side: two walks in lockstep",
    "edit-weight": "Edit the selected weight or bias",
    "export": "Export the step or iteration (file, clipboard)",
    "export-map": "Export the decision map (.txt or .svg)",
    "quiz": "Check yourself (quiz): type a cell of the next step",
    "cycle-digits": "3, 5 or 7 decimals, as many significant digits below 0.1 (exports keep 7)",
    "save-session": "Save the session to a network file",
    "open-network": "Open another network or example",
    "grow-why": "Why pane: two thirds of the height, or back",
    "cancel": "Cancel a long run, pause a run, back from [ ], close notices",
    "side-close": "Back to the single walk",
    "help": "This help",
    "quit": "Quit",
}

# Keys that are no Binding of a screen but that a user needs all the same.
EXTRA_KEYS = (
    ("tab shift+tab", "Next / previous computed matrix, Why pane or button"),
    ("home end", "Cell cursor to the first / last row (its pane follows)"),
    ("pgup pgdn", "Cell cursor a page up / down"),
    ("ctrl+p", "Command palette: every command by name"),
)


def keys_table(keys: list[tuple[str, str]]) -> Table:
    """One line per key, no rules between rows: a screenful of keys at 80x24 (a Markdown table
    draws a rule under every row and shows five)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("does", ratio=1)
    for key, does in [*keys, *EXTRA_KEYS]:
        table.add_row(key, does)
    return table


class HelpScreen(ModalScreen[None], ClosesOnce[None]):
    """Every key, then the notation; scrolls (arrows, PgUp/PgDn, Home/End, the mouse wheel)."""

    AUTO_FOCUS = "#help-body"  # the arrows and page keys scroll at once
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="close-help")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "stepper — help"
            body.border_subtitle = "↑ ↓ PgUp PgDn scroll · Escape closes"
            yield Static("[b]Keys[/b]", id="help-keys-title")
            yield Static(keys_table(self.keys), id="help-keys")
            yield Markdown(NOTATION_TEXT)
