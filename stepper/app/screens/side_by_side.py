"""Side by side: the same network from two inits, or trained two ways (two optimizers, two batch
sizes) from the same init, stepped in lockstep.

On the left the columns of the clones stay equal at every step; on the right, from a random init,
they come apart. Both loss curves grow together.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal

from stepper.app.screens.closing import ClosesOnce
from stepper.app.screens.stepping import (
    DIGITS_BINDING,
    GROW_WHY_BINDING,
    STEP_BINDINGS,
    WALK_BINDINGS,
    SteppingScreen,
)
from stepper.app.walk_state import run_description
from stepper.app.widgets.keys_footer import KeysFooter
from stepper.app.widgets.walk_view import SHORT, WalkView
from stepper.engine.network import Network
from stepper.engine.walk import Walk


def side_by_side_walks(left: Network, right: Network) -> tuple[Walk, Walk]:
    """The two walks, at iteration 1 (a saved session's edits kept, not its position)."""
    return Walk(left, resume=False), Walk(right, resume=False)


class SideBySideScreen(SteppingScreen, ClosesOnce[None]):
    """Two walks in lockstep: every stepping key moves both."""

    # Not the first focusable widget (a^0, at 200x60): the cursor's matrix, which show_cursor
    # gives the keyboard once the views are drawn (the cursor started on a^0; a tester's finding).
    AUTO_FOCUS = ""

    BINDINGS = [
        *STEP_BINDINGS,
        DIGITS_BINDING,
        GROW_WHY_BINDING,
        Binding("escape,v", "close", "Back", id="side-close"),
        # The main view's own keys say where they work (system: in no key list or palette here).
        *(
            Binding(b.key, f"main_view_only({b.key!r}, {b.description!r})", show=False, system=True)
            for b in WALK_BINDINGS
            if b.key not in {"v", DIGITS_BINDING.key, GROW_WHY_BINDING.key}
        ),
    ]

    def __init__(
        self,
        left: Network,
        right: Network,
        start: tuple[int, int] = (1, 0),
        digits: int | None = None,
        show_map: bool = False,
        walks: tuple[Walk, Walk] | None = None,
    ) -> None:
        """``start``: (iteration, steps done) where both walks begin: where the main walk is; and
        the main view's precision (``digits``) and decision map (``show_map``) carry over.
        ``walks``: the walks of ``left`` and ``right`` made already (far into training, computed
        in a worker, side_by_side_walks), else made here."""
        super().__init__()
        self._carried = (digits, show_map)
        # Both where the main walk is, in lockstep: a saved session's own position is not gone to
        # (its edits are kept), or one side would start elsewhere than the other.
        walks = walks or side_by_side_walks(left, right)
        for walk in walks:
            walk.seek(*start)
        self.columns = tuple(
            WalkView(walk, compact=True, id=f"side-{side}", classes="walk-column")
            for walk, side in zip(walks, ("left", "right"))
        )
        # Each column is titled by what differs: how it is trained, or else its init.
        same_run = run_description(left) == run_description(right)
        for column in self.columns:
            net = column.walk.net
            column.run_title = f"init {net.init.describe()}" if same_run else run_description(net)
            column.border_title = column.run_title

    def on_mount(self) -> None:
        digits, show_map = self._carried
        for column in self.columns:
            if digits is not None:
                column.digits = digits
            if show_map and column.walk.net.layers[0] == 2:
                column.show_map(True)
            column.refresh_view()

    def compose(self) -> ComposeResult:
        with Horizontal(id="side-by-side"):
            yield from self.columns
        yield KeysFooter(compact=True)

    def on_walk_view_cell_chosen(self, event: WalkView.CellChosen) -> None:
        """A cell chosen on one side is explained on the other too, in its own numbers: the same
        computation from the other init (or run), beside it."""
        for column in self.columns:
            if column is not event.view:
                column.select_cell(event.ref, event.row, event.col)

    def action_main_view_only(self, key: str, what: str) -> None:
        """A key of the main view, pressed here: it changes or reads one walk, and two are shown."""
        self.notify(
            f"{what} ({key}) works on the main view's walk: Escape closes side by side.",
            timeout=4,
        )

    def action_grow_why(self) -> None:
        """Both halves' Why panes two thirds of their height, or back; below ``SHORT`` lines the
        halves have none, and the key says so rather than doing nothing."""
        if not all(column.why_shown for column in self.columns):
            # Taken down as soon as it is untrue: it stayed up over the halves' bottom borders
            # after a resize to 120x40 had given them their Why panes (a tester).
            self.notify_while(
                lambda: not all(column.why_shown for column in self.columns),
                f"Side by side, the Why panes need a screen of {SHORT} lines or more: "
                "Escape goes back to the main view and its Why pane.",
                timeout=5,
            )
            return
        tall = not self.columns[0].has_class("-why-tall")
        for column in self.columns:
            column.set_class(tall, "-why-tall")
            column.refresh_view()

    def action_close(self) -> None:
        self.running = False
        self.dismiss()
