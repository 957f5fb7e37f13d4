"""stepper's Textual app: walk through the forward pass, backward pass and update, step by step."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Footer, ProgressBar, Sparkline
from textual.worker import get_current_worker

from stepper.app.screens.health import HealthScreen
from stepper.app.screens.help import HelpScreen
from stepper.app.screens.prompts import EditValue, Export, GotoIteration, OpenNetwork, Reinitialise, SavePath
from stepper.app.screens.side_by_side import SideBySideScreen
from stepper.app.settings import load_settings, save_setting
from stepper.app.walk_state import (
    RUN_INTERVAL,
    cost_curve,
    curve_end,
    pane_layer,
    show_matrices,
    status_lines,
)
from stepper.app.why import why_markup
from stepper.app.widgets.explanation import Explanation
from stepper.app.widgets.health import HealthNotice
from stepper.app.widgets.layer_pane import LayerPane
from stepper.app.widgets.matrix import MatrixView
from stepper.app.widgets.status import StatusLine
from stepper.engine.compare import MineChecker, load_mine_for, position_of, symbol
from stepper.engine.diagnose import Diagnosis
from stepper.engine.explain import cell_meaning, cell_name
from stepper.engine.init import InitSpec
from stepper.engine.network import Network
from stepper.engine.steps import Phase, Ref
from stepper.engine.walk import Walk
from stepper.errors import StepperError

# Actions that replace or change the walk (or read its history as a whole).
WALK_CHANGES = frozenset(
    {"reinitialise", "break_symmetry", "edit", "open", "restart", "side_by_side", "goto", "save_session"}
)
WIDE = 120  # from this many columns, layers are shown side by side (as many as fit)
LONG_RUN = 2000  # going this many iterations ahead runs in a worker with a progress bar


def layers_that_fit(min_widths: list[int], layer: int, width: int) -> set[int]:
    """Layer ``layer`` and its neighbours, alternately right and left, while their panes fit."""
    shown, used = {layer}, min_widths[layer - 1]
    left, right = layer - 1, layer + 1
    while left >= 1 or right <= len(min_widths):
        for candidate in (right, left):
            if 1 <= candidate <= len(min_widths) and candidate not in shown:
                if used + min_widths[candidate - 1] > width:
                    return shown
                shown.add(candidate)
                used += min_widths[candidate - 1]
        left, right = left - 1, right + 1
    return shown


class StepperApp(App[None]):
    """``StepperApp(network=None | path | example name | Network)``."""

    CSS_PATH = "stepper.tcss"
    TITLE = "stepper"

    BINDINGS = [
        Binding("n", "next_step", "Next", id="next-step"),
        Binding("p", "previous_step", "Prev", id="previous-step"),
        Binding("f", "phase_end('forward')", "Fwd", id="forward-end"),
        Binding("b", "phase_end('backward')", "Bwd", id="backward-end"),
        Binding("u", "phase_end('update')", "Update", id="apply-update"),
        Binding("i", "whole_iteration", "Iter", id="whole-iteration"),
        # The footer fits 80 columns with the moves, help and quit; every other key is in the help
        # screen (?) and the command palette (ctrl+p).
        Binding("g", "goto", "Go to", show=False, id="goto-iteration"),
        Binding("space", "toggle_run", "Run", id="run-pause"),
        Binding("R", "reinitialise", "Re-init", show=False, id="reinitialise"),
        Binding("s", "break_symmetry", "Break symmetry", show=False, id="break-symmetry"),
        Binding("h", "health", "Health report", show=False, id="health"),
        Binding("v", "side_by_side", "Side by side", show=False, id="side-by-side"),
        Binding("e", "edit", "Edit weight", show=False, id="edit-weight"),
        Binding("x", "export", "Export", show=False, id="export"),
        Binding("ctrl+s", "save_session", "Save session", show=False, id="save-session"),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("l", "layer_end", "Layer step", show=False, id="layer-end"),
        Binding("left_square_bracket", "show_layer(-1)", "Prev layer", show=False, id="previous-layer"),
        Binding("right_square_bracket", "show_layer(1)", "Next layer", show=False, id="next-layer"),
        Binding("r", "restart", "Restart", show=False, id="restart"),
        Binding("o", "open", "Open", show=False, id="open-network"),
        Binding("escape", "cancel", "Cancel run", show=False, id="cancel"),
    ]

    running: reactive[bool] = reactive(False)
    shown_layer: reactive[int] = reactive(1)
    busy: reactive[bool] = reactive(False)

    def __init__(
        self, network: str | Path | Network | None = None, compare: str | Path | None = None
    ) -> None:
        """``compare``: a file of the learner's own numbers (trace JSON or .npz): every cell where
        they differ is marked, and the stepper opens at the first difference."""
        super().__init__()
        self.walk = Walk(self._load(network))
        self.checker: MineChecker | None = None
        if compare is not None:
            mine = load_mine_for(self.net, str(compare))
            self.checker = MineChecker(self.net, mine, Path(compare).name)
        self._timer = None
        self._selected: tuple[MatrixView, int, int] | None = None
        self._curve_until = -1
        self._notice_for: tuple[Diagnosis, bool] | None = None
        self._width = 80
        theme = load_settings().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme

    # --- set-up ---------------------------------------------------------------------------------
    @staticmethod
    def _load(network: str | Path | Network | None) -> Network:
        if isinstance(network, Network):
            return network
        from stepper.netfile import load_network

        return load_network(None if network is None else str(network))

    @property
    def net(self) -> Network:
        return self.walk.net

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield StatusLine(id="status")
            yield Sparkline([], id="loss")
        yield HealthNotice(id="health")
        with Horizontal(id="layers"):
            yield from self._panes()
        with VerticalScroll(id="explain"):
            yield Explanation(id="explain-text")
        yield ProgressBar(id="progress", show_eta=True)
        yield Footer(compact=True)

    def _panes(self) -> list[LayerPane]:
        panes = [LayerPane(self.net, l) for l in range(1, self.net.depth + 1)]
        for pane in panes:
            pane.styles.width = f"{pane.columns + 1}fr"
        return panes

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Over the side-by-side view the main walk's keys would act on a walk that is not shown.
        if isinstance(self.screen, SideBySideScreen) and action not in ("quit", "help", "command_palette"):
            return False
        # While a long run computes the history in a thread, nothing may replace or edit it.
        if self.busy and action in WALK_CHANGES:
            return None  # shown, but disabled
        return True

    def watch_busy(self) -> None:
        self.refresh_bindings()

    def on_mount(self) -> None:
        # The theme chosen in the command palette is kept for the next run.
        self.theme_changed_signal.subscribe(self, lambda theme: save_setting("theme", theme.name))
        self.query_one("#explain").border_title = "Why"
        self.query_one("#loss").border_title = "cost"
        self._apply_width(self.size.width)
        if self.checker is not None:
            self._jump_to_first_difference()
        self.refresh_views()

    def _jump_to_first_difference(self) -> None:
        assert self.checker is not None
        result = self.checker.summary()
        first = result.first
        if first is None:
            self.notify(f"✓ All {result.checked} numbers in {self.checker.source} match.", timeout=8)
            return
        self.walk.seek(*position_of(self.net, first))
        where = "" if first.row is None else f", row {first.row}, column {first.col}"
        self.notify(
            f"≠ {self.checker.source} first differs at iteration {first.iteration}: "
            f"{symbol(first.quantity, first.layer)}{where}. "
            f"{result.differing} of {result.checked} numbers differ; they are marked ≠.",
            severity="warning",
            timeout=12,
        )

    def on_resize(self, event) -> None:  # type: ignore[no-untyped-def]
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self._width = width  # the new size, which self.size may not say yet during a resize
        self.screen.set_class(width >= WIDE, "-wide")
        self._notice_for = None
        self.query_one("#explain-text", Explanation).reset_height()
        self._show_only(self.shown_layer)

    @property
    def diagnosis(self) -> Diagnosis:
        return self.walk.diagnosis

    def _show_only(self, layer: int) -> None:
        """At 80 columns the one layer; in a wide terminal as many layers around it as fit."""
        panes = list(self.query(LayerPane))
        shown = {layer}
        if self.screen.has_class("-wide"):
            shown = layers_that_fit([p.min_width for p in panes], layer, self._width)
        for pane in panes:
            pane.display = pane.layer_index in shown

    # --- what is on screen ----------------------------------------------------------------------
    def refresh_views(self) -> None:
        walk = self.walk
        checks = self.checker.at(walk.iteration, walk.values) if self.checker is not None else {}
        show_matrices(self.query(MatrixView), walk, checks)
        diagnosis = walk.diagnosis
        self._update_health(diagnosis)
        self._update_status()
        self._update_explanation()
        layer = pane_layer(walk.current_step)
        if layer != self.shown_layer:
            self.shown_layer = layer
        else:
            self._scroll_to_current()

    def watch_shown_layer(self, layer: int) -> None:
        self._show_only(layer)
        # The pane just shown has no layout yet: where its matrices are is known after the refresh.
        self.call_after_refresh(self._scroll_to_current)

    def _scroll_to_current(self) -> None:
        for pane in self.query(LayerPane):
            pane.scroll_to_current()

    def _update_health(self, diagnosis: Diagnosis) -> None:
        wide = self.screen.has_class("-wide")
        if self._notice_for != (diagnosis, wide):  # once per iteration, not per step
            self._notice_for = (diagnosis, wide)
            self.query_one(HealthNotice).show(diagnosis, wide)
            for pane in self.query(LayerPane):
                pane.show_width(diagnosis.effective_layers[pane.layer_index])

    def _update_status(self) -> None:
        self.query_one("#status", StatusLine).show(*status_lines(self.walk))
        last = curve_end(self.walk)
        if last != self._curve_until:  # redraw the curve only when it gains or loses a point
            self._curve_until = last
            self.query_one("#loss", Sparkline).data = cost_curve(self.walk)

    def _update_explanation(self) -> None:
        selected = None
        # The selected cell is explained while its matrix is on screen (at 80x24 its pane may be hidden).
        if self._selected is not None and self._selected[0].parent.display:  # type: ignore[union-attr]
            view, row, col = self._selected
            selected = (view.ref, row, col)
        markup = why_markup(self.walk, selected, self.checker)
        self.query_one("#explain-text", Explanation).show(markup)

    def on_matrix_view_cell_selected(self, event: MatrixView.CellSelected) -> None:
        self._selected = (event.view, event.row, event.col)
        self._update_explanation()

    # --- moving -----------------------------------------------------------------------------------
    def _move(self, how) -> None:  # type: ignore[no-untyped-def]
        if self.busy:
            self.notify("A long run is in progress: Escape cancels it.", severity="warning")
            return
        how()
        self.refresh_views()

    def action_next_step(self) -> None:
        self._move(self.walk.forward)

    def action_previous_step(self) -> None:
        def back() -> None:
            if not self.walk.back():
                self.bell()

        self._move(back)

    def action_phase_end(self, phase: str) -> None:
        self._move(lambda: self.walk.to_phase_end(Phase(phase)))

    def action_whole_iteration(self) -> None:
        self._move(self.walk.to_iteration_end)

    def action_layer_end(self) -> None:
        self._move(self.walk.to_layer_end)

    def action_restart(self) -> None:
        self.running = False
        self._move(lambda: self.walk.seek(1, 0))

    def action_show_layer(self, delta: int) -> None:
        self.shown_layer = min(max(self.shown_layer + delta, 1), self.net.depth)

    def action_goto(self) -> None:
        self.push_screen(GotoIteration(), self.goto_iteration)

    def goto_iteration(self, iteration: int | None) -> None:
        if iteration is None:
            return
        known = max(self.walk.history.costs, default=1)
        if iteration - known > LONG_RUN:
            self.busy = True
            self._advance(iteration)
        else:
            self._move(lambda: self.walk.to_iteration(iteration))

    @work(thread=True, exclusive=True, group="long-run")
    def _advance(self, iteration: int) -> None:
        """Compute the weights up to ``iteration`` in a thread, with progress; Escape cancels."""
        worker = get_current_worker()
        history = self.walk.history
        start = max(history.costs, default=1)
        self.call_from_thread(self._progress_start, iteration - start)
        k = start
        chunk = 100
        while k < iteration and not worker.is_cancelled:
            k = min(k + chunk, iteration)
            history.weights_at(k)
            self.call_from_thread(self._progress_set, k - start)
        self.call_from_thread(self._advance_done, k, worker.is_cancelled)

    def _progress_start(self, total: int) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total, progress=0)
        bar.display = True

    def _progress_set(self, done: int) -> None:
        self.query_one("#progress", ProgressBar).update(progress=done)
        # The loss curve grows with the run: the worker has recorded every cost so far.
        until = max(self.walk.history.costs, default=0)
        self.query_one("#loss", Sparkline).data = cost_curve(self.walk, until)
        self._curve_until = -1

    def _advance_done(self, reached: int, cancelled: bool) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.busy = False
        self.walk.to_iteration(reached)
        self.refresh_views()
        if cancelled:
            self.notify(f"Cancelled at iteration {reached}.")

    def action_cancel(self) -> None:
        if self.busy:
            self.workers.cancel_group(self, "long-run")
        self.running = False

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
        self.walk.to_iteration_end()
        cost = self.walk.values.cost
        if cost != cost or cost in (float("inf"), float("-inf")):
            self.running = False
            self.notify(f"Training diverged at iteration {self.walk.iteration}.", severity="error")
        self.refresh_views()

    # --- re-initialise and open -------------------------------------------------------------------
    def action_reinitialise(self) -> None:
        self.push_screen(Reinitialise(self.net.init), self.reinitialise)

    def reinitialise(self, init: InitSpec | None) -> None:
        if init is None:
            return
        self.replace_network(self.net.with_init(init))
        self.notify(f"Re-initialised: {init.describe()}. Back at iteration 1.")

    def action_break_symmetry(self) -> None:
        self.reinitialise(InitSpec("normal", seed=self.net.init.seed + 1))

    async def run_checked(self, action: str) -> None:
        """Run ``action`` from a button or the command palette as its key would: Textual checks
        ``check_action`` for keys only, so a disabled action would otherwise still run."""
        if self.check_action(action.split("(")[0], ()) is not True:
            if self.busy:
                self.notify("A long run is in progress: Escape cancels it.", severity="warning")
            return
        await self.run_action(action)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "break-symmetry":
            await self.run_checked("break_symmetry")

    # --- sessions, edits and exports --------------------------------------------------------------
    def action_save_session(self) -> None:
        default = f"{self.net.name}-session.toml"
        self.push_screen(
            SavePath("Save this session (network, weights, iteration and step) to:", default),
            self.save_session,
        )

    def save_session(self, path: str | None) -> None:
        if path is None:
            return
        from stepper.exports.network_file import save_network

        try:
            save_network(self.net, path, self.walk.session())
        except StepperError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.notify(f"Saved to {path}. Open it again with: stepper {path}")

    def action_edit(self) -> None:
        selected = self._selected
        if selected is None or selected[0].ref.quantity != "weights" or not selected[0].parent.display:  # type: ignore[union-attr]
            self.notify(
                'Select a cell of a weight matrix W ("weights in") first: click it, or Tab and arrows.'
            )
            return
        view, row, col = selected
        ref = view.ref
        current = float(self.walk.values.weights[ref.layer][row, col])
        prompt = EditValue(cell_name(ref, row, col), cell_meaning(ref, row, col), current)
        self.push_screen(prompt, lambda value: self.edit(ref.layer, row, col, value))

    def edit(self, layer: int, row: int, col: int, value: float | None) -> None:
        if value is None:
            return
        self.walk.edit_weight(layer, row, col, value)
        self._curve_until = -1
        self.refresh_views()
        name = cell_name(Ref("weights", layer), row, col)
        self.notify(f"{name} = {value!r}: iteration {self.walk.iteration} is computed again from it.")

    def action_export(self) -> None:
        stem = f"{self.net.name}-iteration{self.walk.iteration}-step{self.walk.done}"
        self.push_screen(Export(stem), self.export)

    def export(self, choice: tuple[str, str, str | None] | None) -> None:
        if choice is None:
            return
        from stepper.atomic import write_atomically
        from stepper.exports.share import render_trace

        scope, fmt, path = choice
        walk = self.walk
        step = walk.current_step
        steps = (step,) if scope == "step" and step is not None else walk.steps
        text = render_trace(fmt, self.net, [walk.values], steps, first=walk.iteration)
        what = (
            f"step {step.number}" if len(steps) == 1 and step is not None else f"iteration {walk.iteration}"
        )
        if path is None:
            # OSC 52: the terminal puts it on the clipboard, over SSH too (if the terminal allows it).
            self.copy_to_clipboard(text)
            self.notify(f"Copied {what} as {fmt} to the clipboard ({len(text)} characters).")
            return
        try:
            write_atomically(path, text)
        except StepperError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.notify(f"Exported {what} as {fmt} to {path}.")

    def action_side_by_side(self) -> None:
        """This network beside itself from another init: random if it has clones, else constant 1."""
        net = self.net
        other = (
            InitSpec("normal", seed=net.init.seed + 1)
            if self.walk.diagnosis.clones or net.init.scheme == "constant"
            else InitSpec("constant", value=1.0)
        )
        self.running = False
        self.push_screen(SideBySideScreen(net, net.with_init(other)))

    def action_health(self) -> None:
        from stepper.exports.diagnose_out import diagnose_text

        net, diagnosis = self.net, self.diagnosis
        self.push_screen(HealthScreen(lambda width: diagnose_text(net, diagnosis, width)))

    def replace_network(self, net: Network) -> None:
        self.running = False
        if self.checker is not None:
            # The learner's numbers were for the network (and init) they were opened with.
            self.notify(f"The ≠ marks of {self.checker.source} are off: they belong to the other network.")
            self.checker = None
        self.walk = Walk(net)
        self._selected = None
        self._curve_until = -1
        self._notice_for = None
        self.call_later(self._rebuild_panes)

    async def _rebuild_panes(self) -> None:
        layers = self.query_one("#layers", Horizontal)
        await layers.remove_children()
        await layers.mount_all(self._panes())
        self.shown_layer = 1
        self._apply_width(self.size.width)
        self.refresh_views()

    def action_open(self) -> None:
        from stepper.netfile import example_names, load_network

        examples = [(name, load_network(name).description) for name in example_names()]
        self.push_screen(OpenNetwork(examples), self.open_network)

    def open_network(self, network: str | None) -> None:
        if network is None:
            return
        from stepper.netfile import load_network

        try:
            net = load_network(network)
        except StepperError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.replace_network(net)
        self.notify(f"Opened {net.name}.")

    def action_help(self) -> None:
        keys = [
            (
                b.key.replace("left_square_bracket", "[")
                .replace("right_square_bracket", "]")
                .replace("question_mark", "?"),
                b.description,
            )
            for b in self.BINDINGS
        ]  # type: ignore[union-attr]
        self.push_screen(HelpScreen(keys))

    # --- command palette --------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action in ("quit", "cancel"):
                continue
            yield SystemCommand(
                binding.description,
                f"key {binding.key}",
                lambda action=binding.action: self.run_checked(action),
            )
        yield SystemCommand(
            "Break the symmetry: random init",
            "re-initialise with normal weights",
            lambda: self.run_checked("break_symmetry"),
        )
