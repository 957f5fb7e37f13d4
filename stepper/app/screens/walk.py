"""The main screen: one walk, with everything that changes it (re-init, open, edit, go to) and
everything that reads it (export, save, health, side by side)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button
from textual.worker import get_current_worker

from stepper.app.clipboard import clipboard_notice
from stepper.app.notices import path_for_notice, reading_time
from stepper.app.screens.health import HealthScreen
from stepper.app.screens.prompts import (
    EditValue,
    Export,
    GotoIteration,
    OpenNetwork,
    Reinitialise,
    SavePath,
    TrainingSettings,
)
from stepper.app.screens.quiz import QuizPrompt
from stepper.app.screens.side_by_side import SideBySideScreen, side_by_side_walks
from stepper.app.screens.stepping import STEP_BINDINGS, WALK_BINDINGS, SteppingScreen
from stepper.app.walk_state import clone_map, run_description
from stepper.app.widgets.keys_footer import KeysFooter
from stepper.app.widgets.run_progress import RunProgress
from stepper.app.widgets.walk_view import WalkView
from stepper.engine.batching import TrainingSpec
from stepper.engine.compare import Comparison, MineChecker, position_of
from stepper.engine.decision_map import check_two_inputs
from stepper.engine.diagnose import Diagnosis
from stepper.engine.explain import cell_meaning, cell_name
from stepper.engine.history import WeightHistory
from stepper.engine.init import InitSpec
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerSpec, switch_optimizer
from stepper.engine.quantities import Q
from stepper.engine.quiz import Question, Score, question
from stepper.engine.steps import Ref, build_steps
from stepper.engine.walk import Walk
from stepper.errors import StepperError
from stepper.exports.compare_out import compare_notice
from stepper.limits import parameters
from stepper.served import Served

# Actions that replace or change the walk (or read its history as a whole): refused during a long run.
WALK_CHANGES = frozenset(
    {
        "reinitialise",
        "break_symmetry",
        "edit",
        "open",
        "restart",
        "side_by_side",
        "goto",
        "save_session",
        "training",
        "set_optimizer",
        "set_batch_size",
        "side_by_side_with",
        "quiz",
    }
)
LONG_RUN = 2000  # going this many seed-sized iterations ahead runs in a worker with a progress bar
PROGRESS_EVERY = 0.25  # seconds between two progress updates of a long run (each costs the worker time)


def is_long(net: Network, iterations: int) -> bool:
    """Whether computing ``iterations`` iterations of ``net`` takes long enough to need a worker, a
    progress bar and a way to cancel: the seed network's are counted as 1, larger ones by their
    weights × observations (784-128-10 × 256 is about 400 seed iterations each)."""
    size = parameters(net.layers) * net.observations
    return iterations * max(1.0, size / 65_000) > LONG_RUN


def far_position(walk: Walk) -> tuple[int, int] | None:
    """Where a walk made with ``resume=False`` should go: near, it goes there now (None); far into
    training, the position is returned and the walk stays at the start, so that the way there is
    computed in a worker once the screen is up instead of with the screen frozen."""
    if walk.saved_position is None:
        return None
    iteration, done = walk.saved_position
    if is_long(walk.net, walk.history.distance(iteration)):
        return iteration, done
    walk.seek(iteration, done)
    return None


def file_stem(name: str) -> str:
    """A network's name made into a file name to suggest: letters, digits, '-', '_' and '.' kept,
    anything else ('/', '[', spaces) as '-' ("[/]x[red]" would name a folder that is not there)."""
    stem = re.sub(r"[^\w.-]+", "-", name).strip("-.")
    return stem or "network"


class WalkScreen(SteppingScreen):
    """One walk through one network."""

    BINDINGS = [
        *STEP_BINDINGS,
        *WALK_BINDINGS,
        Binding("escape", "cancel", "Cancel run", show=False, id="cancel"),
    ]

    def __init__(self, walk: Walk, checker: MineChecker | None = None, served: Served | None = None) -> None:
        """``served``: in a browser tab, where files go to the browser and only ``served`` is read."""
        super().__init__()
        self._resume = far_position(walk)
        self.view = WalkView(walk, checker=checker, id="walk")
        self.score = Score()  # the quiz's, for this session
        self.served = served
        self._coming: Walk | None = None  # the walk replace_network put on its way to the screen

    @property
    def walk(self) -> Walk:
        return self.view.walk

    @property
    def net(self) -> Network:
        """The network of the walk shown, or of the one on its way (s pressed twice at once drew the
        same init twice: the second s read the old network)."""
        return (self._coming or self.view.walk).net

    @property
    def checker(self) -> MineChecker | None:
        return self.view.checker

    @property
    def diagnosis(self) -> Diagnosis:
        return self.walk.diagnosis

    def compose(self) -> ComposeResult:
        yield self.view
        yield RunProgress(id="progress")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        checker = self.checker
        if checker is not None:
            if is_long(self.net, max(checker.mine, default=0)):
                self.busy = True
                self._compare_in_background()
            else:
                result = checker.summary()
                assert result is not None  # nothing stops it
                self._jump_to_first_difference(result)
                self.view.refresh_view()
        elif self._resume is not None:
            self.reach(*self._resume)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a long run computes the history in a thread, nothing may replace or edit it.
        if self.busy and action in WALK_CHANGES:
            return None  # shown, but disabled
        return True

    def watch_busy(self) -> None:
        self.refresh_bindings()

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

    @work(thread=True, group="long-run")  # one long run at a time: `busy` refuses another
    def _compare_in_background(self) -> None:
        """The learner's numbers against a run as long as theirs, with progress; Escape cancels."""
        checker = self.checker
        assert checker is not None
        worker = get_current_worker()
        last = max(checker.mine, default=0)
        self.app.call_from_thread(self._progress_start, last, "checking your numbers: ", 0)
        shown = time.monotonic()

        def stop(k: int) -> bool:
            nonlocal shown
            if time.monotonic() - shown > PROGRESS_EVERY:
                shown = time.monotonic()
                self.app.call_from_thread(self._progress_set, k, False)
            return worker.is_cancelled

        with np.errstate(all="ignore"):  # a diverged run's inf and NaN are compared, not warned about
            result = checker.summary(stop)
        self.app.call_from_thread(self._compare_done, result)

    def _compare_done(self, result: Comparison | None) -> None:
        if self._app_closing():
            return
        self.query_one("#progress", RunProgress).display = False
        self.busy = False
        if result is None:
            self.notify("Comparison cancelled: no cells are marked.")
            self.call_later(self.view.replace_walk, self.walk)  # the same walk, without the marks
            return
        self._jump_to_first_difference(result)
        self.view.refresh_view()

    def _jump_to_first_difference(self, result: Comparison) -> None:
        checker = self.checker
        assert checker is not None
        first = result.first
        if first is None:
            self.notify(f"✓ All {result.checked} numbers in {checker.source} match.", timeout=8)
            return
        self.reach(*position_of(self.net, first))
        if first.row is not None and first.col is not None and not self.busy:
            # The cursor on the first differing cell, so that the Why pane explains it (it was on
            # row 0, column 0; a tester's finding).
            self.call_after_refresh(self.view.put_cursor, first.row, first.col)
        notice = compare_notice(result, checker.source)
        # Always true while shown: the marks go with the network, and a new one drops the notice too.
        self.notify_while(lambda: True, notice, severity="warning", timeout=reading_time(notice))

    def action_grow_why(self) -> None:
        """The Why pane takes two thirds of the height (a long product or cell computation), or its own."""
        self.view.toggle_class("-why-tall")
        self.view.refresh_view()  # narrow, the step view gives the Why pane its room or takes it back

    # --- going far ----------------------------------------------------------------------------------
    def action_goto(self) -> None:
        self.app.push_screen(GotoIteration(), self.goto_iteration)

    def goto_iteration(self, iteration: int | None) -> None:
        if iteration is None:
            return
        self.reach(iteration, 0)

    def reach(self, iteration: int, done: int = 0) -> None:
        """Go to step ``done`` of ``iteration``; far ahead, the weights are computed in a worker with
        a progress bar (Escape cancels)."""
        if is_long(self.net, self.walk.history.distance(iteration)):
            self.busy = True
            self._advance(iteration, done)
        else:
            self.move(lambda w: w.seek(iteration, done))

    @work(thread=True, group="long-run")  # one long run at a time: `busy` refuses another
    def _advance(self, iteration: int, done: int = 0) -> None:
        """Compute the weights up to ``iteration`` in a thread, with progress; Escape cancels."""
        worker = get_current_worker()
        reached = self._compute_to(iteration, [self.walk.history], curve=True, what="")
        self.app.call_from_thread(self._advance_done, reached, done, worker.is_cancelled)

    def _compute_to(self, iteration: int, histories: list[WeightHistory], curve: bool, what: str) -> int:
        """In a long run's worker: each history's weights up to ``iteration``, in chunks, until the
        worker is cancelled or training diverges, with progress (and, with ``curve``, the growing
        cost curve); ``what``: the run in words, before its count. Where the last history got to."""
        worker = get_current_worker()
        starts = [iteration - history.distance(iteration) for history in histories]
        first = starts[0] if len(histories) == 1 else None  # one walk: the bar says where it is
        total = sum(iteration - start for start in starts)
        self.app.call_from_thread(self._progress_start, total, what, first)
        computed, k = 0, iteration
        shown = time.monotonic()
        for history, k in zip(histories, starts, strict=True):
            while k < iteration and not worker.is_cancelled and history.diverged_at is None:
                nxt = min(k + 100, iteration)
                history.weights_at(nxt)
                computed, k = computed + nxt - k, nxt
                # Progress a few times a second, not every chunk: each update is a round trip to
                # the UI thread, and costs the run time.
                if time.monotonic() - shown > PROGRESS_EVERY:
                    shown = time.monotonic()
                    self.app.call_from_thread(self._progress_set, computed, curve)
        return k

    def _app_closing(self) -> bool:
        """The app is closing: a worker's last message finds the widgets going away."""
        return bool(getattr(self.app, "_exit", False))

    def _progress_start(self, total: int, what: str, first: int | None) -> None:
        if self._app_closing():
            return
        self.query_one("#progress", RunProgress).start(total, what, first)

    def _progress_set(self, done: int, curve: bool = True) -> None:
        if self._app_closing():
            return
        self.query_one("#progress", RunProgress).reached(done)
        if curve:  # the loss curve grows with the run: the worker has recorded every cost so far
            self.view.show_curve_until(self.walk.history.costs.last)

    def _advance_done(self, reached: int, done: int, cancelled: bool) -> None:
        if self._app_closing():
            return
        self.query_one("#progress", RunProgress).display = False
        self.busy = False
        self.move(lambda w: w.seek(reached, 0 if cancelled else done))
        if cancelled:
            self.notify(f"Cancelled at iteration {reached:,}.")

    def action_cancel(self) -> None:
        """Escape: a long run cancelled, a run paused, the step's layer shown again after [ or ], and
        the notices on screen taken down (they go by themselves after a while; one already read
        need not wait for that)."""
        if self.busy:
            self.workers.cancel_group(self, "long-run")
        elif any(view.pinned_layer is not None for view in self.walk_views()):
            # [ or ] showed another layer whole: back to the step's, as a step would go (only n
            # and p did, and a tester found no way back).
            self.move(lambda walk: None)
        self.running = False
        self.app.clear_notifications()

    # --- re-initialise and open ---------------------------------------------------------------------
    def action_reinitialise(self) -> None:
        net = self.net
        # The dialog opens on the init in use. Weights a file gave without an [init] came from none
        # (net.init is the default, constant 1, which they are not): it offers a random draw.
        init = InitSpec("normal") if net.weights_given and net.init == InitSpec() else net.init
        self.app.push_screen(Reinitialise(init, net.optimizer, net.training), self.reinitialise)

    def reinitialise(self, choice: tuple[InitSpec, OptimizerSpec, TrainingSpec] | None) -> None:
        if choice is None:
            return
        init, optimizer, training = choice
        clones = tuple(self.diagnosis.clones)
        net = self.net.with_init(init).with_optimizer(optimizer).with_training(training)
        walk = self.replace_network(net)
        if clones:  # the Why pane says where they stop being equal
            walk.broken = (1, clones, "clones before the re-initialisation")
        self.notify_while(
            lambda: True,  # until another re-initialisation
            f"Re-initialised: {init.describe()}, {run_description(self.net)}. Back at iteration 1.",
        )

    def action_break_symmetry(self) -> None:
        self.reinitialise(
            (InitSpec("normal", seed=self.net.init.seed + 1), self.net.optimizer, self.net.training)
        )

    # --- the optimizer and the batches: same init, a new run -----------------------------------------
    def action_training(self) -> None:
        net = self.net
        dialog = TrainingSettings(net.optimizer, net.training, net.observations, net.learning_rate)
        self.app.push_screen(dialog, self.set_training)

    def set_training(self, choice: tuple[OptimizerSpec, TrainingSpec, float] | None) -> None:
        if choice is None:
            return
        optimizer, training, lr = choice
        self._restart_with(self.net.with_optimizer(optimizer).with_training(training).with_learning_rate(lr))

    def action_set_optimizer(self, name: str) -> None:
        self._restart_with(self._trained_with(name))

    def action_set_batch_size(self, size: int) -> None:
        self._restart_with(self._trained_with(str(size)))

    def _trained_with(self, other: str) -> Network:
        """This network trained with optimizer ``other``, or with batch size ``other`` (a number;
        0: the full batch), from the same init."""
        net = self.net
        if other.isdigit():
            return net.with_training(TrainingSpec(int(other), None, net.training.seed))
        return net.with_optimizer(switch_optimizer(net.optimizer, other))

    def offers(self, action: str) -> bool:
        """Whether the palette's command ``action`` would change anything here: "compare with sgd"
        or "Optimizer: sgd" on a run that is plain sgd was listed, and said so once chosen (a
        tester's finding)."""
        name, _, argument = action.partition("(")
        if name not in ("set_optimizer", "set_batch_size", "side_by_side_with"):
            return True
        other = self._trained_with(argument.rstrip(")").strip("'"))
        return run_description(other) != run_description(self.net)

    def _restart_with(self, net: Network) -> None:
        """The same network and initial weights, trained another way: back at iteration 1."""
        self.replace_network(net)
        # η too: the optimizer dialog sets it, and a new η went unsaid (a tester's finding).
        self.notify_while(
            lambda: True,
            f"Now {run_description(net)}, η = {net.learning_rate:g}, from the same init. "
            "Back at iteration 1.",
        )

    def replace_network(self, net: Network) -> Walk:
        self.running = False
        if self.checker is not None:
            # The learner's numbers were for the network (and init) they were opened with.
            self.notify(
                f"The ≠ marks of {self.checker.source} are off: they belong to the other network.",
            )
        walk = Walk(net, resume=False)
        self.walks_replaced += 1  # now, though it is shown later: notices about the old one are untrue
        far = far_position(walk)  # a session saved far into training: reached in a worker
        self._coming = walk
        self._held_moves = []  # the keys pressed from now on move this walk (those before, the old)
        self.call_later(self._show_walk, walk, far)
        return walk

    async def _show_walk(self, walk: Walk, far: tuple[int, int] | None) -> None:
        await self.view.replace_walk(walk)
        self.call_after_refresh(self.show_cursor, True)  # the old walk's matrices, and the cursor, are gone
        if walk is not self._coming:
            return  # another is on its way: the moves held are for it
        held, self._held_moves = self._held_moves or [], None
        if far is not None:
            self.reach(*far)  # (a session reopened far into training: where it was saved, no further)
        elif held:
            self.move(lambda shown: [how(shown) for how in held])

    def action_open(self) -> None:
        from stepper.netfile import example_names, load_network

        examples = [(name, load_network(name).description) for name in example_names()]
        if self.served is None:
            self.app.push_screen(OpenNetwork(examples, problem=self._load_problem), self.open_network)
            return
        # A browser tab opens the examples and the files under --root, nothing else.
        files = [(name, "in the served folder") for name in self.served.network_files()]
        dialog = OpenNetwork(examples + files, served=True, problem=self._load_problem)
        self.app.push_screen(dialog, self.open_network)

    def _load_problem(self, network: str) -> str | None:
        """What is wrong with opening ``network``, said in the open dialog; None if nothing."""
        try:
            self._load(network)
        except StepperError as exc:
            return str(exc)
        return None

    def _load(self, network: str) -> Network:
        from stepper.netfile import load_network

        return load_network(network) if self.served is None else self.served.load(network)

    def open_network(self, choice: tuple[str, OptimizerSpec | None, TrainingSpec | None] | None) -> None:
        if choice is None:
            return
        network, optimizer, training = choice
        try:
            net = self._load(network)
        except StepperError as exc:  # changed since the dialog read it
            self.notify(str(exc), severity="error", timeout=8)
            return
        if optimizer is not None:
            net = net.with_optimizer(switch_optimizer(net.optimizer, optimizer.name))
        if training is not None:
            net = net.with_training(TrainingSpec(training.batch_size, None, net.training.seed))
        self.replace_network(net)
        self.notify_while(lambda: True, f"Opened {net.name}.")

    # --- sessions, edits and exports ----------------------------------------------------------------
    def action_save_session(self) -> None:
        default = f"{file_stem(self.net.name)}-session.toml"
        self.app.push_screen(
            SavePath(
                "Save this session (network, weights, iteration and step) to:",
                default,
                download=self.served is not None,
            ),
            self.save_session,
        )

    def save_session(self, path: str | None) -> None:
        if path is None:
            return
        from stepper.exports.network_file import network_toml

        text = network_toml(self.net, self.walk.session())
        if self.keep(path, text):
            shown = self.path_for_notice(path)
            self.notify(f"Saved to {shown}. Open it again with: stepper {shown}")

    def path_for_notice(self, path: str) -> str:
        """A file name that reads whole in a notification: relative to here, broken only at a /."""
        return path_for_notice(path, self.app.size.width)

    def keep(self, path: str, text: str, mime_type: str = "text/plain") -> bool:
        """Write ``text`` to ``path`` (whole or not at all): True, and the caller says where. In a
        browser tab it goes to the browser as a download instead (a served app writes no file on the
        server): False, as when the write failed; either is told here (a download's fate too, as far
        as the app can know it: stepper.app.downloads)."""
        if self.served is not None:
            # Only a name goes to the browser, as plain characters (it ends up in an HTTP header).
            name = re.sub(r"[^\w.+-]", "_", Path(path).name, flags=re.ASCII) or "stepper.txt"
            from stepper.app.app import StepperApp  # (it imports this module)

            app = self.app
            assert isinstance(app, StepperApp)
            app.downloads.send(text, name, mime_type)
            return False
        from stepper.atomic import write_atomically

        try:
            write_atomically(path, text)
        except StepperError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return False
        return True

    def action_edit(self) -> None:
        selected = self.view.selected_cell()
        if selected is None or selected[0].quantity != Q.WEIGHTS:
            self.notify(
                'Select a cell of a weight matrix W ("weights in") first: click it, or Tab to it and use '
                "the arrows."
            )
            return
        ref, row, col = selected
        current = float(self.walk.values.weights[ref.layer][row, col])
        meaning = cell_meaning(ref, row, col, self.net.optimizer.name)
        prompt = EditValue(cell_name(ref, row, col), meaning, current)
        self.app.push_screen(prompt, lambda value: self.edit(ref.layer, row, col, value))

    def edit(self, layer: int, row: int, col: int, value: float | None) -> None:
        if value is None:
            return
        self.walk.edit_weight(layer, row, col, value)
        self.view.verdict = None  # the numbers it was about are computed again
        self.view.forget_curve()
        self.view.refresh_view()
        name = cell_name(Ref(Q.WEIGHTS, layer), row, col)
        self.notify(f"{name} = {value!r}: iteration {self.walk.iteration} is computed again from it.")

    def action_export(self) -> None:
        stem = f"{file_stem(self.net.name)}-iteration{self.walk.iteration}"
        step = self.walk.done if self.walk.current_step is not None else None
        self.app.push_screen(Export(stem, download=self.served is not None, step=step), self.export)

    def export(self, choice: tuple[str, str, str | None] | None) -> None:
        if choice is None:
            return
        from stepper.exports.share import render_trace

        scope, fmt, path = choice
        walk = self.walk
        step = walk.current_step
        steps = (step,) if scope == "step" and step is not None else walk.steps
        # The walk's own narration: it knows which clones an edit or s broke, as the Why pane says.
        story, edited = walk.narration, walk.edited
        text = render_trace(fmt, self.net, [walk.values], steps, walk.iteration, story=story, edited=edited)
        what = (
            f"step {step.number}" if len(steps) == 1 and step is not None else f"iteration {walk.iteration}"
        )
        if path is None:
            # OSC 52: the terminal puts it on the clipboard, over SSH too (if the terminal allows it).
            self.app.copy_to_clipboard(text)
            notice = clipboard_notice(f"{what} as {fmt}", len(text), os.environ, self.app.is_headless)
            self.notify(notice.message, severity=notice.severity, timeout=8)
            return
        if self.keep(path, text):
            self.notify(f"Exported {what} as {fmt} to {self.path_for_notice(path)}.")

    def action_export_map(self) -> None:
        try:
            check_two_inputs(self.net)
        except StepperError as exc:
            self.notify(str(exc), severity="warning")
            return
        # Named after what the file says: the weights after `done` iterations.
        default = f"{file_stem(self.net.name)}-after{self._map_iterations()}-map.txt"
        verb = "Download" if self.served is not None else "Export"  # served: a download, no file here
        prompt = SavePath(f"{verb} the decision map (.txt text, .svg picture) as:", default)
        self.app.push_screen(prompt, self.export_map)

    def _map_iterations(self) -> int:
        """Weights after k − 1 iterations, or after k once this iteration's update is done."""
        walk = self.walk
        return walk.iteration - (not walk.is_computed(Ref(Q.WEIGHTS_AFTER, self.net.depth - 1)))

    def export_map(self, path: str | None) -> None:
        """The map of the weights now, on the grid `stepper map` uses, as text or (.svg) SVG."""
        if path is None:
            return
        from stepper.engine.decision_map import decision_map
        from stepper.exports.map_svg import map_svg
        from stepper.exports.map_text import map_text

        suffix = Path(path).suffix.lower()
        if suffix not in (".txt", ".svg", ""):
            # Text in a .png would only fail to open later: said now, nothing written.
            self.notify(f"A decision map exports as .txt (text) or .svg (a picture), not {suffix}.")
            return
        walk = self.walk
        dmap = decision_map(self.net, walk.current_weights())
        iterations = self._map_iterations()
        if suffix == ".svg":  # with each hidden neuron's map, clones marked as on screen
            text = map_svg(self.net, dmap, iterations, clone_map(walk.diagnosis))
        else:
            text = map_text(self.net, dmap, iterations)
        # In a browser tab, a download (a served app writes no file on the server), as for x.
        if self.keep(path, text, "image/svg+xml" if suffix == ".svg" else "text/plain"):
            self.notify(f"Exported the decision map to {self.path_for_notice(path)}.")

    # --- other views of this walk -------------------------------------------------------------------
    def action_side_by_side(self) -> None:
        """This network beside itself trained another way: with an optimizer, beside plain sgd; with
        mini-batches, beside the full batch; else from another init (random if it has clones)."""
        net = self.net
        if net.optimizer.name != "sgd":
            self.action_side_by_side_with("sgd")
            return
        if not net.full_batch:
            self.action_side_by_side_with("0")
            return
        other = (
            InitSpec("normal", seed=net.init.seed + 1)
            if self.diagnosis.clones or net.init.scheme == "constant"
            else InitSpec("constant", value=1.0)
        )
        # Both sides start where this walk is: this network (with its edits) and the other init.
        mine = net.with_session(self.walk.session())
        self._side_by_side(mine, net.with_init(other))

    def _side_by_side(self, mine: Network, other_net: Network) -> None:
        """This walk's network beside ``other_net``, both where this walk is: at its step, or at the
        start of its iteration where the two take different steps (an optimizer beside another)."""
        self.running = False
        here = (self.walk.iteration, self.walk.done)
        if len(build_steps(other_net)) != self.walk.steps_per_iteration and here[1]:
            here = (here[0], 0)
            self.notify(
                f"Side by side starts at iteration {here[0]}'s first step: the two runs take "
                "different steps in an iteration.",
                timeout=6,
            )
        if is_long(mine, 2 * (here[0] - 1)):
            # Far into training both walks are computed from iteration 1 again: in a worker, with
            # the progress bar and Escape (the screen froze for 45 s at iteration 500000, taking
            # the keys typed meanwhile as they came after it).
            self.busy = True
            self.notify(
                f"Side by side: computing both walks to iteration {here[0]}. Escape cancels.", timeout=4
            )
            self._prepare_side_by_side(mine, other_net, here)
            return
        self._compare(SideBySideScreen(mine, other_net, here, self.view.digits, self.view.map_shown))

    @work(thread=True, group="long-run")  # one long run at a time: `busy` refuses another
    def _prepare_side_by_side(self, left: Network, right: Network, here: tuple[int, int]) -> None:
        worker = get_current_worker()
        walks = side_by_side_walks(left, right)
        histories = [walk.history for walk in walks]
        self._compute_to(here[0], histories, curve=False, what="side by side, both walks: ")
        self.app.call_from_thread(self._side_by_side_ready, walks, here, worker.is_cancelled)

    def _side_by_side_ready(self, walks: tuple[Walk, Walk], here: tuple[int, int], cancelled: bool) -> None:
        if self._app_closing():
            return
        self.query_one("#progress", RunProgress).display = False
        self.busy = False
        if cancelled:
            self.notify("Side by side cancelled: your walk is where it was.")
            return
        left, right = (walk.net for walk in walks)
        self._compare(SideBySideScreen(left, right, here, self.view.digits, self.view.map_shown, walks=walks))

    # --- check yourself and precision ---------------------------------------------------------------
    def action_quiz(self) -> None:
        """Check yourself (docs/commands.md): the learner's value for a cell of the matrix the next
        step computes."""
        self.running = False
        if self.walk.next_step is None:  # at an iteration's end the next step is the next iteration's first
            self.move(lambda w: w.forward())
        q = question(self.walk, self.view.selected_cell())
        if q is None:
            self.notify("The next step stores nothing to ask about (a softmax Jacobian): n takes it.")
            return
        asked = str(self.score) if self.score.asked else "no answers yet"
        # The matrix with the cursor, for the cursor to follow the step the answer takes (the
        # dialog has the keyboard when the answer comes back).
        cursor = self.focused
        self.app.push_screen(QuizPrompt(q, asked), lambda answer: self._answered(q, answer, cursor))

    def _answered(self, q: Question, answer: float | None, cursor: object = None) -> None:
        if answer is None:
            return
        right, text = q.verdict(answer)
        self.score = self.score.add(right)
        self.view.score = str(self.score)
        self.move(lambda w: w.forward())
        # Once the dialog has gone and the keyboard is back on the matrix it left.
        self.call_after_refresh(self.view.carry_cursor, cursor)
        # The verdict leads the Why pane (why.lead_lines), the score the header: no notice besides.
        # One said the Why pane's first line again, and at 80x24 lay over its last lines, the
        # product the computation comes from (a fresh tester).
        self.view.verdict = (self.walk.position, text)
        self.view.refresh_view()

    def action_side_by_side_with(self, other: str) -> None:
        """This network beside itself from the same init with optimizer ``other``, or batch size
        ``other`` when it is a number: in lockstep, with both cost curves."""
        net = self.net
        right = self._trained_with(other)
        if run_description(right) == run_description(net):
            # Two identical walks side by side would compare nothing, and nothing would say so.
            self.notify(
                f"This network already trains with {run_description(net)}: nothing to compare. "
                "v shows it beside another init.",
                severity="warning",
                timeout=6,
            )
            return
        # Where this walk is, not at iteration 1 again, silently (a tester's finding): both runs
        # from the same init, each trained its own way to this iteration.
        self._side_by_side(net.with_session(self.walk.session()), right)

    def _compare(self, side_by_side: SideBySideScreen) -> None:
        self.app.push_screen(side_by_side, lambda _: self._back_from(side_by_side))

    def _back_from(self, side_by_side: SideBySideScreen) -> None:
        """Side by side steps copies of the walk: this one is where it was left. A learner who
        stepped on there would take the step shown now for a jump back: the notification says why."""
        walk, there = self.walk, side_by_side.columns[0].walk
        digits = side_by_side.columns[0].digits
        if digits != self.view.digits:  # d pressed there: a way of reading numbers, kept here too
            self.view.digits = digits
            self.view.refresh_view()
        where = f"iteration {walk.iteration}, step {walk.done} of {walk.steps_per_iteration}"
        moved = (there.iteration, there.done) != (walk.iteration, walk.done)
        away = f" (at iteration {there.iteration}, step {there.done})" if moved else ""
        # Untrue once the walk moves (the re-init dialog, a jump) while the notice waits behind a dialog.
        # No title: at 80 columns the notice fits the header's three lines (stepper.tcss).
        position = walk.position
        self.notify_while(
            lambda: walk.position == position,
            f"Back to your walk at {where}, where you left it: side by side{away} was only a comparison.",
            timeout=8,
        )

    def action_health(self) -> None:
        from stepper.exports.diagnose_out import diagnose_text

        net, diagnosis = self.net, self.diagnosis
        remedy = "s (random weights), or v to watch both inits side by side"
        self.app.push_screen(HealthScreen(lambda width: diagnose_text(net, diagnosis, width, remedy)))
