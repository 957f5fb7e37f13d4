"""The stepping keys, one set for every screen that shows walks: the main screen and side by side.

A :class:`SteppingScreen` moves each of its :class:`WalkView`'s walks the same way (side by side: in
lockstep), runs continuous training on a timer, and lets a screen refuse moves while it is busy.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from textual import events
from textual.binding import Binding
from textual.css.query import NoMatches, QueryType
from textual.geometry import Region, Size, Spacing
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._toast import Toast, ToastRack  # not exported; Textual is pinned (constraints.txt)

from stepper.app.notices import TOAST_SHARE, TOAST_WIDTH
from stepper.app.walk_state import LEARNING_RATE_KEY, RUN_INTERVAL, pane_layer
from stepper.app.widgets.decision_map import DecisionMapView
from stepper.app.widgets.matrix import MatrixView
from stepper.app.widgets.sized import on_screen_now
from stepper.app.widgets.walk_view import WalkView
from stepper.engine.steps import Phase
from stepper.engine.walk import Walk
from stepper.formatting import PRECISIONS

NOTICE_NARROWEST = 28  # a notice narrower than this is too tall to read: it covers something instead

# Shown in the footer: the moves. The rest are in the help screen (?) and the command palette.
STEP_BINDINGS = [
    Binding("n", "next_step", "Next", id="next-step"),
    Binding("p", "previous_step", "Prev", id="previous-step"),
    Binding("f", "phase_end('forward')", "Fwd", id="forward-end"),
    Binding("b", "phase_end('backward')", "Bwd", id="backward-end"),
    Binding("u", "phase_end('update')", "Update", id="apply-update"),
    Binding("i", "whole_iteration", "Iter", id="whole-iteration"),
    Binding("space", "toggle_run", "Run", id="run-pause"),
    Binding("l", "layer_end", "Layer step", show=False, id="layer-end"),
    Binding("left_square_bracket", "show_layer(-1)", "Prev layer", show=False, id="previous-layer"),
    Binding("right_square_bracket", "show_layer(1)", "Next layer", show=False, id="next-layer"),
    Binding("r", "restart", "Restart", show=False, id="restart"),
    Binding("m", "toggle_map", "Decision map", show=False, id="decision-map"),
    # Arrows select a cell of the current matrix, no Tab needed (Tab still reaches every matrix).
    Binding("up", "cell(-1, 0)", "Cell up", show=False, id="cell-up"),
    Binding("down", "cell(1, 0)", "Cell down", show=False, id="cell-down"),
    Binding("left", "cell(0, -1)", "Cell left", show=False, id="cell-left"),
    Binding("right", "cell(0, 1)", "Cell right", show=False, id="cell-right"),
]

# How many digits numbers show: every view on the screen (side by side: both sides).
DIGITS_BINDING = Binding("d", "cycle_digits", "Digits 3/5/7", show=False, id="cycle-digits")

# The Why pane taller or back: side by side, both halves' panes.
GROW_WHY_BINDING = Binding("w", "grow_why", "Why pane: taller / shorter", show=False, id="grow-why")

# The main view's keys that change or read its one walk. Side by side, where two walks step
# together, they say that they belong to the main view instead of doing nothing.
WALK_BINDINGS = [
    Binding("g", "goto", "Go to", show=False, id="goto-iteration"),
    Binding("R", "reinitialise", "Re-init", show=False, id="reinitialise"),
    Binding("O", "training", "Optimizer & batch", show=False, id="training-settings"),
    Binding("s", "break_symmetry", "Break symmetry", show=False, id="break-symmetry"),
    Binding("h", "health", "Health report", show=False, id="health"),
    Binding("v", "side_by_side", "Side by side", show=False, id="side-by-side"),
    Binding("e", "edit", "Edit weight", show=False, id="edit-weight"),
    Binding("x", "export", "Export", show=False, id="export"),
    Binding("M", "export_map", "Export decision map", show=False, id="export-map"),
    Binding("t", "quiz", "Check yourself", show=False, id="quiz"),
    DIGITS_BINDING,
    Binding("ctrl+s", "save_session", "Save session", show=False, id="save-session"),
    Binding("o", "open", "Open", show=False, id="open-network"),
    GROW_WHY_BINDING,
]


class SteppingScreen(Screen[None]):
    """A screen of walk views that the stepping keys move together."""

    # Textual repaints the whole screen when the focus moves (Screen.focused repaints); the focused and
    # blurred widgets restyle and repaint themselves, and the cell cursor moves to the new current
    # matrix on every step: a full repaint per step for nothing.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    running: reactive[bool] = reactive(False)
    busy: reactive[bool] = reactive(False)  # a long run fills the history in a thread: no moves

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._at_divergence: set[str | None] = set()  # the views whose walk stands at its divergence
        self._redraw_pending = False
        self._views: list[WalkView] = []
        self._focused_before: object = None
        self.walks_replaced = 0  # how often a walk was replaced (re-initialised, opened): notify_while
        # Moves asked while a new walk is on its way to the screen (WalkScreen.replace_network):
        # made on it once it is shown. Pressed right after s, n and i moved the old walk, and were
        # lost with it.
        self._held_moves: list[Callable[[Walk], object]] | None = None

    @property
    def focus_chain(self) -> list[Widget]:
        """Textual's Tab order less the matrices not computed yet: Tab stopped on each, dots and a
        Why pane saying "not computed yet", the arrows moving over nothing, and the layer pane left
        scrolled down to them (a fresh tester at 120x40; at the seed's step 3, seven of them in a
        row). A click still gives one the keyboard (its cell explained, the border dashed), and the
        focused widget stays in the chain, so that Tab moves on from it."""
        focused = self.focused
        return [
            widget
            for widget in super().focus_chain
            if widget is focused or not isinstance(widget, MatrixView) or widget.computed
        ]

    def focus_next(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._tabbed_to(super().focus_next(selector))

    def focus_previous(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._tabbed_to(super().focus_previous(selector))

    def _tabbed_to(self, focused: Widget | None) -> Widget | None:
        """Tab or Shift+Tab put the keyboard on ``focused``: an operand of the current step gets its
        cursor on the cell marked for the step's computation (WalkView.cursor_onto_step)."""
        if isinstance(focused, MatrixView):
            for view in self.walk_views():
                if focused in view.all_matrices:
                    view.cursor_onto_step(focused)
        return focused

    def walk_views(self) -> list[WalkView]:
        # Looked up once: a query walks the screen's whole DOM, and this runs several times a step.
        if not self._views or not all(view.is_attached for view in self._views):
            self._views = list(self.query(WalkView))
        return self._views

    # Textual calls these as well as a subclass's own on_mount and on_resize.
    def on_mount(self) -> None:
        self._apply_width(self.room())
        self.call_after_refresh(self.show_cursor, True)
        # After every layout: a new notice, and a step that moves what a notice must keep clear of.
        self.screen_layout_refresh_signal.subscribe(self, self.place_notices)

    def place_notices(self, _screen: object = None) -> None:
        """The notice on screen at the right edge, as low as it can go above the footer without
        covering the header (never: where the walk is, "step 11 of 22 · C = …", hid under it for as
        long as it lasted; a tester's finding), and covering as little as it can of the step's
        matrices and of the Why pane's cell computation: over the Why pane's last lines where they
        are the step's summary, else beside the matrices. The stylesheet's place (just above the
        footer) is where it starts."""
        try:
            rack = self.get_child_by_type(ToastRack)
        except NoMatches:
            return
        shown = [toast for toast in rack.query(Toast) if toast.parent is not None and toast.parent.display]
        if not rack.display or not shown:
            return
        toast = shown[-1]
        if not toast.outer_size.width:
            return
        never: list[Region] = []
        avoid: list[Region] = []
        for view in self.walk_views():
            header, why = view.kept_clear()
            never += header
            avoid += why
        for bar in self.query("#progress"):
            if bar.display and bar.region.area:
                never.append(bar.region)
        for widget, (region, clip) in self._compositor.visible_widgets.items():
            if isinstance(widget, (MatrixView, DecisionMapView)):
                avoid.append(region.intersection(clip))
        floor = self.size.height
        for footer in self.query(Footer):
            if footer.display and footer.region.area:
                floor = min(floor, footer.region.y)
        # Its own width first (the stylesheet's), then narrower, taller ones: at 80x24 an update's
        # matrices leave a column of free lines beside them that a narrower notice fits.
        frame = toast.styles.gutter.width
        usual = min(TOAST_WIDTH, int(self.size.width * TOAST_SHARE))  # the stylesheet's
        best: tuple[int, int, int, int] | None = None  # (cells covered, -width, -top line, height)
        for width in range(usual, min(usual, NOTICE_NARROWEST) - 1, -4):
            lines = toast.get_content_height(self.size, self.size, width - frame)
            height = lines + toast.styles.gutter.height
            x = self.size.width - width
            for y in range(floor - height, -1, -1):  # from the bottom up: the lowest of the best
                spot = Region(x, y, width, height)
                if any(spot.overlaps(region) for region in never):
                    continue
                covered = sum(spot.intersection(region).area for region in avoid)
                choice = (covered, -width, -y, height)
                if best is None or choice < best:
                    best = choice
                if not covered:
                    break
            if best is not None and not best[0]:
                break
        if best is None:
            return  # no room beside the header at all: where the stylesheet puts it
        width, top, height = -best[1], -best[2], best[3]
        margin = max(0, self.size.height - top - height)
        if rack.styles.margin.bottom != margin:
            rack.styles.margin = Spacing(0, 0, margin, 0)
        if width == usual:
            if toast.styles.inline.has_rule("width"):
                toast.styles.inline.clear_rule("width")
                toast.refresh(layout=True)
        elif toast.styles.width is None or toast.styles.width.value != width:
            toast.styles.width = width

    def show_cursor(self, start: bool = False) -> None:
        """At the start (or with a new network), or when nothing has the keyboard, the cell cursor
        goes on the current matrix (the first view's), at its first cell, and the Why pane explains
        that cell: the first arrow press moves it instead of only making it appear. (At the start
        Textual gives the keyboard to the first focusable widget, the symmetry button.)"""
        if self.app.screen is not self or isinstance(self.focused, MatrixView):
            return
        if self.focused is not None and not start:
            return  # the learner took the keyboard elsewhere (Tab to a button): left there
        for view in self.walk_views()[:1]:
            matrix = view.cursor_matrix()
            if matrix is not None:
                matrix.focus()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(self.room(event.size.width))
        # A notice the new size has made untrue goes ("the Why panes need 40 lines", now 40).
        self._drop_untrue_notices()

    def room(self, width: int | None = None) -> int:
        """The width the walk views share: the screen's (``width``, when it is new), less a panel
        split off at its side. The palette's "Keys" panel is one: the views planned their layers for
        the whole width behind it, and at 120x40 W^0 showed 1 of its 3 columns."""
        width = self.size.width if width is None else width
        size = Size(width, self.size.height)
        for child in self.children:
            if child.styles.is_split and child.display:
                # Its width as the screen's layout will give it (from its styles: it may not be
                # laid out yet, from the palette): a share of the screen's, within its limits.
                styles = child.styles
                taken = styles.width.resolve(size, size) if styles.width else Fraction(0)
                if styles.min_width:
                    taken = max(taken, styles.min_width.resolve(size, size))
                if styles.max_width:
                    taken = min(taken, styles.max_width.resolve(size, size))
                width -= int(taken) + styles.margin.width
        return width

    def refit(self) -> None:
        """A panel was split off or closed (App.action_show_help_panel): the views plan their
        layers for the width they have now."""
        self.call_after_refresh(lambda: self._apply_width(self.room()))

    def _on_timer_update(self) -> None:
        # Widgets asked to repaint that are not on screen (a matrix scrolled out of its pane, kept
        # current all the same; one shown only by the layout now pending) are dropped from the
        # repaint: Textual takes a widget it does not see for a new one and arranges the whole
        # screen again, which it did on about half a step's repaints. Their drawing was cleared
        # when they asked, so they are drawn afresh when a layout or a scroll brings them in view.
        seen = on_screen_now(self) if self._dirty_widgets else None
        if seen is not None:
            self._dirty_widgets.difference_update(
                [widget for widget in self._dirty_widgets if widget not in seen and widget is not self]
            )
        super()._on_timer_update()

    def _apply_width(self, width: int) -> None:
        """The views share the width equally (side by side: half each)."""
        views = self.walk_views()
        for view in views:
            view.apply_width(width // max(1, len(views)))
        # Below 80 columns the footer's keys would run under its palette hint: ctrl+p still works.
        for footer in self.query(Footer):
            footer.show_command_palette = width >= 80

    def on_screen_suspend(self) -> None:
        # A dialog (or help, or the palette) opens over the walk: toasts already up would lie over
        # it (at 80x24, over the quiz's next question and its input), so they wait with the rest.
        hold = getattr(self.app, "hold_shown_notices", None)
        if hold is not None:
            hold()

    def notify_while(self, still_true: Callable[[], bool], message: str, **kwargs: Any) -> None:
        """A notice about the walk as it is now. Held behind a dialog, it shows when the dialog closes
        only if ``still_true()`` then, and never once a walk has been replaced since: counted as it
        happens, for the new walk is shown a moment later (WalkScreen.replace_network)."""
        from stepper.app.app import StepperApp  # (it imports this module)

        replaced = self.walks_replaced
        app = self.app
        if isinstance(app, StepperApp):
            app.notify(message, still_true=lambda: self.walks_replaced == replaced and still_true(), **kwargs)
        else:
            self.notify(message, **kwargs)

    def on_screen_resume(self) -> None:
        # A dialog closed: what it had to say (saved, exported, an error) is shown now.
        show = getattr(self.app, "show_held_notices", None)
        if show is not None:
            self.call_later(show)
        # A dialog opened before the first cursor was placed (t pressed as the stepper opened): the
        # start's show_cursor found the dialog in front and did nothing, and no cell was ever
        # selected again; the quiz's answers came with no computation in the Why pane.
        if self.is_mounted and not any(view.selected for view in self.walk_views()):
            self.call_after_refresh(self.show_cursor, True)

    def move(self, how: Callable[[Walk], object]) -> None:
        """Move every walk with ``how`` and show where they are."""
        if self.busy:
            self.notify("A long run is in progress: Escape cancels it.", severity="warning")
            return
        if self._held_moves is not None:
            self._held_moves.append(how)
            return
        for view in self.walk_views():
            how(view.walk)
            view.follow()
        # Holding n: the keys that queued up while one step was drawn each move the walk (cheap),
        # and the screen is drawn once for all of them, so stepping stops when the key is let go.
        if not self._redraw_pending:
            self._redraw_pending = True
            self._focused_before = self.focused
            self.call_later(self._redraw)

    def _redraw(self) -> None:
        self._redraw_pending = False
        for view in self.walk_views():
            with view.one_explanation():
                view.refresh_view()
                view.carry_cursor(self._focused_before)
        self.show_cursor()
        self._notify_divergence(self.walk_views())
        self._drop_untrue_notices()

    def _drop_untrue_notices(self) -> None:
        """The notices on screen that the walk or the screen's size has made untrue, taken down
        (StepperApp keeps what each depends on; under any other App there is nothing to drop)."""
        drop = getattr(self.app, "drop_untrue_notices", None)
        if drop is not None:
            drop()

    def _notify_divergence(self, views: list[WalkView]) -> None:
        """At the step where training diverged a walk stops (docs/json.md): say where, and why.

        Once, as the walk arrives there: a key that cannot move it further adds no toast (the health
        notice keeps saying it).
        """
        for view in views:
            walk = view.walk
            diverged = walk.divergence
            if diverged is None or not walk.at_divergence:
                self._at_divergence.discard(view.id)
                continue
            self.running = False
            if view.id in self._at_divergence:
                continue
            self._at_divergence.add(view.id)
            which = f" ({walk.net.init.describe()})" if len(views) > 1 else ""
            self.notify_while(
                lambda walk=walk: walk.at_divergence,  # type: ignore[misc]  # this walk, not the last
                f"Training{which} {diverged.message()}. The walk stops here. "
                f"Remedy: {diverged.remedy(LEARNING_RATE_KEY)}.",
                title="Diverged",
                severity="error",
                timeout=8,
            )

    def action_next_step(self) -> None:
        # Side by side, a walk with fewer steps an iteration (sgd beside adam) waits at the end of
        # its iteration for the other: they start the next one together (they drifted an iteration
        # apart, "Iteration 2 · step 2/15" beside "step 18/25").
        walks = [view.walk for view in self.walk_views()]
        if any(w.done < w.steps_per_iteration for w in walks):
            waiting = {id(w) for w in walks if w.done == w.steps_per_iteration}
        else:
            waiting = set()
        self.move(lambda w: None if id(w) in waiting else w.forward())

    def action_previous_step(self) -> None:
        # Back, as n came: a walk at the end of its iteration waits while the other is further on in
        # the same iteration (it came there waiting), and at its start while the other is not back
        # there yet; so p gives back the pairs of steps n made (adam's 17th was beside sgd's 14th).
        walks = [view.walk for view in self.walk_views()]
        waiting = {
            id(w)
            for w in walks
            if any(
                o.iteration == w.iteration
                and (o.done > w.done == w.steps_per_iteration or o.done > w.done == 0)
                for o in walks
            )
        }
        moved: list[bool] = []
        self.move(lambda w: moved.append(True if id(w) in waiting else w.back()))
        if not all(moved):
            self.app.bell()

    def action_phase_end(self, phase: str) -> None:
        self.move(lambda w: w.to_phase_end(Phase(phase)))

    def action_whole_iteration(self) -> None:
        self.move(lambda w: w.to_iteration_end())

    def action_layer_end(self) -> None:
        # The layer as the header's map marks it: dC/dW^2 finishes layer 3 (its pane holds W^2).
        self.move(lambda w: w.to_layer_end(pane_layer))

    def action_restart(self) -> None:
        self.running = False
        self.move(lambda w: w.seek(1, 0))

    def action_toggle_map(self) -> None:
        """Every view shows or hides its decision map (side by side: both, to compare them)."""
        from stepper.errors import StepperError

        for view in self.walk_views():
            try:
                view.show_map(not view.map_shown)
            except StepperError as exc:  # no 2 inputs, no map
                self.notify(str(exc), severity="warning")
                return

    def action_cell(self, rows: int, cols: int) -> None:
        """Move the cell cursor of the current matrix (the first view's, side by side) when the
        keyboard is elsewhere (a button, say): its computation is written out in the Why pane. The
        matrix then has focus and its own arrow keys move on."""
        for view in self.walk_views()[:1]:
            matrix = view.arrow_matrix()
            if matrix is not None:
                matrix.focus()
                matrix.action_move(rows, cols)

    def action_show_layer(self, delta: int) -> None:
        for view in self.walk_views():
            view.show_layer(delta)

    # --- continuous training ----------------------------------------------------------------------
    def action_cycle_digits(self) -> None:
        views = self.walk_views()
        if not views:
            return
        digits = PRECISIONS[(PRECISIONS.index(views[0].digits) + 1) % len(PRECISIONS)]
        for view in views:
            view.digits = digits
            view.refresh_view()
        # Short-lived: pressing d three times must not stack three toasts over the matrices.
        self.notify(f"Numbers now show {digits} digits (exports keep 7).", timeout=2)

    def action_toggle_run(self) -> None:
        if self.busy:
            return
        self.running = not self.running

    def watch_running(self, running: bool) -> None:
        if running:
            self._timer = self.set_interval(RUN_INTERVAL, self._run_tick)
        elif self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _run_tick(self) -> None:
        self.move(lambda w: w.to_iteration_end())  # stops the run at a divergence, with its notice
