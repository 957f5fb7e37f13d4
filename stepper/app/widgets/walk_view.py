"""The view of one walk: where it is, its cost curve, its health, its layers' matrices and the Why pane.

One :class:`WalkView` per :class:`~stepper.engine.walk.Walk`: the main screen shows one, the
side-by-side screen two. The view owns what it caches about what it last drew (the curve's length,
the notice's diagnosis, the selected cell), so two views never share state. Screens move the walk
and call :meth:`WalkView.refresh_view`; the view never moves the walk itself.

To add a pane: yield it from :meth:`compose` and update it in :meth:`refresh_view` (the decision
map does: :meth:`show_map`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from stepper.app import heap
from stepper.app.walk_state import (
    clone_map,
    clone_sentences_line,
    cost_curve,
    curve_end,
    epoch_curve,
    layer_map_line,
    pane_layer,
    show_matrices,
    status_lines,
)
from stepper.app.why import lead_lines, why_text
from stepper.app.widgets.cost_curve import CostChart
from stepper.app.widgets.decision_map import DecisionMapView, MapState
from stepper.app.widgets.explanation import Explanation
from stepper.app.widgets.health import HealthNotice
from stepper.app.widgets.layer_pane import LayerPane
from stepper.app.widgets.matrix import MatrixView
from stepper.app.widgets.sized import LayersRow, WhyPane
from stepper.app.widgets.status import StatusLine
from stepper.app.widgets.step_pane import StepPane
from stepper.engine.compare import MineChecker
from stepper.engine.decision_map import check_two_inputs
from stepper.engine.diagnose import Diagnosis
from stepper.engine.explain import operand_slices, summed_columns
from stepper.engine.quantities import Q
from stepper.engine.steps import Phase, Ref
from stepper.engine.walk import Position, Walk
from stepper.formatting import SIG_DIGITS

WIDE = 120  # from this many columns, layers are shown side by side (as many as fit)
COMPACT_WIDE = 96  # the same for half a screen (side by side), which has no notice to fit
MAP_SHARE = 0.45  # of a wide view's width, for the decision map while it is shown
WHY_LEAST = 2  # lines the Why pane keeps under the step view at least: its title and a line
WHY_CELL_MOST = 5  # of the selected cell's line and its computation it keeps, at most (a long sum scrolls)
SHORT = 40  # side by side, a screen lower than this shows each half's step view (taller: its layer)
WHY_NARROW = 8  # its height (the stylesheet's) when the step does not fit anyway
WHY_BESIDE = 12  # side by side, the Why pane's height at least while its text and the layers both need more
UNFOLDED = 10_000  # a window taller than any layer pane: none of its matrices folded
LEAD_CELLS = 64  # a matrix with more cells than this has only its edge rows and columns measured (step_lead)


class LayerPlan(NamedTuple):
    """Which layers' panes to show, how wide each is, the width they share, and whether the current
    step's operands are among them (else, wide, the step view shows the step)."""

    shown: set[int]
    widths: list[int]
    room: int
    together: bool


def layers_that_fit(
    min_widths: list[int], layer: int, width: int, left_first: bool = False, wanted: tuple[int, ...] = ()
) -> set[int]:
    """Layer ``layer``, then the layers in ``wanted`` (where the current step's operands are), then
    their neighbours, alternately right and left (``left_first``: left and right, where a forward
    step's operands are), while their panes fit."""
    shown, used = {layer}, min_widths[layer - 1]
    for candidate in wanted:
        if 1 <= candidate <= len(min_widths) and candidate not in shown:
            if used + min_widths[candidate - 1] > width:
                break
            shown.add(candidate)
            used += min_widths[candidate - 1]
    left, right = layer - 1, layer + 1
    while left >= 1 or right <= len(min_widths):
        for candidate in (left, right) if left_first else (right, left):
            if 1 <= candidate <= len(min_widths) and candidate not in shown:
                if used + min_widths[candidate - 1] > width:
                    return shown
                shown.add(candidate)
                used += min_widths[candidate - 1]
        left, right = left - 1, right + 1
    return shown


def _cut(needs: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """What a pane ``width`` columns wide cuts of matrices of ``needs``: how many, and (negated) how
    far they are from the step's, in all."""
    cut = [far for need, far in needs if need > width]
    return len(cut), -sum(cut)


def widths_cutting_fewest(
    needs: dict[int, list[tuple[int, int]]], least: dict[int, int], layer: int, room: int
) -> dict[int, int]:
    """The widths of the layers' panes beside layer ``layer``'s (each ``least`` at least) that cut
    the fewest of their matrices and layer ``layer``'s, which has what they leave of ``room``; of
    those, the one that cuts matrices farthest from the step's (in view, those next to it); then
    the one that leaves layer ``layer`` the most. ``needs``: for each of a pane's matrices, the
    pane's width that shows it whole and how many matrices it is from the step's in the pane
    (LayerPane.matrix_needs). Every width that shows one more of them whole is tried, pane by
    pane, keeping the least cut for each width used so far (a few panes, a few matrices each)."""
    others = [index for index in needs if index != layer]
    most = room - least.get(layer, 0)
    # For each width the panes tried so far use together: the least cut, and their widths.
    best: dict[int, tuple[tuple[int, int], tuple[int, ...]]] = {0: ((0, 0), ())}
    for index in others:
        tries = sorted({least[index], *(need for need, _ in needs[index] if need > least[index])})
        grown: dict[int, tuple[tuple[int, int], tuple[int, ...]]] = {}
        for used, (cut, widths) in best.items():
            for width in tries:
                if used + width > most:
                    break
                more = _cut(needs[index], width)
                total = (cut[0] + more[0], cut[1] + more[1])
                if used + width not in grown or total < grown[used + width][0]:
                    grown[used + width] = (total, (*widths, width))
        best = grown
    if not best:
        return dict(least)
    own = needs.get(layer, [])

    def cost(used: int) -> tuple[int, int, int]:
        mine = _cut(own, room - used)
        return best[used][0][0] + mine[0], best[used][0][1] + mine[1], used

    return dict(zip(others, best[min(best, key=cost)][1], strict=True))


class WalkView(Vertical):
    """Header, cost curve, health notice, layer panes and the Why pane of one walk.

    ``compact``: for half a screen (side by side): a two-line header, one line on the clones, and
    the Why pane only from ``SHORT`` lines (why_shown).
    """

    # The layer whose pane is in view (with its neighbours, when they fit); follows the current step
    # unless [ or ] pinned another. No repaint of the whole view when it changes: the panes shown,
    # hidden or resized repaint themselves (a repaint of the view was one of every widget on screen).
    shown_layer: reactive[int] = reactive(1, init=False, repaint=False)

    def __init__(
        self,
        walk: Walk,
        *,
        checker: MineChecker | None = None,
        compact: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.walk = walk
        self.checker = checker
        self.compact = compact
        self.set_class(compact, "-compact")
        self.set_class(walk.history.schedule is not None, "-batches")
        self.pinned_layer: int | None = None  # None: follow the current step
        self.selected: tuple[MatrixView, int, int] | None = None
        # Where the walk was, and the selected cell, when m showed the map.
        self._before_map: tuple[Position, tuple[MatrixView, int, int]] | None = None
        self._curve_until: tuple[int, bool] | None = None
        self._layer_map_shown: str | None = None  # the layer map's line as last drawn
        self._notice_for: tuple[Diagnosis, bool] | None = None
        self._width = 80  # until its screen gives the width (SteppingScreen._apply_width, on its mount)
        self._width_given = False
        self.digits = SIG_DIGITS  # the precision key's 3, 5 or 7
        self.score = ""  # the quiz's score ("3/4 right"), leading the layer map line once asked
        self.verdict: tuple[Position, str] | None = None  # the quiz's last answer, where it was given
        self._ready = False  # until mounted: a screen may move the walk before its view is built
        self.map_shown = False
        self._pane_list: list[LayerPane] = []
        self._step_pane: StepPane | None = None
        self._operands_apart = False  # wide: the step's layers do not fit side by side (see _plan)
        self._why_markup = ""  # what the Why pane shows
        # step_lead's last answer: (the walk's values, what else it was for, the rows)
        self._step_lead: tuple[object, tuple[object, ...], int] | None = None
        self._why_lead = 0  # the rows of the Why text a notice keeps clear of (_update_explanation)
        self._explanation_held = False  # inside one_explanation: written once, at its end
        self._planned_for = 0  # wide: the layers' height (less a border) the last plan was made for
        self._split: int | None = None  # the layers' height the step view asked for (None: the stylesheet's)
        # Side by side, the layers' heights this half takes without cutting anything needlessly.
        self._beside_need: tuple[int, int] | None = None
        self._selection_drawn: tuple[object, ...] = ()
        # Side by side: the column's title, what differs between the halves (SideBySideScreen),
        # which says too when this walk waits for the other's (_title_waiting).
        self.run_title: str | None = None

    # --- building ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="top", classes="walk-top"):
            yield StatusLine(id="status", formula_first=self.compact)
            with Vertical(id="curves"):
                # Per-iteration cost (of each batch); with mini-batches, the epoch cost under it.
                yield CostChart(
                    name="batch",
                    unit="iteration",
                    about="The cost C of each iteration (of its batch, with mini-batches)",
                    empty="cost per iteration",
                    id="loss",
                )
                yield CostChart(
                    name="epoch",
                    unit="epoch",
                    about="The cost over all observations after each epoch",
                    id="epoch-loss",
                )
        if not self.compact:
            yield Static(id="layer-map", markup=False)
        if self.compact:
            yield Static(id="clone-line")
        else:
            yield HealthNotice(id="health")
        with LayersRow(id="layers"):
            yield from self._panes()
            yield self._new_step_pane()
            yield DecisionMapView(id="map")
        # Side by side, on a screen too low for it (80x24), there is no Why pane: see why_shown.
        with WhyPane(id="explain"):
            yield Explanation(id="explain-text")

    def _panes(self) -> list[LayerPane]:
        net = self.walk.net
        # Kept, not queried: a query walks the whole DOM, and the view looks its matrices up on every step.
        self._pane_list = [LayerPane(net, l) for l in range(1, net.depth + 1)]
        return self._pane_list

    def _new_step_pane(self) -> StepPane:
        # Narrow, the step view is what the walk shows from the first frame; wide, it may never be.
        # (Side by side, each view gets half the screen: SteppingScreen._apply_width.)
        width = self.app.size.width // (2 if self.compact else 1)
        self._step_pane = StepPane(self.walk.net, lazy=self._wide_at(width))
        return self._step_pane

    def kept_clear(self) -> tuple[list[Region], list[Region]]:
        """Where a notice may not lie, on screen: the header's lines (where the walk is, the step's
        formula, the layers and the health notice: never), and the Why pane's title with the
        selected cell's line and computation (what the learner reads; a notice goes elsewhere if it
        can). The step's matrices are the screen's to find (SteppingScreen.place_notices)."""
        header = [
            child.region
            for child in self.children
            if child.display and child.id not in ("layers", "explain") and child.region.area
        ]
        top = self.styles.gutter.top  # side by side, each half's border: its title names its walk
        if top:
            header.append(Region(self.region.x, self.region.y, self.region.width, top))
        why: list[Region] = []
        explain = self.query_one("#explain")
        if explain.display and explain.region.area:
            box = explain.region
            why.append(Region(box.x, box.y, box.width, min(box.height, 1 + max(1, self._why_lead))))
        return header, why

    @property
    def why_shown(self) -> bool:
        """The Why pane is on screen: always in the main view; side by side, in each half on a
        screen from ``SHORT`` lines (at 120x40 each half had 16 empty lines, and a cell selected
        there was explained nowhere; a tester's finding). Wide halves too: at 200x60 they had none,
        the most room of all and no explanation of the cell selected (a tester's finding)."""
        return not self.compact or self.app.size.height >= SHORT

    def on_mount(self) -> None:
        self.query_one("#explain").border_title = "Why"
        self._ready = True
        if self._width_given:  # else its screen's mount, next, draws it once, at the screen's width
            self.apply_width(self._width)

    async def replace_walk(self, walk: Walk, checker: MineChecker | None = None) -> None:
        """Show another walk (another network or init): new panes, nothing kept of the old one."""
        self.walk, self.checker = walk, checker
        self.set_class(walk.history.schedule is not None, "-batches")
        self.selected = None
        self.verdict = None  # a quiz answer belongs to the walk it was given in
        self.pinned_layer = None
        self._curve_until = None
        self._notice_for = None
        layers = self.query_one("#layers", Horizontal)
        await self.query(LayerPane).remove()
        await self.query(StepPane).remove()
        await layers.mount_all([*self._panes(), self._new_step_pane()], before="#map")
        # Back to layer 1 before anything lays the panes out: the old walk's layer may not exist in
        # this one (layer 2 of a 2-layer network was an IndexError with the map shown).
        self.shown_layer = 1
        if self.map_shown and walk.net.layers[0] != 2:
            self.show_map(False)  # this network has no plane to draw on
        self.apply_width(self._width)
        self.refresh_view()
        self.call_after_refresh(heap.settle)  # the old panes are collected, the new ones set aside

    @property
    def panes(self) -> list[LayerPane]:
        return self._pane_list

    @property
    def step_pane(self) -> StepPane:
        assert self._step_pane is not None
        return self._step_pane

    @property
    def step_mode(self) -> bool:
        """Narrow and following the walk: the step view shows the current step's matrices (``[`` and
        ``]`` show whole layers, and the decision map takes the layers' place). Side by side, on a
        short screen, or for a step with an operand in another layer. Wide, only for a step whose
        layers do not fit side by side."""
        if self.pinned_layer is not None or (self.map_shown and not self.wide):
            return False  # narrow, the map takes the layers' place; wide, it sits beside them
        if self.wide:
            return self._operands_apart
        if self._half_a_tall_screen:
            # Side by side: the whole layer, as context for the step, when its pane holds the step's
            # matrices and shows them whole; n^2 takes a^1 from layer 1, which its pane does not
            # show, and an update's four weight matrices were a line too tall for it at 120x40.
            return not self._step_whole_in_its_pane()
        return True

    @property
    def _half_a_tall_screen(self) -> bool:
        return self.compact and not self.wide and self.app.size.height >= SHORT

    def _step_whole_in_its_pane(self) -> bool:
        """The step's matrices all in its layer's pane, and in view together there (its matrices'
        roles given for this step)."""
        step = self.walk.current_step or self.walk.next_step
        pane = self.panes[pane_layer(step) - 1] if self.panes else None
        if pane is None or not set(self.step_refs()) <= {view.ref for view in pane.views}:
            return False
        layers = self.query_one("#layers").size
        # The height the pane would have: not the step view's, which follows each step's matrices.
        height = self._layers_beside() if self._split is not None else layers.height
        return pane.step_fits(layers.width, height - 2)  # inside the pane's border

    @property
    def matrices(self) -> list[MatrixView]:
        """The matrices on screen now: the step view's, or every layer pane's."""
        return list(self.step_pane.order) if self.step_mode else self.pane_matrices

    @property
    def pane_matrices(self) -> list[MatrixView]:
        return [view for pane in self._pane_list for view in pane.views]

    @property
    def all_matrices(self) -> list[MatrixView]:
        """Every matrix of this view, on screen or not (the step view's and the layer panes')."""
        return [*self.step_pane.views.values(), *self.pane_matrices]

    def step_refs(self) -> list[Ref]:
        """The step view's matrices: the current step's operands in the formula's order, then its
        result (before the first step, the next step's). Plain sgd's ΔW, made along with the new W,
        is left to the layer pane and the Why pane: with it, an update does not fit 80x24."""
        walk = self.walk
        step = walk.current_step or walk.next_step
        if step is None:
            return []
        refs = [*step.inputs, step.output]
        return [ref for ref in refs if ref.quantity != Q.COST]

    @property
    def _drawable(self) -> bool:
        """Built, and the app not closing: a tick or a worker's last message may come while the
        widgets are being taken down."""
        return self._ready and not getattr(self.app, "_exit", False)

    # --- size ---------------------------------------------------------------------------------------
    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def _wide_at(self, width: int) -> bool:
        """Whether a view ``width`` columns wide shows its layers side by side."""
        return width >= (COMPACT_WIDE if self.compact else WIDE)

    def apply_width(self, width: int) -> None:
        """The width this view gets (its screen's, or half of it): from ``WIDE`` columns, layers sit side
        by side. Screens call this on resize, before the layout tells the view its size."""
        self._width, self._width_given = width, True
        if not self._drawable or not (self.query("#map") and self.query("#explain")):
            # Its parts already taken down (a browser tab closed while the app started: the resize
            # that followed printed a NoMatches traceback in the server's log; a tester's finding).
            return
        self.set_class(self._wide_at(width), "-wide")
        self.query_one("#map").styles.width = f"{round(MAP_SHARE * 100)}%" if self.wide else "1fr"
        self._notice_for = None
        why = self.query_one("#explain")
        if why.display != self.why_shown:
            why.display = self.why_shown
        if self.why_shown:
            self.query_one("#explain-text", Explanation).reset_height()
            self._why_markup = ""  # shown again, for its new height
        self._show_only(self.shown_layer)
        self.refresh_view()  # the notice and the header are written for the width
        # Once more where the matrices are at the new size: a pane that folds nothing scrolled to
        # the step's matrices at once, by the old layout's places (200x60 to 120x40 at step 11
        # showed layer 3's n^3 to dC/da^3, δ^3 with the keyboard and dC/dW^2 below the pane).
        self.call_after_refresh(self._scroll_to_current)

    def _show_only(self, layer: int, plan: LayerPlan | None = None) -> bool:
        """Narrow, the one layer; wide, as many layers around it as fit (those with the current step's
        operands first), each as wide as its matrices need, and the rest of the width to the layer in
        view (the current step's), its matrices laid out in as many columns as fit. ``plan``: the
        one refresh_view just made for ``layer``, not made again."""
        panes = self.panes
        step_mode = self.step_mode
        changed = False
        if self.step_pane.display != step_mode:
            self.step_pane.display = step_mode
            changed = True
        if step_mode:
            for pane in panes:
                if pane.display:
                    pane.display = False
                    changed = True
            return changed
        shown, widths, room, _ = plan or self._plan(layer)
        if not self.wide and self.map_shown:
            shown = set()  # narrow, the map takes the layers' place
        others = sum(widths[index - 1] for index in shown - {layer})
        for pane, width in zip(panes, widths):
            if pane.display != (pane.layer_index in shown):
                pane.display = pane.layer_index in shown
                changed = True
            share = "1fr" if pane.layer_index == layer or not self.wide else f"{width}"
            if str(pane.styles.width) != share:
                pane.styles.width = share
                changed = True
            if pane.display:
                own = room - others if pane.layer_index == layer else width
                changed |= pane.lay_out(own)
        return self._fold_panes() or changed

    def _fold_panes(self) -> bool:
        """Fold the shown panes for the current step now, in the same layout as their widths (the
        fold after that layout was a second one, and a second repaint of the layers, on most steps
        that change the layer in view). A pane just shown has no size yet, but every pane is as
        tall as the layers' area less its border. True if a pane folded or unfolded."""
        window = self.query_one("#layers").size.height - 2
        folded = [pane.fold_for_step(window) for pane in self.panes if pane.display]
        return any(folded)

    def _plan(self, layer: int) -> LayerPlan:
        """The layers to show around ``layer`` (wide; narrow, the one layer), as LayerPlan says."""
        panes = self.panes
        shown = {layer}
        widths = [p.needed_width() for p in panes]
        room = self._width - (2 if self.compact else 0)  # side by side: inside the column's border
        wanted: tuple[int, ...] = ()
        if self.wide:
            # The decision map takes MAP_SHARE of the width; the layers that fit share the rest.
            room -= int(self._width * MAP_SHARE) if self.map_shown else 0
            step = self.walk.current_step
            forward = step is None or step.phase is Phase.FORWARD
            wanted = tuple(sorted(self._operand_layers() - {layer}))
            # A step too tall for its pane in one column (an update) gets the width for two. (The
            # layers' area, less the pane's border: the pane itself may be hidden, without a size.)
            window = self.query_one("#layers").size.height - 2
            self._planned_for = window
            needs = list(widths)
            needs[layer - 1] = max(widths[layer - 1], panes[layer - 1].step_width(window))
            shown = layers_that_fit(needs, layer, room, left_first=forward, wanted=wanted)
            if not set(wanted) <= shown:  # the operands' layers first, the step two across after
                shown = layers_that_fit(widths, layer, room, left_first=forward, wanted=wanted)
            if not set(wanted) <= shown:
                # Still too wide (a 7-layer network's backward matrices are wider than its forward
                # ones): the operands' panes as wide as the step's own matrices need, their other
                # matrices scrolling sideways by whole columns.
                full = list(widths)
                for index in (layer, *wanted):
                    widths[index - 1] = panes[index - 1].step_needed_width()
                shown = layers_that_fit(widths, layer, room, left_first=forward, wanted=wanted)
                # The width beyond that shared out to cut the fewest matrices: at 200x60 side by
                # side, layer 1 kept a^1's width and cut W^0 to 2 of its 3 columns while layer 2,
                # beside it, had 12 columns to spare; given the step's layer's whole need first,
                # layer 1 still cut dC/da^1, δ^1 and dC/dW^0 (dots yet) for the 13 columns layer 2
                # had beside its matrices in view, its widest far below (a tester's finding).
                least = {index: widths[index - 1] for index in shown}
                matrices = {index: panes[index - 1].matrix_needs() for index in shown}
                for index, width in widths_cutting_fewest(matrices, least, layer, room).items():
                    widths[index - 1] = width
                # What the step's layer has beyond its whole need goes to the others, up to theirs.
                spare = room - sum(widths[index - 1] for index in shown - {layer}) - full[layer - 1]
                for index in (*wanted, *sorted(shown)):
                    if index in shown and index != layer and spare > 0:
                        grow = min(spare, max(0, full[index - 1] - widths[index - 1]))
                        widths[index - 1] += grow
                        spare -= grow
            others = sum(widths[index - 1] for index in shown - {layer})
            if not panes[layer - 1].step_fits(room - others, window):
                if set(wanted) <= {layer} and panes[layer - 1].step_fits(room, window):
                    # The step's matrices are all in its own pane: that pane alone, across the
                    # width, rather than the step view (an update with a line of notice more, at
                    # 120x40, was three matrices over 13 blank rows in the step view).
                    return LayerPlan({layer}, widths, room, True)
                return LayerPlan(shown, widths, room, False)  # tall weights: the step view packs them
        return LayerPlan(shown, widths, room, set(wanted) <= shown)

    def on_layers_row_resized(self, message: LayersRow.Resized) -> None:
        """The layers' area has another height than the plan was made for: from the step view to
        the layers side by side, it was the step view's short area until the layout (after the
        palette's Keys panel closed, the step view stayed at 120x40), or the notice took a line."""
        message.stop()
        if self.wide and self._drawable and self.query_one("#layers").size.height - 2 != self._planned_for:
            self.refresh_view()
        elif self.compact and self._drawable and not self.step_mode and self._fold_panes():
            # Side by side the layers' height follows the Why text's (_split_beside), set after
            # the panes folded for the old one: folded again for the new, as few as it takes.
            self.call_after_refresh(self._scroll_to_current)

    def _operand_layers(self) -> set[int]:
        """The layers whose panes hold the current step's operands."""
        step = self.walk.current_step
        if step is None:
            return set()
        inputs = set(step.inputs)
        return {p.layer_index for p in self.panes for v in p.views if v.ref in inputs}

    # --- the decision map -----------------------------------------------------------------------------
    def show_map(self, shown: bool) -> None:
        """Show or hide the decision map (a network with 2 inputs only: else bad input)."""
        if shown:
            check_two_inputs(self.walk.net)
        # Narrow, the map takes the matrices' place and Textual moves the keyboard on from them:
        # when they come back, so does the cursor, on the cell it was on (it came back on an operand).
        if shown:
            self._before_map = (self.walk.position, self.selected) if self.selected is not None else None
        before = None if shown else self._before_map
        self.map_shown = shown
        self.query_one("#map").display = shown
        if shown:
            self._update_map()
        self._show_only(self.shown_layer)
        self.refresh_view()  # narrow, the step view comes back with the map hidden
        self.call_after_refresh(self._scroll_to_current)
        if shown:
            self.call_after_refresh(self._keyboard_off_hidden)
        if before is not None:
            position, (view, row, col) = before
            # Stepped meanwhile: the cursor goes to the new step's matrix, on the same cell.
            ref = view.ref if position == self.walk.position else None
            self.call_after_refresh(self._select_again, ref, row, col)

    def _keyboard_off_hidden(self) -> None:
        """The map in the matrices' place (narrow): the keyboard, if it was on one of them, goes
        to the map. Textual had moved it to another hidden matrix, whose cursor the arrows then
        moved out of sight (a helper's finding at 80x24)."""
        focused = self.app.focused
        if not isinstance(focused, MatrixView) or focused not in self.all_matrices:
            return
        if not self._on_screen(focused) or not focused.region.area:
            self.query_one("#map", DecisionMapView).focus()

    def _select_again(self, ref: Ref | None, row: int, col: int) -> None:
        """The cell of ``ref`` selected again, on the matrix of ``ref`` now on screen (None: the
        current matrix); the keyboard goes with it if it was on a matrix of this view or nowhere."""
        if ref is None:
            target = self.cursor_matrix()
        else:
            target = next((v for v in self.matrices if v.ref == ref and self._on_screen(v)), None)
        if target is None or target.state is None:
            return
        focused = self.app.focused
        keyboard = focused is None or (isinstance(focused, MatrixView) and focused in self.all_matrices)
        self._put_cursor(target, row, col, keyboard)

    def _update_map(self) -> None:
        walk = self.walk
        view = self.query_one("#map", DecisionMapView)
        title = f"Map · iteration {walk.iteration} · m hides"  # whole in a 40-column pane
        if view.border_title != title:  # setting it repaints the whole pane: once per iteration
            view.border_title = title
        view.show(MapState(walk.net, walk.current_weights(), clone_map(walk.diagnosis), walk.iteration))

    def show_layer(self, delta: int) -> None:
        """Pin the previous or next layer in view (until the walk moves): the next one that is not
        on screen yet (wide, several are: at 120x40 ] from layer 1 changed nothing, layer 2 being
        in view already). A pinned layer's pane is whole; the step's own, with matrices folded
        away for the step, is pinned first."""
        depth = self.walk.net.depth
        current = self.pinned_layer or self.shown_layer
        pane = self.panes[current - 1]
        if self.pinned_layer is None and ((pane.display and pane.folded) or self.step_mode):
            # The step's own layer first, whole: its border says "[ unfolds" (wide, [ on layer 1 said
            # it was the first layer, and no key showed the matrices folded away; a tester). So too
            # from the step view, which shows the step's matrices alone (at 120x40 with w, [ at
            # an update of W^0 said layer 1 was the first and never showed it; a tester).
            self._pin(current)
            self.refresh_view()
            return
        if not 1 <= current + delta <= depth:
            # Said, not silent: a key that does nothing looks broken.
            end, key = ("first", "[") if delta < 0 else ("last", "]")
            self.notify(f"Layer {current} is the {end} layer: {key} goes no further.", timeout=3)
            return
        before = self._layers_on_screen()
        target = current + delta
        while 1 <= target <= depth:
            self._pin(target)
            self.shown_layer = target
            self.refresh_view()  # narrow, from the step view to the layer's pane: drawn now
            if self._layers_on_screen() != before:
                return
            target += delta
        # Wide, the layers that way are all on screen already: the key changed nothing, and says why.
        side = "before" if delta < 0 else "after"
        self.notify(f"Every layer {side} layer {current} is in view already.", timeout=3)

    def _layers_on_screen(self) -> tuple[bool, list[bool]]:
        return self.step_mode, [pane.display for pane in self.panes]

    def _pin(self, layer: int | None) -> None:
        """Show ``layer``'s pane whole, until the walk moves (None: follow the step again)."""
        self.pinned_layer = layer
        for pane in self.panes:
            pane.whole = pane.layer_index == layer

    def follow(self) -> None:
        """The walk moved: show the current step's layer again."""
        self._pin(None)

    def watch_shown_layer(self, layer: int) -> None:
        self._show_only(layer)
        # The pane just shown has no layout yet: where its matrices are is known after the refresh.
        self.call_after_refresh(self._scroll_to_current)

    def _split_for_step(self) -> None:
        """In the step view, the layers' area is as tall as the step's matrices need and the Why pane
        has the rest (at least ``WHY_LEAST`` lines): at 80x24 an update's three weight matrices get
        14 lines, and a step of two small matrices leaves the Why pane 14. Elsewhere, the
        stylesheet's heights."""
        if self.compact and self.why_shown:
            self._split_beside()
            return
        layers = self.query_one("#layers")
        explain = self.query_one("#explain") if self.why_shown and not self.compact else None
        narrow_step = self.step_mode and not self.wide
        if narrow_step and self.compact and self.size.height:
            # Side by side on a screen too low for a Why pane: the step view has the half's room,
            # and a step a line or two taller gets its operands' headers into their top borders,
            # or its operands side by side, as the main view's (fit_headers). At 80x24 step 16
            # scrolled δ^2 away above W^1 and dC/da^1 with four empty lines under them, and the
            # updates showed the gradient and the new weights only, the old ones out of view.
            height: int | None = None
            # Inside its scrollbar's column, as its layout packs the matrices: the pane's whole
            # width fitted dC/dW^1 (18) beside W^1 (19) at step 21, laid out in 37 columns with
            # W^1 cut to "0.294132".
            width = self.step_pane.scrollable_content_region.width or self._width - 3
            self.step_pane.fit_headers(width, self._room())
        elif not narrow_step or explain is None or not self.size.height:
            height = None
            self.step_pane.show_headers()
        else:
            room = self._room()
            width = self.step_pane.size.width or self._width - 1
            # Its title, and the selected cell's line with its computation down to the result: at
            # 80x24 the step 16 of the seed left it the cell's line and half its sum, and with the
            # health notice's line more its title alone (a tester's finding). For the cell of the
            # step's result that needs the most, not the selected one: the step's layout stays put
            # as the cursor moves (a lead a line longer at one cell moved W^2's headers into its
            # border, its rows a line above those of W^2 updated beside it, at the seed's step 22).
            lead = self.step_lead(self.why_width)
            least = 1 + min(max(lead, WHY_LEAST - 1), WHY_CELL_MOST)
            # A line or two short (that step 16): operands with their column headers in their top
            # borders. With w, only where that fits the step in w's share (else the step scrolls
            # anyway, and the headers keep their own line).
            tall = self.has_class("-why-tall")
            need = self.step_pane.fit_headers(
                width, min(room - least, max(3, room // 3)) if tall else room - least
            )
            if need <= room - least:
                height = need
            else:
                # Too tall for that: the result and the operands just above it that fit whole,
                # titles and all (the Why pane keeps the cell's computation, and has the rest).
                # An operand scrolled up under the step's top showed its last lines under no name
                # (vanishing's a^1 at n^2). Else (a 200-row batch, the result alone taller) it
                # scrolls, from the result's top, and the Why pane keeps its size.
                whole = self.step_pane.whole_tail(width, room - least)
                height = whole if whole is not None else room - WHY_NARROW
            height = max(3, height)
            if tall and height > max(3, room // 3):
                # w: the Why pane gets two thirds of the height, or more where the step leaves it
                # more (a step of two small matrices): w never makes it smaller. The step keeps the
                # tallest window in that third that shows its matrices whole from their titles,
                # ending at the result (whole_tail); where none is that short, the shortest such
                # window (an update: the old and the new weights side by side, the gradient under
                # them out of view). Cut to the third, n^2 = [1 | a^1] · W^1 at 80x24 showed
                # W^1's rows under no name beside the result, a^1 scrolled away, two empty lines
                # under it; an update cut W^2 and its update at row i=1.
                whole = self.step_pane.whole_tail(width, max(3, room // 3))
                if whole is None:
                    whole = self.step_pane.fewest_whole(width)
                height = min(whole, height) if whole is not None else height
        # Open at the bottom, like the step view's matrices: a line more for the step at 80x24.
        self.set_class(height is not None, "-step-split")
        if height == self._split:
            return
        self._split = height
        if narrow_step:  # the result whole in the new height (another cell: no step scrolled it)
            self.call_after_refresh(self.step_pane.scroll_to_step)
        if height is None:  # back to the stylesheet's heights
            layers.styles.clear_rule("height")
            if explain is not None:
                explain.styles.clear_rule("height")
            self.refresh(layout=True)
        elif explain is not None:
            layers.styles.height = height
            explain.styles.height = "1fr"

    def _room(self) -> int:
        """The lines the layers' area and the Why pane share: the view's less its header's. Side by
        side, the header as tall as the step's formula makes it (StatusLine.lines_needed), which
        the layout after this step gives it: the step is fitted to its room before that layout."""
        above = sum(
            child.outer_size.height
            for child in self.children
            if child.display and child.id not in ("top", "layers", "explain")
        )
        if self.compact:  # its curves are 2 lines tall
            above += max(2, self.query_one("#status", StatusLine).lines_needed)
        else:
            above += self.query_one("#top").outer_size.height
        return self.size.height - above

    def _layers_beside(self) -> int:
        """Side by side, the layers' area at its tallest: the Why pane keeps ``WHY_BESIDE`` lines, or
        two thirds of the room after w."""
        room = self._room()
        return max(3, room // 3 if self.has_class("-why-tall") else room - WHY_BESIDE)

    def _split_beside(self) -> None:
        """Side by side, with a Why pane under each half: the layers' area and the Why pane share
        the room as each needs. Both halves give their layers the same height where that cuts
        nothing more in either, so that their Why panes start on the same line and the two
        computations of the cell read side by side; else each half its own. At 120x40 a half's
        step view left 4 empty lines above its Why pane, aligned with the other's taller step,
        while its Why text scrolled; a layer pane folded matrices away while the Why pane under it
        had lines to spare; and at 200x60, after w, a Why pane showed 13 empty lines under its
        text while the layers above it were cut (testers)."""
        if not self.size.height:
            return
        self._beside_need = self._beside_heights()
        halves = self._halves()
        spans = [half._beside_need or (0, 0) for half in halves]
        low, high = max(span[0] for span in spans), min(span[1] for span in spans)
        for half, span in zip(halves, spans):
            # Together where both can; else each half's layers as tall as they need, its Why pane
            # right under them (no empty lines between a step and its explanation).
            half._set_split(low if low <= high else span[0])

    def _halves(self) -> list[WalkView]:
        """This view and the walk views beside it: side by side, the two halves. They are siblings
        (SideBySideScreen): no query of the whole screen on each step."""
        siblings = self.parent.children if self.parent is not None else [self]
        return [view for view in siblings if isinstance(view, WalkView)]

    def _beside_heights(self) -> tuple[int, int]:
        """The layers' heights that cut nothing needlessly in this half: from what they need to
        what the Why text leaves, when both fit; else the one that gives the lines to the part
        that can use them (the Why pane keeps ``WHY_BESIDE`` lines, or two thirds after w, only
        while its text needs them)."""
        room, most = self._room(), self._layers_beside()
        layers = self._layers_need()
        layers = most if layers is None else max(3, layers)
        why = self._why_need()
        if why is None:
            return most, most
        if layers + why <= room:
            return layers, room - why
        if layers <= most:
            return layers, layers  # the Why text scrolls
        # The layers are cut: they get all the Why text does not need.
        height = max(most, room - why)
        # A pane folded for that height may leave lines under its matrices (a line or two short
        # of unfolding one more): those go to the Why pane if its text scrolls, else they may be
        # the other half's height (the Why panes start on the same line).
        used = self._folded_height(height)
        if used is None:
            return height, height
        return (used, height) if height == room - why else (used, used)

    def _layers_need(self) -> int | None:
        """The lines the layers' area needs to show all it holds: the step view's matrices, or the
        layer panes' whole (None: as many as it gets, a wide step view or the decision map)."""
        if self.map_shown:
            return None
        if self.step_mode:
            if self.wide:
                return None
            self.step_pane.show_headers()
            pane = self.step_pane
            width = pane.scrollable_content_region.width or self._width - 3
            return int(pane.packing(width).height)
        heights = [pane.height_for(UNFOLDED) for pane in self.panes if pane.display]
        return max(heights) if heights else None

    def _folded_height(self, height: int) -> int | None:
        """The lines a half's one layer pane takes, folded for a layers' area ``height`` lines high,
        if fewer and the same matrices fold at that height (None: else, or no pane, or wide)."""
        shown = [pane for pane in self.panes if pane.display]
        if self.wide or self.step_mode or self.map_shown or len(shown) != 1:
            return None
        pane = shown[0]
        fold = pane.folded_for(height - 2)
        used = max(3, pane.height_without(fold))
        if used >= height or pane.folded_for(used - 2) != fold:
            return None
        return used

    def _why_need(self) -> int | None:
        """The lines the Why pane needs to show its text whole, its border included (None: no text yet)."""
        if not self._why_markup:
            return None
        width = self.why_width
        rows = sum(self._rows(line, width) for line in self._why_markup.split("\n"))
        # The text as tall as itself, not the tallest it has been (Explanation): else the pane
        # keeps a scrollbar, its text wraps two columns narrower, a line longer than counted here.
        text = self.query_one("#explain-text", Explanation)
        if text.styles.min_height is not None and text.styles.min_height.value > rows:
            text.reset_height()
        return rows + 2

    def _set_split(self, height: int) -> None:
        if height == self._split:
            return
        self._split = height
        self.query_one("#layers").styles.height = height
        self.query_one("#explain").styles.height = "1fr"
        if self.step_mode:
            self.call_after_refresh(self.step_pane.scroll_to_step)

    def _scroll_to_current(self) -> None:
        if self.step_mode:
            self.call_after_refresh(self.step_pane.scroll_to_step)  # once its matrices are placed
            return
        for pane in self.panes:
            if pane.display and pane.fold_for_step():
                self.call_after_refresh(pane.scroll_to_step)  # where the matrices are, after the layout
            elif self.walk.current_step is None and pane.display:
                # Before an iteration's first step no matrix has a role: each pane shows its top (its
                # input and weights, where the cursor starts), not where the last iteration left it.
                pane.scroll_to(y=0, animate=False, immediate=True)
            else:
                pane.scroll_to_step()

    # --- what is on screen --------------------------------------------------------------------------
    def refresh_view(self) -> None:
        if not self._drawable:
            return
        walk = self.walk
        checks = self.checker.at(walk.iteration, walk.values) if self.checker is not None else {}
        selected = self.selected_cell()
        layer = self.pinned_layer or pane_layer(walk.current_step)
        plan = None
        # The step view stands in for panes too far apart to show the step together (wide), or for a
        # pane that would not show it whole (half a tall screen); the panes are kept current all the
        # same: whether the step fits them reads their matrices' roles.
        panes_first = self.wide or self._half_a_tall_screen
        if panes_first:
            show_matrices(self.pane_matrices, walk, checks, self.digits, selected)
        if self.wide:
            plan = self._plan(layer)
            self._operands_apart = not plan.together
        if self.step_mode:
            step = self.walk.current_step or self.walk.next_step
            self.step_pane.show_step(self.step_refs(), summed_columns(step) if step is not None else ())
            show_matrices(self.step_pane.order, walk, checks, self.digits, selected)
            if self.wide and self.step_pane.display:
                # Its size is known before the layout (narrow, the step's height sets the pane's).
                self.step_pane.scroll_ahead()
        elif not panes_first:
            show_matrices(self.pane_matrices, walk, checks, self.digits, selected)
        if self.map_shown:
            self._update_map()
        self._update_health(walk.diagnosis)
        self._update_status()
        self._update_explanation()
        if layer != self.shown_layer:
            self.shown_layer = layer
        elif self._show_only(layer, plan):  # matrices may have grown wider (a minus sign, say)
            self.call_after_refresh(self._scroll_to_current)  # where they are is known after the layout
        else:
            self._scroll_to_current()
        if not self._explanation_held:  # else at its end, with the Why text's lead for the new cell
            self._split_for_step()
        self._keep_cursor_in_view()

    def _keep_cursor_in_view(self) -> None:
        """The keyboard cursor's matrix went out of sight (a resize between the step view and the
        layer panes, [ or ]): the cursor moves to the current matrix on screen, as after a step."""
        focused = self.app.focused
        if (
            not isinstance(focused, MatrixView)
            or focused not in self.all_matrices
            or self._on_screen(focused)
        ):
            return

        def carry() -> None:
            # Unless a step carried it already; Textual may have moved the keyboard meanwhile, from
            # the hidden matrix to another hidden one or to nothing.
            now = self.app.focused
            if now is not None and (not isinstance(now, MatrixView) or self._on_screen(now)):
                return
            # The same matrix where the new layout shows it (the step view and the layer panes each
            # have their copy), on the same cell: δ^3's cursor (o=0, j=1) carried to the current
            # matrix put it on dC/dW^2's row 0, its bias row b, another cell explained (a tester).
            twin = self._on_screen_copy(focused)
            if twin is not None:
                self._put_cursor(twin, *focused.cursor, keyboard=True)
                return
            # Else the current matrix, on its own cell where the old layout had it.
            target = self.cursor_matrix()
            copies = [v for v in self.all_matrices if target is not None and v.ref == target.ref]
            old = next((v for v in copies if v is not target), None)
            if target is not None and old is not None and old is not focused:
                self._put_cursor(target, *old.cursor, keyboard=True)
            else:
                self.carry_cursor(focused)

        self.call_after_refresh(carry)

    def _on_screen_copy(self, view: MatrixView) -> MatrixView | None:
        """The on-screen copy of ``view``'s matrix (itself, or the other layout's), if any."""
        for other in self.matrices:
            if other.ref == view.ref and other.state is not None and self._on_screen(other):
                return other
        return None

    def _on_screen(self, view: MatrixView) -> bool:
        pane = view.parent
        return view in self.matrices and view.display and isinstance(pane, Widget) and pane.display

    def _update_health(self, diagnosis: Diagnosis) -> None:
        wide = self.wide
        if self._notice_for == (diagnosis, wide):  # once per iteration, not per step
            return
        self._notice_for = (diagnosis, wide)
        if self.compact:
            self.query_one("#clone-line", Static).update(escape(clone_sentences_line(diagnosis)))
        else:
            self.query_one(HealthNotice).show(diagnosis, wide)
        for pane in self.panes:
            pane.show_width(diagnosis.effective_layers[pane.layer_index])

    def _update_status(self) -> None:
        self.query_one("#status", StatusLine).show(*status_lines(self.walk, compact=self.compact))
        if self.run_title is not None:
            self._title_waiting()
        if not self.compact:
            # The quiz's score leads the header's third line, before the layer map.
            score = f"Quiz {self.score} │ " if self.score else ""
            line = score + layer_map_line(self.walk, self._width - 2 - len(score))
            # Its ▶ and ◀ move with the layer, its figures with the iteration: most steps leave it
            # as it was, and a line drawn again for nothing is a tenth of a millisecond or two.
            if line != self._layer_map_shown:
                self._layer_map_shown = line
                # One line always (height 1 in the tcss): no new layout of the screen for it.
                self.query_one("#layer-map", Static).update(line, layout=False)
        # Redraw the curves only when they gain or lose a point: a cost, or (update done) an epoch.
        last = (curve_end(self.walk), self.walk.done == self.walk.steps_per_iteration)
        if last != self._curve_until:
            self._curve_until = last
            self.query_one("#loss", CostChart).show(cost_curve(self.walk))
            self.query_one("#epoch-loss", CostChart).show(epoch_curve(self.walk))

    def _title_waiting(self) -> None:
        """Side by side, a walk done with its iteration while the other half's goes on (sgd's 8
        steps beside adam's 13) says in its title that it waits: it stood at "step 8/8" as n
        moved adam on, with nothing saying why (a tester). As much as fits the half's width."""
        walk = self.walk
        others = [view.walk for view in self._halves() if view is not self]
        ahead = [
            other
            for other in others
            if walk.done == walk.steps_per_iteration
            and other.iteration == walk.iteration
            and other.done < other.steps_per_iteration
        ]
        title = self.run_title or ""
        if ahead:
            other = ahead[0].net.optimizer.name
            name = other if other != walk.net.optimizer.name else "the other half"
            room = self._width - 6  # the column's corners and the title's dashes and spaces
            long = f"{title} · waiting for {name} to end iteration {walk.iteration}"
            title = long if len(long) <= room else f"{title} · waiting for {name}"
        if self.border_title != title:  # setting it repaints the column: once as it starts waiting
            self.border_title = title

    def show_curve_until(self, iteration: int) -> None:
        """The cost curve up to ``iteration`` (a long run in a worker records costs ahead of the walk)."""
        if not self._drawable:
            return
        self.query_one("#loss", CostChart).show(cost_curve(self.walk, iteration))
        self.query_one("#epoch-loss", CostChart).show(epoch_curve(self.walk, iteration))
        self._curve_until = None

    def forget_curve(self) -> None:
        """The costs changed (an edit): draw the curve again at the next refresh."""
        self._curve_until = None

    def cursor_matrix(self) -> MatrixView | None:
        """Where the arrows select a cell: the matrix the current step computed, else (before the
        first step) the first input of the next step that is on screen."""
        in_pane = [v for v in self.matrices if v.state is not None and v.parent and v.parent.display]
        # The current matrix even if still folded from the last step: the pane unfolds it after
        # this refresh (asking it to be shown first sent the cursor to an operand at 80x24).
        for view in in_pane:
            if view.state is not None and view.state.role == "current":
                return view
        views = [v for v in in_pane if v.display]
        for view in views:
            if view.state is not None and view.state.role == "input":
                return view
        return views[0] if views else None

    def arrow_matrix(self) -> MatrixView | None:
        """Where an arrow pressed with the keyboard elsewhere moves the cursor: from the cell the
        Why pane explains, where it is on screen (from the Why pane an arrow went to the current
        matrix's old cursor instead, another cell); else the cursor's matrix."""
        if self.selected is not None and self.selected_cell() is not None:
            return self.selected[0]
        return self.cursor_matrix()

    def carry_cursor(self, focused: object) -> None:
        """The walk moved: the cursor moves on to the new current matrix, on the same row and column
        where it can, so the Why pane keeps explaining the learner's cell as the steps go by. With
        the keyboard elsewhere (the Why pane, to scroll it; a button), the selected cell moves on
        all the same, and the keyboard stays where it is: the pane explained a cell of the step
        the keyboard left, steps ago."""
        keyboard = isinstance(focused, MatrixView) and focused in self.all_matrices
        source = focused if keyboard else (self.selected[0] if self.selected is not None else None)
        if not isinstance(source, MatrixView) or (not self.why_shown and not keyboard):
            return
        target = self.cursor_matrix()
        if target is None or target is source:
            return
        self._put_cursor(target, *source.cursor, keyboard)

    def cursor_onto_step(self, view: MatrixView) -> None:
        """Tab has just put the keyboard on ``view``: an operand of the current product lands with
        its cursor on the row or column marked ▶ or ▼, the one that makes the current matrix's
        cursor cell, where the learner reads the computation (it landed on its first cell, or on
        wherever it was left steps ago; a tester). From the current matrix's cursor, not from
        ``view``'s marks: a Tab stop on another matrix on the way selected that one's cell, and
        the marks went with the selection (show_matrices marks only for a cell of the current
        matrix). The other coordinate stays the cursor's own: any cell of that row or column is
        a term of the sum. An operand of an entry-by-entry step (σ(n), δ = dC/da ⊙ da/dn, an
        update) lands on the cell itself, the one whose number the computation reads."""
        step = self.walk.current_step
        result = self.cursor_matrix()
        if step is None or view.state is None or result is None or result.ref != step.output:
            return
        if step.columns_from is None and view.ref in step.inputs:
            assert result.state is not None
            if (view.state.rows, view.state.cols) == (result.state.rows, result.state.cols):
                view.land_on(*result.cursor)
            return
        row, col = view.cursor
        marked = False
        for ref, axis, index in operand_slices(step, *result.cursor):
            if ref == view.ref:
                marked = True
                if axis == "rows":
                    row = index
                else:
                    col = index
        if marked:
            view.land_on(row, col)

    def put_cursor(self, row: int, col: int) -> None:
        """The keyboard and the cursor on cell (row, col) of the current step's matrix."""
        target = self.cursor_matrix()
        if target is not None:
            self._put_cursor(target, row, col, keyboard=True)

    def _put_cursor(self, target: MatrixView, row: int, col: int, keyboard: bool) -> None:
        """The cursor on ``target``'s cell (row, col), or as near as its shape allows, that cell
        selected, and the keyboard on ``target`` with ``keyboard``."""
        if target.state is not None:
            target.cursor = (min(row, target.state.rows - 1), min(col, target.state.cols - 1))
        if keyboard:
            target.focus(scroll_visible=False)  # the pane shows the step's matrices (scroll_to_step)
        # Selected now, not when the matrix's message comes back: the step is then drawn once,
        # not a second time for the marks and the Why pane (that message finds it done).
        self._select(target, *target.cursor)

    def selected_cell(self) -> tuple[Ref, int, int] | None:
        """The selected cell, while its matrix is on screen (narrow, its pane may be hidden)."""
        if self.selected is None:
            return None
        view, row, col = self.selected
        pane = view.parent
        if not isinstance(pane, LayerPane | StepPane) or not pane.display or not view.is_attached:
            return None
        return view.ref, row, col

    def explained_cell(self) -> tuple[Ref, int, int] | None:
        """The cell the Why pane explains: the selected one, on screen. Narrow, with the decision
        map in the matrices' place, the cell selected when m showed it, and after a step the new
        current matrix's cell on the same row and column, as the cursor would have followed the
        steps: the pane had no cell at all there, its step's formula at its top (a tester's
        finding at 80x24)."""
        cell = self.selected_cell()
        if cell is not None or not self.map_shown or self.wide:
            return cell
        position, row, col = self.walk.position, 0, 0
        if self._before_map is not None:
            position, (view, row, col) = self._before_map
            if position == self.walk.position:
                return view.ref, row, col
        # The layer panes are kept current behind the map (refresh_view): their roles say which
        # matrix the cursor would be on, as cursor_matrix does for those on screen.
        views = [v for v in self.pane_matrices if v.state is not None]
        target = next((v for v in views if v.state is not None and v.state.role == "current"), None)
        target = target or next((v for v in views if v.state is not None and v.state.role == "input"), None)
        if target is None or target.state is None:
            return None
        return target.ref, min(row, target.state.rows - 1), min(col, target.state.cols - 1)

    @contextmanager
    def one_explanation(self) -> Iterator[None]:
        """The Why pane written once for what is done inside: a step's redraw writes it for the
        new step and then, the cursor having followed the step, for the new selected cell."""
        self._explanation_held = True
        try:
            yield
        finally:
            self._explanation_held = False
        if self._drawable:
            self._update_explanation()
            # Once the cell is known: the Why pane keeps its computation (a split made for the
            # last step's cell first was a second layout of the screen).
            self._split_for_step()

    @property
    def why_width(self) -> int:
        """The Why pane's text width (its border, padding and scrollbar off the view's width; side
        by side, the column's border as well), as if it had no scrollbar: the text leaves the
        scrollbar's room itself (why.wrapped), and leaving it twice, once the text was long enough
        for a scrollbar, broke lines that fit (the cost's result went to a line of its own at 60x20)."""
        pane = self.query_one("#explain", WhyPane)
        shown = self.query_one("#explain-text", Explanation).content_size.width
        if not shown:
            return self._width - (8 if self.compact else 6)
        return shown + (pane.scrollbar_size_vertical if pane.show_vertical_scrollbar else 0)

    def _update_explanation(self) -> None:
        if not self.why_shown or self._explanation_held:
            return
        verdict = None
        if self.verdict is not None and self.verdict[0] == self.walk.position:
            verdict = self.verdict[1]
        width = self.why_width
        text = why_text(self.walk, self.explained_cell(), self.checker, self.digits, verdict, width)
        markup = text.markup
        if markup == self._why_markup:
            return
        self._why_markup = markup
        self.query_one("#explain-text", Explanation).show(markup)
        # New text starts at its top (the selected cell's line), wherever the last was scrolled to.
        self.query_one("#explain", VerticalScroll).scroll_home(animate=False, immediate=True)
        # (The step view's height is not the cell's to change: _split_for_step, step_lead.)
        # The rows a notice keeps clear of (kept_clear).
        self._why_lead = sum(self._rows(line, width) for line in markup.split("\n")[: text.kept])

    def step_lead(self, width: int) -> int:
        """The rows of the Why pane's lead (why_text's: the cell's line and its computation, and
        what the step says with it) for the cell of the step's matrix that needs the most (the
        matrix the cursor goes to at each step and the arrows move in, usually its result),
        ``width`` columns wide, counted up to WHY_CELL_MOST (the most the Why pane keeps). A
        matrix of more than LEAD_CELLS cells: its first two and last two rows and columns (the
        longest names). The operands' cells are left out: one whose computation is longer (a
        gradient's sum over the observations, reached by a click or Tab) would make the step
        smaller for every cell, the operands squeezed to some of their columns at xor's update
        of W^0; the Why pane scrolls there instead."""
        walk = self.walk
        verdict = self.verdict[1] if self.verdict is not None and self.verdict[0] == walk.position else None
        order = self.step_pane.order
        cursor = self.cursor_matrix()
        views = [cursor] if cursor in order else order[-1:]
        kept = self._step_lead
        key = (walk.position, width, self.digits, verdict, *views)
        if kept is not None and kept[0] is walk.values and kept[1] == key:
            return kept[2]
        most = 0
        state = views[0].state if views else None
        if state is None:
            cells: list[tuple[int, int]] = []
        elif not walk.is_computed(views[0].ref):  # "not computed yet", whatever the cell: the longest name
            cells = [(state.rows - 1, state.cols - 1)]
        elif state.rows * state.cols <= LEAD_CELLS:
            cells = [(r, c) for r in range(state.rows) for c in range(state.cols)]
        else:
            rows = {*range(min(2, state.rows)), *range(max(0, state.rows - 2), state.rows)}
            cols = {*range(min(2, state.cols)), *range(max(0, state.cols - 2), state.cols)}
            cells = [(r, c) for r in sorted(rows) for c in sorted(cols)]
        # (No cell: the verdict's lines, the cost's computation, all the same.)
        chosen: list[tuple[Ref, int, int] | None] = [(views[0].ref, row, col) for row, col in cells]
        for cell in chosen or [None]:
            lines, _ = lead_lines(walk, cell, self.checker, self.digits, verdict, width)
            most = max(most, sum(self._rows(line, width) for line in lines))
            if most >= WHY_CELL_MOST:
                break
        self._step_lead = (walk.values, key, most)
        return most

    def _rows(self, markup: str, width: int) -> int:
        """The rows a line of markup takes ``width`` columns wide (its markup no shorter than it)."""
        if cell_len(markup) <= width:
            return 1
        return len(Text.from_markup(markup).wrap(self.app.console, width))

    class CellChosen(Message):
        """A cell chosen in this view by the learner: side by side, the other view explains its own
        cell of the same matrix (SideBySideScreen)."""

        def __init__(self, view: WalkView, ref: Ref, row: int, col: int) -> None:
            super().__init__()
            self.view, self.ref, self.row, self.col = view, ref, row, col

    def on_matrix_view_cell_selected(self, event: MatrixView.CellSelected) -> None:
        # The cell is this view's: a screen with two views must not see the other's cells.
        event.stop()
        self._select(event.view, event.row, event.col)
        if self.compact and event.view.has_focus:
            self.post_message(self.CellChosen(self, event.ref, event.row, event.col))

    def select_cell(self, ref: Ref, row: int, col: int) -> None:
        """The cursor on this view's cell (row, col) of ``ref``, where the matrix is on screen, and
        that cell explained; the keyboard stays where it is."""
        target = next((view for view in self.matrices if view.ref == ref and view.state is not None), None)
        if target is not None:
            self._put_cursor(target, row, col, keyboard=False)

    def _select(self, view: MatrixView, row: int, col: int) -> None:
        # A matrix says so when its cursor moves and when it gets the keyboard: once the cursor has
        # followed a step that is twice for one cell, and each costs a redraw of every matrix.
        drawn = (self.walk.position, view, row, col, self.digits)
        if drawn == self._selection_drawn:
            return
        self._selection_drawn = drawn
        if self.selected is not None and self.selected[0] is not view:
            self.selected[0].explain(False)
        view.explain(True)
        self.selected = (view, row, col)
        # The operands that make the selected cell are marked on the matrices, too.
        checks = self.checker.at(self.walk.iteration, self.walk.values) if self.checker is not None else {}
        show_matrices(self._markable(), self.walk, checks, self.digits, self.selected_cell())
        if self.step_mode and self.step_pane.order[-1:] == [view]:
            self.step_pane.follow_column(col)  # operands in a share of the width: the cell's column
        self._update_explanation()
        if self.compact and self.why_shown and not self._explanation_held:
            # Side by side the Why pane takes the lines its text needs: another cell's text may
            # need more or fewer (the other half's cursor, followed here after a step, too).
            self._split_beside()

    def _markable(self) -> list[MatrixView]:
        """The matrices a new selected cell can mark or unmark: the current step's operands and the
        matrices marked now (the others' state does not depend on the cell, and giving all of
        them theirs again, after the step just did, was a tenth of a step on a wide network)."""
        step = self.walk.current_step
        refs = set(step.inputs) if step is not None else set()
        for sources in (step.rows_from or (), step.columns_from or ()) if step is not None else ():
            refs.update(source.ref for source in sources)
        return [
            v
            for v in self.matrices
            if v.ref in refs or (v.state is not None and (v.state.mark_row, v.state.mark_col) != (None, None))
        ]
