"""Side by side: the same network from two inits, stepped in lockstep.

On the left the columns of the clones stay equal at every step; on the right, from a random init,
they come apart. Both loss curves grow together.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from stepper.app.walk_state import (
    RUN_INTERVAL,
    clone_sentences_line,
    cost_curve,
    pane_layer,
    show_matrices,
    status_lines,
)
from stepper.app.widgets.layer_pane import LayerPane
from stepper.app.widgets.matrix import MatrixView
from stepper.app.widgets.status import StatusLine
from stepper.engine.network import Network
from stepper.engine.steps import Phase
from stepper.engine.walk import Walk


class WalkColumn(Vertical):
    """One side: a walk's header, loss curve, clone line and the pane of the current step's layer."""

    def __init__(self, net: Network, side: str) -> None:
        super().__init__(id=f"side-{side}", classes="walk-column")
        self.walk = Walk(net)
        self.border_title = f"init {net.init.describe()}"
        self.pinned_layer: int | None = None  # None: follow the current step

    def compose(self) -> ComposeResult:
        with Horizontal(classes="side-top"):
            yield StatusLine(classes="side-status")
            yield Sparkline([], classes="side-loss")
        yield Static(classes="side-clones")
        for l in range(1, self.walk.net.depth + 1):
            yield LayerPane(self.walk.net, l)

    def refresh_walk(self) -> None:
        walk = self.walk
        show_matrices(self.query(MatrixView), walk)
        self.query_one(StatusLine).show(*status_lines(walk, compact=True))
        self.query_one(Sparkline).data = cost_curve(walk)
        self.query_one(".side-clones", Static).update(escape(clone_sentences_line(walk.diagnosis)))
        shown = self.pinned_layer or pane_layer(walk.current_step)
        for pane in self.query(LayerPane):
            pane.display = pane.layer_index == shown
            pane.show_width(walk.diagnosis.effective_layers[pane.layer_index])
        self.call_after_refresh(self._scroll_to_current)

    def _scroll_to_current(self) -> None:
        for pane in self.query(LayerPane):
            pane.scroll_to_current()


class SideBySideScreen(Screen[None]):
    """Two walks in lockstep: every key moves both."""

    BINDINGS = [
        Binding("n", "move('forward')", "Next", id="side-next-step"),
        Binding("p", "move('back')", "Prev", id="side-previous-step"),
        Binding("f", "move('forward_end')", "Fwd", id="side-forward-end"),
        Binding("b", "move('backward_end')", "Bwd", id="side-backward-end"),
        Binding("u", "move('update_end')", "Update", id="side-apply-update"),
        Binding("i", "move('iteration_end')", "Iter", id="side-whole-iteration"),
        Binding("space", "toggle_run", "Run", id="side-run-pause"),
        Binding("left_square_bracket", "show_layer(-1)", "Layer", id="side-previous-layer"),
        Binding("right_square_bracket", "show_layer(1)", "Layer", show=False, id="side-next-layer"),
        Binding("escape,v", "close", "Back", id="side-close"),
    ]

    def __init__(self, left: Network, right: Network) -> None:
        super().__init__()
        self.columns = (WalkColumn(left, "left"), WalkColumn(right, "right"))
        self._timer = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="side-by-side"):
            yield from self.columns
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        for column in self.columns:
            column.refresh_walk()

    def _each(self, move: Callable[[Walk], object]) -> None:
        for column in self.columns:
            move(column.walk)
            column.pinned_layer = None  # back to following the current step
        self._refresh()

    def action_move(self, how: str) -> None:
        moves: dict[str, Callable[[Walk], object]] = {
            "forward": lambda w: w.forward(),
            "back": lambda w: w.back(),
            "forward_end": lambda w: w.to_phase_end(Phase.FORWARD),
            "backward_end": lambda w: w.to_phase_end(Phase.BACKWARD),
            "update_end": lambda w: w.to_phase_end(Phase.UPDATE),
            "iteration_end": lambda w: w.to_iteration_end(),
        }
        self._each(moves[how])

    def action_show_layer(self, delta: int) -> None:
        depth = self.columns[0].walk.net.depth
        for column in self.columns:
            current = column.pinned_layer or pane_layer(column.walk.current_step)
            column.pinned_layer = min(max(current + delta, 1), depth)
        self._refresh()

    def action_toggle_run(self) -> None:
        if self._timer is None:
            self._timer = self.set_interval(RUN_INTERVAL, lambda: self._each(lambda w: w.to_iteration_end()))
        else:
            self._timer.stop()
            self._timer = None

    def on_matrix_view_cell_selected(self, event: MatrixView.CellSelected) -> None:
        # A cell selected here belongs to this screen's walks: the main walk must never hold on to
        # it (it outlives this screen, and explaining it crashed after Escape).
        event.stop()

    def action_close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.dismiss()
