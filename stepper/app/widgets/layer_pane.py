"""Everything that belongs to one layer l: W^{l-1} coming in, n^l, a^l, the backward quantities,
the gradient of W^{l-1} and its update."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from stepper.app.widgets.matrix import MatrixView
from stepper.engine.network import Network
from stepper.engine.steps import Ref, update_steps


def pane_refs(net: Network, layer: int) -> list[tuple[Ref, str]]:
    """The matrices of layer ``layer``'s pane, in the order an iteration computes them."""
    l = layer
    refs: list[tuple[Ref, str]] = []
    if l == 1:
        refs.append((Ref("a", 0), "a^0  input"))
    refs += [
        (Ref("weights", l - 1), f"W^{l - 1}  weights in"),
        (Ref("n", l), f"n^{l}  pre-activation"),
        (Ref("a", l), f"a^{l}  {net.activation(l).name}"),
    ]
    if l == net.depth:
        refs.append((Ref("targets", l), "y  targets"))
    refs += [
        (Ref("dC_da", l), f"dC/da^{l}"),
        (Ref("da_dn", l), f"da^{l}/dn^{l}"),
        (Ref("delta", l), f"δ^{l} = dC/dn^{l}"),
        (Ref("grad", l - 1), f"dC/dW^{l - 1}"),
    ]
    # The optimizer's terms (decay, state, ΔW), as the engine's update steps list them; plain sgd
    # has none, and shows ΔW beside the update that makes it.
    terms = [
        output
        for step in update_steps(net.optimizer, net.learning_rate, l - 1, "")
        if isinstance(output := step["output"], Ref) and output.quantity != "weights_after"
    ]
    if not terms:
        refs.append((Ref("change", l - 1), f"ΔW^{l - 1} = −η·dC/dW^{l - 1}"))
    for ref in terms:
        label = TERM_LABELS.get(ref.quantity, "")
        if ref.quantity == "v":
            label = "velocity" if net.optimizer.name == "momentum" else "2nd moment"
        refs.append((ref, f"{ref.symbol}  {label}".rstrip()))
    refs.append((Ref("weights_after", l - 1), f"W^{l - 1}  updated"))
    return refs


# Short names for the optimizer's matrices, beside their symbols.
TERM_LABELS = {
    "g": "gradient + λ·W",
    "decay": "decoupled decay",
    "s": "mean square",
    "m": "1st moment",
    "m_hat": "m bias-corrected",
    "v_hat": "v bias-corrected",
    "change": "step",
}


class LayerPane(VerticalScroll, can_focus=False):
    def __init__(self, net: Network, layer: int) -> None:
        super().__init__(id=f"layer-{layer}", classes="layer-pane")
        self.layer_index = layer
        self.kind = "output" if layer == net.depth else "hidden"
        self.size_ = net.layers[layer]
        self.show_width(self.size_)
        # Beside the other layers, a pane's share of the width follows how many columns its matrices
        # have (plus one for the row labels): a 3-neuron layer is not squeezed for a 2-neuron one.
        self.columns = max(net.layers[layer], net.layers[0] if layer == 1 else 0)
        # Enough for row labels and 9-character numbers, inside the pane's and matrices' borders.
        self.min_width = 4 + 10 * self.columns + 6
        self.views = [
            MatrixView(ref, title, id=f"m-{ref.quantity}-{ref.layer}-{layer}")
            for ref, title in pane_refs(net, layer)
        ]

    def show_width(self, distinct: int) -> None:
        """The title says how many neurons the layer has, and how many of them differ."""
        width = f"{self.size_} neuron{'s' if self.size_ != 1 else ''}"
        if distinct != self.size_:
            width += f", {distinct} distinct"
        kind = "Output layer" if self.kind == "output" else "Layer"
        self.border_title = f"{kind} {self.layer_index} · {width}"

    def needed_width(self) -> int:
        """Columns to show every matrix whole: the widest, plus its border, the pane's border and
        scrollbar (never less than the pane's title needs)."""
        widest = max((v.virtual_size.width for v in self.views if v.state is not None), default=0)
        return max(widest + 2, len(str(self.border_title)) + 4) + 3

    def shows_whole(self, view: MatrixView) -> bool:
        """Whether all of ``view`` is inside the pane's scrolled window."""
        region = view.virtual_region_with_margin
        top = self.scroll_offset.y
        return top <= region.y and region.bottom <= top + self.scrollable_content_region.height

    def scroll_to_current(self, inputs: bool = False) -> None:
        """Bring the matrix the current step computed into view, if it is in this pane and out of view.

        To the top: the next steps' matrices come below it, so they are in view too and the pane
        moves once per few steps instead of on every one.
        """
        if not self.display:
            return
        # With ``inputs`` (the cost, which has no matrix in a pane) the step's inputs, a^L and y, come
        # into view instead: a walk stopped at a cost that became inf shows what made it.
        for role in ("-current", "-input") if inputs else ("-current",):
            views = [v for v in self.views if v.has_class(role)]
            if views:
                if not self.shows_whole(views[0]):
                    self.scroll_to_widget(views[0], animate=False, top=True)
                return

    def compose(self) -> ComposeResult:
        yield from self.views
