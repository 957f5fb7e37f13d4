"""Everything that belongs to one layer l: W^{l-1} coming in, n^l, a^l, the backward quantities,
the gradient of W^{l-1} and its update."""

from __future__ import annotations

from textual.containers import VerticalScroll

from stepper.app.widgets.matrix import MatrixView
from stepper.engine.network import Network
from stepper.engine.steps import Ref


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
        (Ref("change", l - 1), f"ΔW^{l - 1} = −η·dC/dW^{l - 1}"),
        (Ref("weights_after", l - 1), f"W^{l - 1}  updated"),
    ]
    return refs


class LayerPane(VerticalScroll, can_focus=False):
    def __init__(self, net: Network, layer: int) -> None:
        super().__init__(id=f"layer-{layer}", classes="layer-pane")
        self.layer_index = layer
        kind = "output" if layer == net.depth else "hidden"
        self.border_title = f"Layer {layer} · {kind} · {net.layers[layer]} neurons"
        self.views = [
            MatrixView(ref, title, id=f"m-{ref.quantity}-{ref.layer}-{layer}")
            for ref, title in pane_refs(net, layer)
        ]

    def shows_whole(self, view: MatrixView) -> bool:
        """Whether all of ``view`` is inside the pane's scrolled window."""
        region = view.virtual_region_with_margin
        top = self.scroll_offset.y
        return top <= region.y and region.bottom <= top + self.scrollable_content_region.height

    def compose(self):  # type: ignore[no-untyped-def]
        yield from self.views
