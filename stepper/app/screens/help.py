"""The help screen: every key, and the notation with its textbook names."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

NOTATION = """\
## Notation (the question's, with textbook names)

| stepper | textbook | meaning |
|---|---|---|
| `_o a^l_j` | a | row o (observation), column j (neuron) of layer l's activations |
| `n^l` | z^l | pre-activation: `n^l = [1 \\| a^(l-1)] · W^(l-1)` |
| `a^l = f(n^l)` | a^l = σ(z^l) | activation |
| `W^l` | W, b | weights from layer l to l+1; **row 0 (b) is the bias row**, \
then `w^l_{i,j}` from neuron i to neuron j |
| `dC/da^l` | ∂C/∂a | how the cost changes with each activation |
| `da^l/dn^l` | σ'(z) | the activation's derivative, element-wise |
| `δ^l = dC/dn^l` | δ | error term: `dC/da^l ⊙ da^l/dn^l` |
| `dC/dW^l` | ∇W, ∂C/∂W | `[1 \\| a^l]ᵀ · δ^(l+1)`: summed over the batch |
| `η` | learning rate | `W ← W − η · dC/dW` |

C is one number for the whole batch (the seed's: Σ (a − y)² over every observation and output).

**Identical columns** share a letter (A, B, …) and a colour in a matrix's header. Neurons whose
columns stay equal from the start are *clones*: they compute the same values and receive the same
gradients, so gradient descent can never make them differ. Break the symmetry with a random
re-initialisation (`R`).
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="close-help")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = "\n".join(f"| `{k}` | {d} |" for k, d in self.keys)
        text = f"# stepper — help\n\n## Keys\n\n| key | does |\n|---|---|\n{table}\n\n{NOTATION}"
        with VerticalScroll(id="help-body"):
            yield Markdown(text)
