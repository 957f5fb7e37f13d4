"""Where the current step's matrices are: whole, every column, and with their operands in view."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import NamedTuple

import pytest
from textual.pilot import Pilot

from stepper.app import StepperApp
from stepper.app.screens.help import NOTATION_TEXT
from stepper.app.widgets.explanation import Explanation
from stepper.app.widgets.layer_pane import LayerPane
from stepper.app.widgets.matrix import MatrixView
from stepper.app.widgets.sized import WhyPane
from stepper.app.widgets.status import fit_formula, fit_where, formula_lines
from stepper.app.widgets.step_pane import StepPane
from stepper.app.widgets.walk_view import WalkView, widths_cutting_fewest
from stepper.engine.steps import Ref, Step
from stepper.netfile import Overrides, load_network
from tests.ui.helpers import at_steps, screen_lines, settled, view


def whole_in_view(view: MatrixView) -> str | None:
    """Why ``view`` is not shown whole with all its columns (None: it is)."""
    pane = view.parent
    assert isinstance(pane, LayerPane | StepPane) and view.state is not None
    if not pane.display or not view.display:
        return "not displayed"
    if not pane.scrollable_content_region.contains_region(view.region):
        return f"out of view: {view.region} not in {pane.scrollable_content_region}"
    first, last = view._visible_columns()
    if (first, last) != (0, view.state.cols - 1) or view.region.width < view.virtual_size.width + 2:
        return f"columns {first}-{last} of {view.state.cols} shown, {view.region.width} wide"
    return None


def views_of(app: StepperApp, refs: set[Ref]) -> list[MatrixView]:
    """The matrices of ``refs`` on screen (narrow, the step view's; wide, the layer panes')."""
    return [v for v in app.screen.view.matrices if v.ref in refs]


def partly_in_view(view: MatrixView) -> bool:
    """Some of ``view``'s lines in view, with all its columns (its top lines scrolled away)."""
    pane = view.parent
    assert isinstance(pane, LayerPane | StepPane) and view.state is not None
    window = pane.scrollable_content_region
    return bool(pane.display and view.display and window.overlaps(view.region)) and (
        view._visible_columns() == (0, view.state.cols - 1)
    )


def nameless(app: StepperApp) -> list[str]:
    """The matrices on screen with some of their lines in view and their title (the border's top
    line) scrolled out above: numbers under no name."""
    view = app.screen.view
    panes: list[LayerPane | StepPane] = [view.step_pane] if view.step_mode else view.panes
    return [
        matrix.ref.symbol
        for pane in panes
        if pane.display
        for matrix in pane.children
        if isinstance(matrix, MatrixView) and matrix.display and matrix.region.height
        if matrix.region.y < pane.scrollable_content_region.y < matrix.region.bottom
    ]


def step_not_in_view(app: StepperApp, step: Step, operands_partly: bool = False) -> list[tuple[str, str]]:
    """What of the current step's result and operands is not whole in view, and why.
    ``operands_partly``: an operand with some of its lines in view is in view (at 80x24 the step
    view scrolls its operands up under a step taller than the room the Why pane leaves it)."""
    assert views_of(app, {step.output}) or step.output.quantity == "cost", step.number
    views = views_of(app, {step.output, *step.inputs})
    return [
        (view.ref.symbol, why)
        for view in views
        if (why := whole_in_view(view)) is not None
        and not (operands_partly and view.ref != step.output and partly_in_view(view))
    ]


async def each_step(app: StepperApp, pilot: Pilot) -> AsyncIterator[Step]:
    """Press n through one iteration, yielding each step once it is on screen."""
    for _ in range(app.walk.steps_per_iteration):
        await pilot.press("n")
        await pilot.pause()
        step = app.walk.current_step
        assert step is not None
        yield step


async def test_with_the_map_beside_them_the_steps_operands_are_in_view_at_120x40() -> None:
    """With the decision map beside the layers (m), there is room for one layer: n^2 showed W^1 and
    n^2 but not a^1, from layer 1 (a tester's finding). The step view stands in, beside the map."""
    app = StepperApp("random-init")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        for _ in range(6):  # the forward pass: every step takes an operand from the layer before
            await pilot.press("n")
            await pilot.pause()
            step = app.walk.current_step
            assert step is not None and app.screen.view.map_shown
            assert not step_not_in_view(app, step), (step.number, step_not_in_view(app, step))


@pytest.mark.parametrize("example", [None, "xor"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_every_step_shows_its_matrix_whole_and_its_operands_beside_it(example, size) -> None:
    """Issue 12/16: the current step's matrix shows every column, in view, at every step of an
    iteration, and its operands are in view with it (at 80x24, in the step view, where a step
    taller than the room the Why pane's cell computation leaves scrolls its operands' top lines
    away: the seed's step 16, xor's 12)."""
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=size) as pilot:
        async for step in each_step(app, pilot):
            missing = step_not_in_view(app, step, operands_partly=size == (80, 24))
            assert not missing, (size, example, step.number, missing)


@pytest.mark.parametrize("example", ["vanishing", "partial-clones"])
async def test_a_deep_network_shows_every_step_with_its_operands_at_120x40(example) -> None:
    """Issue 12: at 120x40 vanishing (7 layers of 4) showed n^2 without a^1 (the panes of both
    layers did not fit side by side) and its updates cut W^l; such steps go to the step view."""
    app = StepperApp(example)
    async with app.run_test(size=(120, 40)) as pilot:
        async for step in each_step(app, pilot):
            assert not step_not_in_view(app, step), (example, step.number, step_not_in_view(app, step))


async def test_a_step_too_tall_for_its_pane_folds_the_rest_away_and_says_so() -> None:
    """The update of W^1 at 120x40: W^1 is at the top of its pane, dC/dW^1 near the bottom; the
    matrices between them fold away for the step, the pane says so, and come back after it."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(21):
            await pilot.press("n")
        await pilot.pause()
        pane = app.screen.query_one("#layer-2", LayerPane)
        n2 = next(v for v in pane.views if v.ref == Ref("n", 2))
        assert not n2.display and "folded" in str(pane.border_subtitle)
        await pilot.press("p", "p")
        await pilot.pause()
        assert n2.display and not pane.border_subtitle


async def test_a_folded_pane_names_the_key_that_unfolds_it_and_the_key_does() -> None:
    """A tester at 120x40 read "5 matrices folded for this step" under layer 2 at the update of
    W^1, and nothing said what folded meant or how to see them ([ on layer 1 said it was the
    first layer). The border names the key, [ shows the pane whole, and Escape folds it again."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 21)
        await pilot.pause()
        pane = app.screen.query_one("#layer-2", LayerPane)
        n2 = next(v for v in pane.views if v.ref == Ref("n", 2))
        assert not n2.display and str(pane.border_subtitle) == "5 matrices folded · [ unfolds"
        assert "folded · [ unfolds" in NOTATION_TEXT  # the help says what it means
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert pane.display and all(v.display for v in pane.views) and not pane.border_subtitle
        assert not app._notifications  # not "Layer 1 is the first layer"
        await pilot.press("escape")
        await pilot.pause()
        assert not n2.display and "folded" in str(pane.border_subtitle)


async def test_a_layer_shown_by_a_bracket_is_whole_at_80x24() -> None:
    """The help calls [ and ] a layer's whole pane; at 80x24 at the update of W^0, ] then [ showed
    layer 1 with 6 of its matrices folded away for the step all the same."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 20, "right_square_bracket", "left_square_bracket")
        await pilot.pause()
        pane = app.screen.query_one("#layer-1", LayerPane)
        assert pane.display and not app.screen.view.step_pane.display
        assert all(v.display for v in pane.views) and not pane.border_subtitle


def adam() -> StepperApp:
    """The seed with adam (``stepper --optimizer adam``): four state matrices per weight matrix."""
    return StepperApp(network=load_network(None, Overrides(optimizer="adam")))


@pytest.mark.parametrize("size", [(120, 40), (200, 60)])
async def test_an_optimizers_update_of_w1_and_w2_shows_its_operands_in_their_pane(size) -> None:
    """At 120x40, adam's m^1 ← β1 · m^1 + (1 − β1) · dC/dW^1 was taken for a step of layer 1: the
    header marked L1 and layer 1 took the width, dC/dW^1 scrolled out of layer 2's narrow pane
    above the title of m^1 (before). Every step shows its operands and result whole, and the
    layer map marks the pane they are in (W^1's optimizer state is in layer 2's, beside W^1)."""
    app = adam()
    async with app.run_test(size=size) as pilot:
        async for step in each_step(app, pilot):
            assert not step_not_in_view(app, step), (step.number, step_not_in_view(app, step))
            if step.output in (Ref("m", 1), Ref("v_hat", 2)):
                layer = step.output.layer + 1
                assert f"▶L{layer} " in str(app.screen.query_one("#layer-map").render()), step.number


# The titles of an adam update's matrices in W^l's pane.
ADAM_UPDATE = "W^{l}  weights in", "m^{l} (before)", "m^{l}  1st moment", "v^{l} (before)"
ADAM_UPDATE += "v^{l}  2nd moment", "m̂^{l}  m bias-corrected", "v̂^{l}  v bias-corrected", "ΔW^{l}  step"
ADAM_UPDATE += ("W^{l}  updated",)


async def test_adams_last_update_step_keeps_the_optimizer_state_beside_it_at_200x60() -> None:
    """W^l ← W^l + ΔW^l, the last step of each layer's update: W^l is at the top of its pane and ΔW^l
    near the bottom, and the pane folded everything but the step's three matrices away, m, v, m̂
    and v̂ with them, over 20 empty lines. It folds the oldest matrices, as few as it must: the
    optimizer's state stays in view beside the step."""
    app = adam()
    async with app.run_test(size=(200, 60)) as pilot:
        async for step in each_step(app, pilot):
            if step.output.quantity != "weights_after":
                continue
            layer = step.output.layer
            pane = app.screen.query_one(f"#layer-{layer + 1}", LayerPane)
            shown = screen_lines(app, pane.region)
            text = "\n".join(shown)
            for title in ADAM_UPDATE:
                assert title.format(l=layer) in text, (step.number, title, text)
            assert not step_not_in_view(app, step), step.number
            # Only what does not fit folds away, and the pane says how many.
            folded = [v for v in pane.views if v.state is not None and not v.display]
            assert 0 < len(folded) < 13 and f"{len(folded)} matrices folded" in text, step.number


@pytest.mark.parametrize(("example", "size"), [("sgd-vs-adam", (200, 60)), (None, (120, 40))])
async def test_an_optimizers_state_before_the_update_sits_beside_its_new_state(example, size) -> None:
    """At 200x60 sgd-vs-adam's pane has six columns: v^0 (before) ended a row and v^0 started the
    next, at the other side of the screen. At every step, in a pane of more than one column, each
    state before sits beside its new state, on its left."""
    app = StepperApp(example) if example else adam()
    async with app.run_test(size=size) as pilot:
        async for _ in each_step(app, pilot):
            for pane in app.screen.view.panes:
                if not pane.display or pane.grid_columns < 2:
                    continue
                views = {v.ref: v for v in pane.views if v.display}
                for before, new in (("m_prev", "m"), ("v_prev", "v")):
                    old = views.get(Ref(before, pane.layer_index - 1))
                    now = views.get(Ref(new, pane.layer_index - 1))
                    if old is None or now is None:
                        continue
                    assert old.region.y == now.region.y and old.region.right < now.region.x, (
                        app.walk.done,
                        old.region,
                        now.region,
                    )


@pytest.mark.parametrize(
    ("example", "optimizer", "size", "iterations"),
    [
        (None, None, (80, 24), 2),
        ("xor", None, (80, 24), 1),
        ("vanishing", None, (80, 24), 1),
        (None, "adam", (80, 24), 1),
        (None, "adam", (120, 40), 1),
        (None, "adam", (200, 60), 2),
    ],
)
async def test_no_matrix_shows_its_numbers_under_no_name(example, optimizer, size, iterations) -> None:
    """At 80x24 step 16 of the seed scrolled δ^2's title out of the step view, two rows of its
    numbers left under no name; vanishing's a^1 at n^2 the same; at 120x40 and 200x60 adam's layer
    panes stopped scrolling at their end with v^0 or dC/dW^1 cut under the window's top. At every
    step of an iteration, a matrix partly in view has its title in view."""
    net = load_network(example, Overrides(optimizer=optimizer))
    app = StepperApp(network=net)
    async with app.run_test(size=size) as pilot:
        for iteration in range(iterations):
            async for step in each_step(app, pilot):
                named = await settled(pilot, lambda: not nameless(app))
                assert named, (iteration + 1, step.number, nameless(app))
            await pilot.press("n")  # the next iteration, ready


async def test_at_200x60_the_current_layer_lays_its_matrices_out_across() -> None:
    """Issue 12: at 200x60 the matrices sat in one narrow column with empty space beside them."""
    app = StepperApp()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        pane = app.screen.query_one("#layer-1", LayerPane)
        assert pane.grid_columns >= 2
        n1, w0 = (next(v for v in pane.views if v.ref == r) for r in (Ref("n", 1), Ref("weights", 0)))
        assert n1.region.y == w0.region.y or n1.region.x != w0.region.x  # side by side, not stacked


@pytest.mark.parametrize("width", range(40, 56))
def test_the_first_header_line_says_iteration_alike_for_the_whole_iteration(width: int) -> None:
    """Side by side, adam's line read "Iteration 1 · t=1" at step 8 of 13 and "Iter 1 · t=1" at
    step 10 (a tester): at each width, every step of the iteration, the cost not known yet or
    known, says "Iteration" or "Iter" alike."""
    lines = [
        fit_where(f"Iteration 1 · t=1 · step {k} of 13 · C = {cost}", width)
        for k in range(1, 14)
        for cost in ("—", "13.3466125")
    ]
    assert len({line.split(" ")[0] for line in lines}) == 1, lines
    assert all(len(line) <= width for line in lines)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_side_by_side_the_walk_that_waits_says_so_in_its_title(size) -> None:
    """sgd's 8 steps an iteration beside adam's 13: sgd stood at "step 8/8" while n moved adam on,
    with nothing saying why (a tester). Its column's title says it waits for adam, whole at
    80x24's half width, from its last step until adam ends the iteration; adam's never does."""
    app = StepperApp("sgd-vs-adam")
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        adam, sgd = sorted(app.screen.query(WalkView), key=lambda view: view.walk.net.optimizer.name)
        assert sgd.walk.steps_per_iteration < adam.walk.steps_per_iteration
        for step in range(1, adam.walk.steps_per_iteration + 2):
            await pilot.press("n")
            await pilot.pause()
            top = screen_lines(app)[0]
            waiting = sgd.walk.steps_per_iteration <= step < adam.walk.steps_per_iteration
            assert ("waiting for adam" in top) == waiting, (step, top)
            assert "waiting" not in str(adam.border_title), step
        assert sgd.walk.iteration == adam.walk.iteration == 2
        # Back (p) to where sgd waits: it says so again.
        for _ in range(2):
            await pilot.press("p")
            await pilot.pause()
        assert "waiting for adam" in screen_lines(app)[0]


def test_the_first_header_line_drops_phase_and_layer_before_the_cost() -> None:
    where = "Iteration 1 · step 13 of 22 · C = 1.9082220 · backward · layer 2"
    assert fit_where(where, 80) == where
    assert fit_where(where, 57) == "Iteration 1 · step 13 of 22 · C = 1.9082220 · backward"
    assert fit_where(where, 45) == "Iteration 1 · step 13 of 22 · C = 1.9082220"
    assert fit_where(where, 40) == "Iter 1 · step 13 of 22 · C = 1.9082220"
    assert fit_where(where, 30) == "Iter 1 · 13/22 · C = 1.9082220"  # then the words go, "Iter" last
    assert fit_where(where, 26) == "1 · 13/22 · C = 1.9082220"
    assert fit_where(where, 20) == "1 13/… C = 1.9082220"  # and in the end the cost stays whole


def test_the_formula_line_keeps_the_result_shape() -> None:
    formula = "δ^2 = dC/da^2 ⊙ da^2/dn^2    (2×3) ⊙ (2×3) → (2×3)"
    assert fit_formula(formula, 60) == formula
    assert fit_formula(formula, 40) == "δ^2 = dC/da^2 ⊙ da^2/dn^2    → (2×3)"
    assert fit_formula(formula, 34) == "δ^2 = dC/da^2 ⊙ da^2/dn^2  → (2×3)"
    assert fit_formula(formula, 20) == "δ^2 = dC/d…  → (2×3)"


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_header_keeps_the_cost_the_formula_and_the_result_shape(size) -> None:
    """Issue 12: at 80 columns line 1 was cut ("backward · …") and the formula lost its shape."""
    app = StepperApp("adam-bias-correction")
    async with app.run_test(size=size) as pilot:
        for _ in range(app.walk.steps_per_iteration):
            await pilot.press("n")
            await pilot.pause()
            step = app.walk.current_step
            assert step is not None
            status = app.screen.query_one("#status")
            lines = str(status.render()).splitlines()
            assert len(lines) == 2 and all(len(line) <= status.content_size.width for line in lines)
            assert "C = " in lines[0] and not lines[0].endswith("…"), lines[0]
            result = step.shapes.rsplit("→", 1)[-1].strip()
            assert lines[1].endswith(result), (step.number, lines[1])


@pytest.mark.parametrize("example", [None, "xor"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_matrix_titles_read_whole_or_by_their_symbol(example, size) -> None:
    """Issue 12: "W^1  weigh…": a title too long for its matrix drops its words, never cut mid-word."""
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=size) as pilot:
        for _ in range(app.walk.steps_per_iteration):
            await pilot.press("n")
            await pilot.pause()
            for view in app.screen.query(MatrixView):
                if not view.display or not view.outer_size.width:
                    continue
                title = str(view.border_title).removeprefix("▶ ")
                assert len(str(view.border_title)) <= view.outer_size.width - 6, (view.ref, title)
                # The step view's matrices (open at the bottom) say where the cursor is in the title.
                title, _, cursor = title.partition(" · ")
                assert not cursor or (view.has_focus and view.open_bottom), (view.ref, cursor)
                assert title in (view.caption, view.short_caption), title


async def test_a_tall_matrix_too_wide_for_its_pane_says_which_columns_are_in_view_at_its_top() -> None:
    """spiral's a^1 is 200×16: its position line is 200 rows down, and nothing in sight said that
    most of its columns were to the right. Its title says so, and follows the cursor sideways."""
    app = StepperApp("spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n")
        await pilot.pause()
        a1 = view(app, "a", 1)
        assert " · j=0–6 of 16 ▸" in str(a1.border_title), a1.border_title
        await pilot.press(*["right"] * 8)
        await pilot.pause()
        assert " · ◂ j=2–8 of 16 ▸" in str(a1.border_title), a1.border_title
        await pilot.press(*["right"] * 8)
        await pilot.pause()
        assert " · ◂ j=9–15 of 16 · " in str(a1.border_title), a1.border_title  # no ▸: the last column


@pytest.mark.parametrize(
    ("example", "size"),
    [
        ("sgd-vs-adam", (120, 40)),
        ("sgd-vs-adam", (200, 60)),
        ("xor", (200, 60)),
        (None, (120, 40)),
        (None, (200, 60)),
        (None, (200, 45)),
        (None, (200, 40)),
        ("xor", (200, 40)),
        ("sgd-vs-adam", (200, 40)),
        ("sgd-vs-adam", (200, 45)),
    ],
)
async def test_side_by_side_keeps_each_walks_step_and_operands_in_view(example, size) -> None:
    """Issue 12/16: side by side (sgd beside adam, step 9) scrolled the operands away; at 200x60
    each half showed one layer. Every step of an iteration, in both halves, with each half's Why
    pane under its layers from 40 lines (adam's update of W^0 at 200x60 scrolled W^0 away above
    its result: the pane did not fold what the step does not use)."""
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        views = list(app.screen.query(WalkView))
        assert len(views) == 2
        for _ in range(max(v.walk.steps_per_iteration for v in views)):
            await pilot.press("n")
            await pilot.pause()
            for walk_view in views:
                step = walk_view.walk.current_step
                if step is None:  # sgd has fewer steps than adam: it waits for the next iteration
                    continue
                shown = {view.ref for view in walk_view.matrices if view.display}
                # Every operand too, from whichever layer (at 120x40, a^1 of n^2 = [1 | a^1] · W^1 was
                # not there: each half showed layer 2's pane); those that have a matrix on screen at
                # all (not the cost, nor an optimizer's state before the update).
                drawn = {view.ref for view in walk_view.all_matrices}
                missing = ({step.output, *step.inputs} & drawn) - shown
                assert not missing, (walk_view.id, step.number, missing)
                for view in walk_view.matrices:
                    if view.ref == step.output or view.ref in step.inputs:
                        why = whole_in_view(view)
                        assert why is None, (walk_view.id, step.number, view.ref.symbol, why)


def step_height(pane: StepPane) -> int:
    """The lines the step view's matrices take, as packed."""
    return pane.packing(pane.scrollable_content_region.width).height


class HalfLines(NamedTuple):
    """How a half uses the lines its layers and its Why pane share."""

    why_top: int
    why_spare: int  # empty lines under the Why text
    why_cut: bool  # the Why text scrolls
    layers_spare: int  # empty lines under the step view's or the layer pane's matrices
    layers_helped: int  # lines more the layers would show something with (up to a number asked)


def half_lines(walk_view: WalkView, more: int) -> HalfLines:
    """What a half's layers and Why pane show and leave empty; ``more``: the lines more asked of
    its layers for ``layers_helped`` (0 when they would show nothing more with them)."""
    why = walk_view.query_one("#explain", WhyPane)
    window = why.scrollable_content_region.height
    rows = why.text_rows or 0
    if walk_view.step_mode:
        pane = walk_view.step_pane
        have, need = pane.scrollable_content_region.height, step_height(pane)
        helped = min(more, max(0, need - have))
    else:
        panes = [pane for pane in walk_view.panes if pane.display]
        have = min(pane.scrollable_content_region.height for pane in panes)
        need = max(pane.virtual_size.height for pane in panes)
        # Folded matrices unfold, or a pane that scrolls shows more, with lines more.
        helped = max(
            min(more, max(0, pane.virtual_size.height - have))
            or (more if len(pane.folded_for(have + more)) < len(pane.folded_for(have)) else 0)
            for pane in panes
        )
    return HalfLines(why.region.y, max(0, window - rows), rows > window, max(0, have - need), helped)


async def assert_no_needless_cut(views: list[WalkView], where: object) -> None:
    """Neither half cuts its Why text while its layers leave lines empty, nor cuts its layers
    while its Why pane leaves lines empty; and both Why panes start on the same line, unless that
    would cut what either shows."""
    halves = [half_lines(walk_view, 0) for walk_view in views]
    for walk_view, half in zip(views, halves):
        if half.why_cut:
            assert half.layers_spare == 0, (walk_view.id, where, half)
        if half.why_spare:
            assert not half_lines(walk_view, half.why_spare).layers_helped, (walk_view.id, where, half)
    (upper, upper_view), (lower, lower_view) = sorted(zip(halves, views), key=lambda pair: pair[0].why_top)
    moved = lower.why_top - upper.why_top
    if moved:
        # The upper half's Why pane down (its text still whole), or the lower half's up (its
        # layers' empty lines given back): either aligns them and cuts nothing.
        assert upper.why_spare < moved, (upper_view.id, where, upper, lower)
        assert lower.layers_spare < moved, (lower_view.id, where, upper, lower)


@pytest.mark.parametrize("example", [None, "xor", "sgd-vs-adam"])
async def test_side_by_side_gives_the_lines_a_half_leaves_to_what_it_cuts(example) -> None:
    """At 120x40 a half's step view left 4 empty lines above its Why pane, aligned with the other
    half's taller step, while its Why text scrolled (the seed's step 5); at sgd-vs-adam's step 13
    adam's pane folded 13 matrices with 5 empty lines under them and 4 in its Why pane. Every
    step of two iterations: no half cuts one part while the other leaves lines empty, and the two
    Why panes start on the same line (the two computations of the cell read side by side) where
    that cuts nothing."""
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        views = list(app.screen.query(WalkView))
        for _ in range(2 * max(v.walk.steps_per_iteration for v in views)):
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            await assert_no_needless_cut(views, views[0].walk.position)


async def test_side_by_side_w_grows_the_why_pane_only_as_far_as_its_text_at_200x60() -> None:
    """At 200x60 after w a Why pane showed 13 empty lines under its text while the layers above it
    were folded and cut. Every step of an iteration, with w: the Why pane takes the lines its text
    needs, and the layers the rest."""
    app = StepperApp()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        views = list(app.screen.query(WalkView))
        assert all(view.has_class("-why-tall") for view in views)
        for _ in range(views[0].walk.steps_per_iteration):
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            await assert_no_needless_cut(views, views[0].walk.position)


def test_the_formula_line_drops_its_parameters_before_cutting() -> None:
    formula = "v^0 ← β2 · v^0 + (1 − β2) · (dC/dW^0)²   (β2 = 0.999)    (3×2), (3×2) → (3×2)"
    assert fit_formula(formula, 58) == "v^0 ← β2 · v^0 + (1 − β2) · (dC/dW^0)²    → (3×2)"
    assert fit_formula(formula, 30) == "v^0 ← β2 · v^0 + (1 …  → (3×2)"  # 30 wide


def test_the_formula_line_says_without_bias_row_in_short_before_cutting() -> None:
    """Side by side at 120x40 cut dC/da^2's formula inside its operand: "(W^2 without bias r…"."""
    formula = "dC/da^2 = δ^3 · (W^2 without bias row)ᵀ    (2×2)·(2×3) → (2×3)"
    assert fit_formula(formula, 44) == "dC/da^2 = δ^3 · (W^2 no bias)ᵀ    → (2×3)"


def test_side_by_side_keeps_the_formula_whole_before_its_shape() -> None:
    """Side by side at 80 columns read "n^1 = [1 | a^0] · …  → (2×3)": no Why pane says it there."""
    formula = "n^1 = [1 | a^0] · W^0    (2×3)·(3×3) → (2×3)"
    assert fit_formula(formula, 26, formula_first=True) == "n^1 = [1 | a^0] · W^0"
    assert fit_formula(formula, 26) == "n^1 = [1 | a^0] …  → (2×3)"  # the main view keeps the shape


def test_a_formula_too_long_for_half_a_screen_goes_on_to_a_second_line() -> None:
    """Before an operator outside brackets, a sum's terms kept whole; the shape where it fits."""
    formula = "dC/da^1 = δ^2 · (W^1 without bias row)ᵀ    (2×2)·(2×3) → (2×3)"
    assert formula_lines(formula, 28, formula_first=True) == ["dC/da^1 = δ^2", "  · (W^1 no bias)ᵀ  → (2×3)"]
    assert formula_lines(formula, 28) == [fit_formula(formula, 28)]  # the main view: one line
    adam = "m^0 ← β1 · m^0 + (1 − β1) · dC/dW^0   (β1 = 0.9)    (3×1), (3×1) → (3×1)"
    assert formula_lines(adam, 28, formula_first=True) == ["m^0 ← β1 · m^0", "  + (1 − β1) · dC/dW^0"]
    short = "n^1 = [1 | a^0] · W^0    (2×3)·(3×3) → (2×3)"
    assert formula_lines(short, 26, formula_first=True) == ["n^1 = [1 | a^0] · W^0"]


@pytest.mark.parametrize("example", [None, "sgd-vs-adam"])
async def test_side_by_side_at_80x24_shows_every_steps_formula_whole(example: str | None) -> None:
    """Side by side at 80x24 each half's header read "dC/da^1 = δ^2 · (W…  → (2×3)" at the
    backward steps, and adam's "m^0 ← β1 · m^0 + (…": the formula, the one thing the step is
    about, cut (a tester). Where one line cuts it, it goes on to a second; the step's matrices
    keep their titles and the result whole below the taller header."""
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause(0.3)
        views = list(app.screen.query(WalkView))
        wrapped = 0
        for _ in range(max(view.walk.steps_per_iteration for view in views)):
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            for view in views:
                step = view.walk.current_step
                assert step is not None
                status = view.query_one("#status")
                lines = [line.strip() for line in screen_lines(app, status.region)]
                text = " ".join(lines[1:])
                bare = step.formula.split("   (")[0]
                written = (bare, bare.replace(" without bias row", " no bias"))
                assert "…" not in text and any(form in text for form in written), (step.number, lines)
                wrapped += len(lines) > 2
                pane = view.step_pane
                window = pane.scrollable_content_region
                assert window.y >= status.region.bottom, step.number
                assert window.contains_region(pane.order[-1].region), step.number
                for matrix in pane.order:
                    assert not matrix.region.y < window.y < matrix.region.bottom, (step.number, matrix.ref)
        assert wrapped  # (the formulas that need two lines at 80 columns)


def test_half_an_80_column_screen_keeps_the_cost_whole() -> None:
    """Side by side at 80x24 showed "Iter 2 · step 13/22 · C = 1…": part of a number."""
    where = "Iteration 2 · step 13/22 · C = 1.9082220"
    for width in (38, 30, 24, 22, 18):
        line = fit_where(where, width)
        assert len(line) <= width and line.endswith("C = 1.9082220"), (width, line)


async def footer_keys(pilot: Pilot) -> dict[str, tuple[int, int]]:
    """Each key the footer shows, by its label: the columns it takes (the footer composes its keys
    a frame or two after a resize)."""
    from textual.widgets._footer import FooterKey

    shown: dict[str, tuple[int, int]] = {}
    for _ in range(20):
        await pilot.pause()
        keys = list(pilot.app.screen.query(FooterKey).results(FooterKey))
        shown = {key.description: (key.region.x, key.region.right) for key in keys}
        if keys and all(key.region.width for key in keys):
            break
    return shown


@pytest.mark.parametrize("side_by_side", [False, True], ids=["walk", "side-by-side"])
async def test_the_footer_keeps_help_and_quit_whole_at_every_width(side_by_side: bool) -> None:
    """A fresh tester: at 60x20 the footer lost "? Help" and "q Quit" off its right end (side by
    side, "q Quit" at 80x24 too). The moves that do not fit are left out instead, the last first."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        if side_by_side:
            await pilot.press("v")
        moves = ["Next", "Prev", "Fwd", "Bwd", "Update", "Iter", "Run"]
        for width, height in [(80, 24), (60, 20), (36, 10), (120, 40)]:
            await pilot.resize_terminal(width, height)
            keys = await footer_keys(pilot)
            edge = keys.pop("palette", (width, width))[0]  # the palette key is docked on the right
            essential = ["Help", "Quit", "Back"] if side_by_side else ["Help", "Quit"]
            assert set(essential) <= set(keys), (width, keys)
            assert all(0 < right <= edge for _, right in keys.values()), (width, keys)
            shown_moves = [label for label in keys if label in moves]
            assert shown_moves == moves[: len(shown_moves)], (width, shown_moves)  # the first moves kept
            if width >= 120:
                assert shown_moves == moves
            if width >= 60:
                assert {"Next", "Prev", "Fwd", "Bwd"} <= set(shown_moves), (width, shown_moves)


async def test_a_panes_scrollbar_shows_where_the_pane_is_and_nothing_when_all_is_in_view() -> None:
    """At step 14 at 120x40 the output layer's pane showed W^2, its top, with the thumb two thirds
    down, where an earlier step had scrolled it. A pane whose matrices all fit shows no thumb."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for step in range(1, 23):
            await pilot.press("n")
            await pilot.pause()
            for pane in app.screen.query(LayerPane):
                if not pane.display:
                    continue
                bar = pane.vertical_scrollbar
                lines = bar.render_lines(bar.size.region)
                thumb = [y for y, line in enumerate(lines) if any(s.style and s.style.reverse for s in line)]
                if pane.virtual_size.height <= pane.scrollable_content_region.height:
                    assert not thumb and not "".join(line.text for line in lines).strip(), (step, pane.id)
                    continue
                shown = (bar.position, bar.window_virtual_size)
                assert shown == (pane.scroll_offset.y, pane.virtual_size.height), (step, pane.id)
                top = pane.scroll_offset.y * bar.size.height / pane.virtual_size.height
                assert thumb and abs(thumb[0] - top) <= 1, (step, pane.id, thumb, top)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_why_panes_scrollbar_and_scroll_go_as_far_as_its_text(size: tuple[int, int]) -> None:
    """The Why text keeps the tallest height it has had, so a shorter text is not a new layout; its
    pane showed a scrollbar thumb for the blank lines under it (step 22 at 120x40, iteration 2), and
    scrolled down to them."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        for step in range(1, app.walk.steps_per_iteration + 1):
            await pilot.press("n")
            await pilot.pause()
            text = app.screen.query_one("#explain-text", Explanation)
            pane = text.parent
            assert pane is not None
            drawn = [line.text.strip() for line in text.render_lines(text.size.region)]
            rows = max(y for y, line in enumerate(drawn) if line) + 1
            window = pane.scrollable_content_region.height
            bar = pane.vertical_scrollbar
            bars = bar.render_lines(bar.size.region) if bar.display else []
            thumb = any(s.style and s.style.reverse for line in bars for s in line)
            assert thumb == (rows > window), (step, rows, window)
            pane.scroll_end(animate=False, immediate=True)
            await pilot.pause()
            assert pane.scroll_offset.y == max(0, rows - window), (step, rows, window)
            pane.scroll_home(animate=False, immediate=True)


async def test_the_palettes_keys_panel_leaves_the_step_whole_in_the_width_left_and_gives_it_back() -> None:
    """The palette's Keys panel takes a third of the screen: the layers were planned for the whole
    width behind it (at 120x40, W^0 showed 1 of its 3 columns), and after it closed the step view
    stayed in place of the layers side by side."""
    reference = StepperApp()  # never opened the panel
    async with reference.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 22)
        await pilot.pause()
        expected = (reference.screen.view.step_mode, [pane.display for pane in reference.screen.view.panes])
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p", *"keys", "enter")
        await pilot.pause()
        view = app.screen.view
        assert app.screen.query("HelpPanel")
        async for step in each_step(app, pilot):
            assert view.size.width < 120
            assert not step_not_in_view(app, step), (step.number, step_not_in_view(app, step))
        await pilot.press("ctrl+p", *"keys", "enter")
        step = app.walk.current_step
        assert step is not None and step.number == 22

        def given_back() -> bool:
            closed = not app.screen.query("HelpPanel") and view.size.width == 120
            return closed and not step_not_in_view(app, step)

        back = await settled(pilot, given_back)
        assert back, (view.size.width, step_not_in_view(app, step))
        assert (view.step_mode, [pane.display for pane in view.panes]) == expected


async def test_the_second_iteration_lays_its_steps_out_as_the_first() -> None:
    """From iteration 2 the health notice has a line more (the output does not depend on the
    input), and at 120x40 step 22's update went to the step view: three matrices over 13 blank
    rows, where iteration 1 showed the output layer's pane with ΔW^2 (a fresh tester)."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        first = [app.screen.view.step_mode async for _ in each_step(app, pilot)]
        await pilot.press("n")  # iteration 2, step 0
        async for step in each_step(app, pilot):
            assert app.screen.view.step_mode == first[step.number - 1], step.number
            assert not step_not_in_view(app, step), (step.number, step_not_in_view(app, step))


async def test_a_new_iteration_shows_each_pane_from_its_top_with_the_cursor_in_view() -> None:
    """Before an iteration's first step no matrix has a role, and a pane stayed where it was last
    scrolled: a fresh tester's n×3 at 120x40, n×20 at 80x24 (to iteration 2, step 0) and back to
    120x40 left layer 1's pane at n^1, the cursor on a^0 out of sight above it."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press(*["n"] * (app.walk.steps_per_iteration - 2))
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert app.walk.position.done == 0
        focused = app.focused
        assert isinstance(focused, MatrixView) and focused.ref == Ref("a", 0)
        pane = focused.parent
        assert isinstance(pane, LayerPane) and pane.scroll_offset.y == 0
        assert pane.scrollable_content_region.contains_region(focused.region), whole_in_view(focused)


async def test_side_by_side_at_200x60_lays_both_halves_out_in_columns() -> None:
    """Side by side at 200x60 the clones' half stacked its matrices in one column with about 60
    empty columns beside them (93 // 48: its widest matrix's width was every column's), while the
    other half had two (a tester). Each grid column is now as wide as its own widest matrix."""
    app = StepperApp()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press(*"n" * 20, "v")
        await pilot.pause(0.5)
        panes = [p for p in app.screen.query(LayerPane) if p.display and p.layer_index == 1]
        assert len(panes) == 2
        for pane in panes:
            assert pane.grid_columns >= 2, pane.grid_columns
            window = pane.scrollable_content_region
            for matrix in pane.query(MatrixView):
                if matrix.display and matrix.region.area:  # every matrix whole in width: no paging
                    assert matrix.region.right <= window.right and matrix.size.width >= matrix.box_width - 2


async def test_side_by_side_at_200x60_an_operands_layer_gets_what_the_steps_layer_leaves() -> None:
    """Side by side at 200x60, step 3 (n^2 = [1 | a^1] · W^1): the random half's layer 1 kept a^1's
    width, W^0 and n^1 showing 2 of their 3 columns, while layer 2 beside it had 12 columns to
    spare (a tester). What the step's layer leaves of its whole need goes to the operands' layer:
    every computed matrix of both shown layers whole, in both halves."""
    app = StepperApp()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("v", *"nnn")
        await pilot.pause(0.5)
        for column in app.screen.columns:
            shown = [p for p in column.panes if p.display]
            assert {p.layer_index for p in shown} == {1, 2}
            for pane in shown:
                for matrix in pane.query(MatrixView):
                    if matrix.computed and matrix.region.area:
                        assert whole_in_view(matrix) is None, (matrix.ref.symbol, whole_in_view(matrix))


async def test_side_by_side_at_200x60_no_matrix_in_view_is_cut_while_a_layer_beside_has_room() -> None:
    """Side by side at 200x60, at step 3 (n^2 = [1 | a^1] · W^1) and at step 15 (dC/dW^1), the
    clones' half cut layer 1's matrices not computed yet (dC/da^1, δ^1, dC/dW^0, dots) to 2 of
    their 3 columns while layer 2 beside it had about 13 columns to spare beside its matrices in
    view (a tester). A matrix in view is cut only where no layer beside it could give up the
    columns it lacks without cutting one of its own in view, at every step, in both halves."""
    app = StepperApp()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("v")
        await pilot.pause(0.3)
        async for step in at_steps(pilot, tuple(range(1, 23)), 0):
            for column in app.screen.columns:
                shown = [p for p in column.panes if p.display]
                in_view = {
                    pane: [
                        m
                        for m in pane.query(MatrixView)
                        if m.display and pane.scrollable_content_region.overlaps(m.region)
                    ]
                    for pane in shown
                }
                for pane in shown:
                    for matrix in in_view[pane]:
                        lacks = matrix.box_width + 3 - pane.outer_size.width  # its border, the pane's
                        if lacks <= 0:
                            continue
                        assert whole_in_view(matrix) is not None  # (cut indeed)
                        for other in shown:
                            widest = max((m.box_width + 3 for m in in_view[other]), default=0)
                            spare = other.outer_size.width - widest
                            where = (step, column.id, matrix.ref.symbol, other.id)
                            assert other is pane or spare < lacks, where


def test_the_layers_width_goes_where_it_cuts_the_fewest_matrices() -> None:
    """The width beside the step's layer (2) goes to layer 1 up to where only its matrix farthest
    from the step is cut, not to layer 2's widest matrix alone; and of two ways that cut as many,
    the one that cuts those farther from the step's matrices (out of view)."""
    needs = {1: [(39, 0), (45, 1), (48, 3), (48, 4), (51, 5)], 2: [(42, 0), (48, 1), (54, 6)]}
    assert widths_cutting_fewest(needs, {1: 39, 2: 42}, 2, 98) == {1: 48}
    near, far = {1: [(40, 0), (50, 1)], 2: [(40, 0), (50, 4)]}, {1: [(40, 0), (50, 4)], 2: [(40, 0), (50, 1)]}
    assert widths_cutting_fewest(near, {1: 40, 2: 40}, 2, 95) == {1: 50}  # layer 2's far one cut
    assert widths_cutting_fewest(far, {1: 40, 2: 40}, 2, 95) == {1: 40}  # layer 1's far one cut
