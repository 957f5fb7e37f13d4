"""The step view (below 120 columns): the current step's operands and result together, from any layer."""

from __future__ import annotations

import pytest
from textual.widget import Widget

from stepper.app import StepperApp
from stepper.app.widgets.layer_pane import LayerPane
from stepper.app.widgets.matrix import MatrixView
from stepper.app.widgets.step_pane import StepPane
from stepper.engine.explain import cell_name, cell_terms, summed_columns
from stepper.engine.steps import Ref
from stepper.formatting import precision
from tests.ui.helpers import at_steps, break_symmetry_twice, screen_lines


def shown(app: StepperApp) -> list[str]:
    return [view.ref.symbol for view in app.screen.view.step_pane.order]


def in_view(app: StepperApp, view: MatrixView) -> bool:
    pane = app.screen.view.step_pane
    return view.display and pane.scrollable_content_region.contains_region(view.region)


async def test_n2_shows_a1_from_layer_1_beside_w1_and_n2_from_layer_2() -> None:
    """Issue 12/16: at 80x24 n^2 = [1 | a^1] · W^1 took a^1 from a pane that was not on screen."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        view = app.screen.view
        assert shown(app) == ["a^1", "W^1", "n^2"]
        assert all(in_view(app, matrix) for matrix in view.step_pane.order)
        assert not any(pane.display for pane in view.query(LayerPane))
        # The Why pane has the rest: the cell's computation and the narration of the clones.
        why = app.screen.query_one("#explain")
        assert why.size.height >= 8
        assert app.focused is view.step_pane.views[Ref("n", 2)]


async def test_an_update_shows_the_weights_before_and_after_and_the_gradient() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["n"] * 21)
        await pilot.pause()
        assert shown(app) == ["W^1", "dC/dW^1", "W^1"]
        order = app.screen.view.step_pane.order
        assert all(in_view(app, matrix) for matrix in order)
        before, gradient, after = order
        assert before.region.y == after.region.y and gradient.region.y > before.region.y
        # The cursor's place is said in the title: the matrix has no bottom border to say it under.
        assert app.focused is after and "cursor b, j=0" in str(after.border_title)
        assert "cursor" not in str(before.border_title)


async def test_a_title_too_long_drops_cursor_then_its_place_never_updated() -> None:
    """Fresh testers at 80x24, step 22, keyboard on the new W^2, cursor moved down: its title read
    "▶ W^2 · cursor i=2, j=1", "updated" dropped and "cursor" kept, and beside the old W^2 it read
    as either. The word "cursor" goes first, then the cursor's place; "updated" never. And the
    title keeps its form on every row: it had read "▶ W^2  updated · b, j=0" on the bias row and
    "▶ W^2 updated · i=2,j=0" on the next (the place written closer to fit the i rows)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "n", "shift+tab", "i")
        await pilot.pause()
        after = app.focused
        assert isinstance(after, MatrixView) and after.ref == Ref("weights_after", 2)
        assert str(after.border_title) == "▶ W^2 updated · b,j=0"
        for row in range(3):
            await pilot.press("down")
            await pilot.pause()
            title = str(after.border_title)
            assert title == f"▶ W^2 updated · i={row},j=0", title
            assert len(title) <= after.outer_size.width - 6
        await pilot.press("up", "up", "up")
        await pilot.pause()
        assert str(after.border_title) == "▶ W^2 updated · b,j=0"


@pytest.mark.parametrize(("example", "size", "steps"), [(None, (80, 24), 20), ("xor", (120, 40), 15)])
async def test_a_matrix_title_says_the_cursors_place_the_same_way_on_every_cell(example, size, steps) -> None:
    """A fresh tester moving the cursor over the new weights: "cursor b, j=0" on the bias row,
    "i=0, j=0" on the next ("cursor" dropped where the longer label left no room), in the title
    at 80x24 and in the words under the matrix at 120x40 (xor's one-column W^1). The form is
    chosen for the matrix's longest place, so only the place itself changes from cell to cell."""
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"n" * steps)
        await pilot.pause()
        await pilot.pause()
        matrix = app.focused
        assert isinstance(matrix, MatrixView) and matrix.ref.quantity == "weights_after"
        assert matrix.state is not None
        forms = set()
        for row in range(matrix.state.rows):
            for col in range(matrix.state.cols):
                matrix.cursor = (row, col)
                await pilot.pause()
                said = str(matrix.border_title if matrix.open_bottom else matrix.border_subtitle)
                place = next(p for p in matrix.cursor_places if p in said)
                forms.add(said.replace(place, "<place>"))
        assert len(forms) == 1, forms


async def test_a_one_column_matrix_says_where_its_cursor_is() -> None:
    """A fresh tester on xor at 80x24: its output layer is one neuron wide, and a^2, y, δ^2 (one
    column) never said where the cursor was, the others did: "o=1, j=0" was as long as their
    box's whole title. With one column the row says it ("a^2 · o=1"), where the box has room."""
    app = StepperApp("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 5)  # C: a^2 and y, both one column wide
        await pilot.pause()
        for name in ["a^2", "y"]:
            matrix = next(m for m in app.screen.view.step_pane.order if m.ref.symbol == name)
            matrix.focus()
            await pilot.pause()
            await pilot.press("down")
            await pilot.pause()
            assert matrix.state is not None and matrix.state.cols == 1
            assert str(matrix.border_title) == f"{name} · o=1"
            assert len(str(matrix.border_title)) <= matrix.outer_size.width - 6


async def test_brackets_show_whole_layers_until_the_next_step() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "left_square_bracket")
        await pilot.pause()
        view = app.screen.view
        # The step's own layer first, whole, as the help says (the step view shows its step alone).
        layer2 = view.query_one("#layer-2", LayerPane)
        assert not view.step_pane.display and layer2.display and layer2.whole
        await pilot.press("left_square_bracket")
        await pilot.pause()
        layer1 = view.query_one("#layer-1", LayerPane)
        assert layer1.display and all(m.state is not None for m in layer1.views)
        await pilot.press("n")
        await pilot.pause()
        assert view.step_pane.display and not layer1.display and shown(app) == ["n^2", "a^2"]


async def test_a_bracket_past_the_last_or_first_layer_says_so() -> None:
    """A fresh tester: ] on the output layer did nothing, without a word."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*["n"] * 22, "right_square_bracket", "right_square_bracket")
        await pilot.pause()
        # Once, however often it is pressed (two toasts stacked, a tester saw).
        assert [n.message for n in app._notifications] == ["Layer 3 is the last layer: ] goes no further."]
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert app.screen.view.shown_layer == 1
        assert app._notifications and list(app._notifications)[-1].message == (
            "Layer 1 is the first layer: [ goes no further."
        )


async def test_a_bracket_with_every_layer_in_view_says_so() -> None:
    """From 120 columns [ and ] did nothing, without a word (a tester): every layer was on screen."""
    every = "Every layer after layer 1 is in view already."
    for size, said in [((200, 60), [every]), ((80, 24), [])]:
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()  # laid out: which layers are in view is known (it failed under load)
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert [n.message for n in app._notifications] == said
    # At 120x40 layers 1 and 2 are in view: ] shows the next one that is not, layer 3 (it changed
    # nothing, and said every layer was in view; a tester's finding).
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panes = app.screen.view.panes
        assert [p.display for p in panes] == [True, True, False]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert panes[2].display and not app._notifications


async def test_w_gives_the_why_pane_two_thirds_and_back() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["n"] * 21)
        await pilot.pause()
        why = app.screen.query_one("#explain")
        squeezed = why.size.height
        await pilot.press("w")
        await pilot.pause()
        assert why.size.height > squeezed + 4
        await pilot.press("w")
        await pilot.pause()
        assert why.size.height == squeezed


async def test_w_never_makes_the_why_pane_smaller() -> None:
    """At step 0 at 80x24 the step view leaves the Why pane most of the screen, and w (two thirds)
    took lines from it; it takes two thirds or what the step leaves, whichever is more, short of
    what the step needs to show its matrices whole from their titles (no two thirds there at
    step 0 and 3: the result sits beside a taller operand)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        done = 0
        for step in (0, 1, 3, 16, 21):
            await pilot.press(*["n"] * (step - done))
            await pilot.pause()
            done = step
            why = app.screen.query_one("#explain")
            before = why.size.height
            await pilot.press("w")
            await pilot.pause()
            assert why.size.height >= before, step
            # The step a third of the room, or the fewest lines that show its matrices whole.
            pane = app.screen.view.step_pane
            whole = pane.fewest_whole(pane.scrollable_content_region.width) or 0
            layers = app.screen.view.query_one("#layers").size.height
            assert layers <= max(3, (layers + why.size.height) // 3, whole), step
            await pilot.press("w")
            await pilot.pause()
            assert why.size.height == before, step


async def test_wide_the_layer_panes_come_back_and_narrow_again_the_step_view() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        view = app.screen.view
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not view.step_pane.display and view.query_one("#layer-2", LayerPane).display
        assert view.query_one("#explain").outer_size.height == 11  # the stylesheet's, not the step view's
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert view.step_pane.display and shown(app) == ["a^1", "W^1", "n^2"]


async def test_started_wide_and_made_narrow_the_step_view_shows_the_step_with_its_cursor() -> None:
    """Wide, the step view's matrices are mounted only once it is first shown (a wide screen may
    never show it, and idle widgets slow every step's wait); narrowed, it shows the step at once."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        view = app.screen.view
        assert not view.step_pane.display and not view.step_pane.children
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert view.step_pane.display and shown(app) == ["a^1", "W^1", "n^2"]
        focused = app.focused
        assert isinstance(focused, MatrixView) and focused.parent is view.step_pane
        assert focused.ref == Ref("n", 2) and focused.region.height > 0


async def test_e_edits_a_weight_selected_in_the_step_view() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "shift+tab")  # from n^2 back to W^1
        await pilot.pause()
        assert app.focused is app.screen.view.step_pane.views[Ref("weights", 1)]
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#edit-value") and "New value for W^1[b, j=0]" in str(
            app.screen.query_one(".field").render()
        )


async def test_resizing_mid_iteration_keeps_the_cursor_on_the_current_matrix() -> None:
    """A fresh tester: after n×14 at 80x24 and a resize to 120x40, no matrix said "cursor" (it was
    on the step view's δ^2, hidden), and back at 80x24 it sat on an operand."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["n"] * 14)
        await pilot.pause()
        for size in [(120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            focused = app.focused
            assert isinstance(focused, MatrixView) and focused in app.screen.view.matrices, size
            assert focused.display and focused.parent.display and focused.ref == Ref("delta", 2), size


@pytest.mark.parametrize("side_by_side", [False, True])
async def test_a_resize_keeps_the_keyboard_on_its_matrix_and_cell(side_by_side: bool) -> None:
    """A fresh tester: at step 11 with the cursor on dC/dW^2's i=0, j=1, Shift+Tab to δ^3 (o=0,
    j=1), then a resize: the keyboard jumped to dC/dW^2 on row b (δ^3's row 0), another cell in
    the Why pane, though the new layout showed δ^3 too. Side by side, the same."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        if side_by_side:
            await pilot.press("v")
            await pilot.pause()
        await pilot.press(*["n"] * 11, "down", "right", "shift+tab")
        await pilot.pause()
        delta = Ref("delta", 3)
        focused = app.focused
        assert isinstance(focused, MatrixView) and (focused.ref, focused.cursor) == (delta, (0, 1))
        for size in [(80, 24), (200, 60), (120, 40)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            focused = app.focused
            assert isinstance(focused, MatrixView) and focused.ref == delta, size
            assert focused.cursor == (0, 1), size
            views = app.screen.walk_views()
            assert focused in views[0].matrices and focused.display, size
            assert all(view.selected_cell() == (delta, 0, 1) for view in views), size
            # In view in its pane: back at 120x40 layer 3's pane showed n^3 to dC/da^3, δ^3 below.
            pane = focused.parent
            assert isinstance(pane, Widget)
            assert pane.scrollable_content_region.contains_region(focused.region), size


async def test_a_bracket_leaves_the_cursor_on_a_matrix_of_the_layer_shown() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "right_square_bracket", "left_square_bracket", "left_square_bracket")
        await pilot.pause()
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, MatrixView) and focused.parent is app.screen.query_one("#layer-1")
        assert "cursor" in str(focused.border_subtitle)


async def test_the_column_mark_sits_against_its_own_column() -> None:
    """▼ was drawn in the gap before a header, so it read as the left column's ("j=1 C1▼   j=2")."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "right", "right")
        await pilot.pause()
        header = app.screen.view.step_pane.views[Ref("weights", 1)].text().splitlines()[0]
        assert "▼j=2 C1" in header and "C1▼" not in header


async def test_a_network_a_few_lines_too_tall_keeps_its_result_whole_and_no_operand_nameless() -> None:
    """vanishing at 80x24, n^2: a^1, W^1 and n^2 need 18 lines, 14 are there above the Why pane's
    least (its title, the cell's line and its sum of five terms down to the result). The step view
    scrolled a^1 up under its top: its last row showed under no name; then a^1 went out of sight
    whole. Now a^1 and W^1 are side by side above n^2, each showing the columns that fit (a^1's
    row ▶ and W^1's column ▼ among them), titled, and the Why pane keeps the cell's sum. a^1 shows
    all four of its columns, the terms of the sum beside W^1's four rows (it showed three in half
    the width; W^1 has its symbol, without its words, in the rest)."""
    app = StepperApp("vanishing")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        await pilot.pause()
        pane = app.screen.view.step_pane
        a1, w1, n2 = pane.order
        assert [v.ref.symbol for v in pane.order] == ["a^1", "W^1", "n^2"]
        assert all(in_view(app, matrix) for matrix in pane.order)
        assert a1.region.y == w1.region.y < n2.region.y
        lines = screen_lines(app, pane.scrollable_content_region)
        assert "a^1  sigmoid" in lines[0] and "═ W^1 · j=0–1 of 4 ▸ ═" in lines[0]  # both titled
        assert a1.columns_in_view == (0, 3) and "j=3" in lines[1]
        assert "o=0▶" in lines[2] and "▼j=0" in lines[1]  # the row and column of the cell
        assert "j=0–1 of 4 columns" in "\n".join(lines)  # W^1 says it shows some of its columns
        assert app.screen.query_one("#explain").outer_size.height >= 1 + 4


async def test_step_16_at_80x24_names_its_operands_in_both_iterations() -> None:
    """dC/da^1 = δ^2 · (W^1 without bias row)ᵀ: δ^2, W^1 and dC/da^1 stacked are a line taller than
    the room the Why pane's computation leaves (two from iteration 2, the health notice a line
    longer): δ^2's title scrolled out, two rows of numbers under no name. Now every title is on
    screen, with δ^2's rows (o=0, ▶, the row the sum takes), W^1's and the result's. The operands'
    column headers go into their top borders for it (they were left out, and with them the C1
    marks that say the columns are clones); the result keeps its own header line."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for iteration in (1, 2):
            await pilot.press(*"n" * (16 if iteration == 1 else 23))  # 22 steps, ready, 16
            await pilot.pause()
            await pilot.pause()
            assert (app.walk.iteration, app.walk.done) == (iteration, 16)
            pane = app.screen.view.step_pane
            lines = screen_lines(app, pane.scrollable_content_region)
            text = "\n".join(lines)
            for title in ("═ δ^2 ", "═ W^1 ", "▶ dC/da^1"):
                assert title in text, (iteration, title, text)
            for row in ("o=0▶ ", "o=1  ", "b    ", "i=0 C1▶", "i=2 C1"):
                assert row in text, (iteration, row, text)
            assert in_view(app, pane.order[-1])
            for symbol in ("═ δ^2 ", "═ W^1 "):  # in the title's line, or on the line under it
                top = next(i for i, line in enumerate(lines) if symbol in line)
                assert "j=2 C1" in lines[top] + lines[top + 1], (iteration, symbol, text)
            result = next(i for i, line in enumerate(lines) if "▶ dC/da^1" in line)
            assert "j=0 C1" in lines[result + 1]  # the result's header, under its title


def headers_on_screen(app: StepperApp) -> list[str]:
    """What is wrong with the step view's column headers on screen: each matrix's are either on the
    line under its title or in its title's line (the top border), every label over its column as on
    its own line (MatrixView.text), with its clone mark (C1, =a). Empty when all are there."""
    pane = app.screen.view.step_pane
    lines = screen_lines(app)
    wrong = []
    for view in pane.order:
        if not in_view(app, view):
            wrong.append(f"{view.ref.symbol}: not whole in view")
            continue
        region = view.region
        line = lines[region.y + (0 if view.header_merged else 1)][region.x + 1 : region.right - 1]
        header = view.text().splitlines()[0]  # the header line, every column (none scrolled here)
        labels = [view.col_label(c)[0] for c in range(view.state.cols)] if view.state else []
        if not labels or any(label not in line for label in labels):
            wrong.append(f"{view.ref.symbol}: {labels} not in {line!r}")
        elif any(ch != " " and line[i : i + 1] != ch for i, ch in enumerate(header)):
            wrong.append(f"{view.ref.symbol}: {line!r} is not over the columns of {header!r}")
        if view.ref.symbol not in lines[region.y][region.x : region.right]:
            wrong.append(f"{view.ref.symbol}: no title in {lines[region.y]!r}")
    return wrong


@pytest.mark.parametrize(("network", "iterations"), [(None, 2), ("xor", 2), ("sgd-vs-adam", 2)])
async def test_every_step_at_80x24_shows_every_matrix_with_its_column_headers(network, iterations) -> None:
    """At 80x24 the operands of the seed's updates (W^1 and dC/dW^1 at step 21 of iteration 2, W^2 at
    22, δ^2 and W^1 at 16) left out their column headers to fit beside the Why pane's computation,
    and with them the C1 marks that say which columns are clones, at the very steps where "still
    clones" matters (xor's δ^1 step and W^0's update, two operands each). Now at every step of two
    iterations every matrix is whole in view, named, with every column's header over its column."""
    app = StepperApp(network)
    async with app.run_test(size=(80, 24)) as pilot:
        steps = len(app.walk.steps)
        for _ in range(iterations * (steps + 1)):  # each step, and each iteration's ready
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            if app.walk.done:
                assert not headers_on_screen(app), (app.walk.iteration, app.walk.done, headers_on_screen(app))
        assert app.walk.iteration == iterations + 1


async def test_w_at_80x24_update_steps_names_every_row_and_keeps_headers() -> None:
    """w gives the Why pane two thirds of 80x24, and the update's step view scrolls: whatever rows
    of W^1 (or W^0, W^2, their gradients) show, their title is above them in view, and a matrix
    whose rows show has its column headers (with C1) on screen too: in iteration 2 W^1's and
    W^2's were left out there."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        for iteration in (1, 2):
            await pilot.press(*"n" * 20)  # from the iteration's ready
            for step in (20, 21, 22):
                await pilot.pause()
                await pilot.pause()
                assert (app.walk.iteration, app.walk.done) == (iteration, step)
                pane = app.screen.view.step_pane
                window = pane.scrollable_content_region
                lines = screen_lines(app)
                for view in pane.order:
                    rows = view.region.intersection(window)
                    if rows.height <= 1 + (not view.header_merged):
                        continue  # at most its title (and header line) in view: no number
                    assert view.region.y >= window.y, (iteration, step, view.ref.symbol)  # its title
                    top = lines[view.region.y][view.region.x : view.region.right]
                    under = lines[view.region.y + 1][view.region.x : view.region.right]
                    assert "j=0" in (top if view.header_merged else under), (iteration, step, top, under)
                if step < 22:
                    await pilot.press("n")
            await pilot.press("n")  # the next iteration's ready


async def test_a_click_selects_the_cell_under_it_with_or_without_column_headers() -> None:
    """A click on δ^2's row o=0 selected o=1, and one on its last row nothing: the click's line
    counted the border. At step 16 (a line short at 80x24) δ^2 has no column headers, and the line
    under its title is o=0; the press selects it, and the step view, its Why lead now δ^2's cell,
    gives the headers back: the click had then landed a row up (the cell is the one pressed)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 16)
        await pilot.pause()
        await pilot.pause()
        delta = app.screen.view.step_pane.views[Ref("delta", 2)]
        for row in (1, 0):
            headers = 1 - delta._skip
            if row == 1:
                assert not headers  # the first click: on the view without them
            await pilot.click(delta, offset=(delta._label_w + 8, 1 + headers + row))
            await pilot.pause()
            assert delta.cursor == (row, 0), (row, delta.cursor)
            assert str(app.query_one("#explain-text").render()).startswith(f"δ^2[o={row}, j=0]")


async def test_a_step_too_tall_for_80x24_shows_no_matrix_without_its_title() -> None:
    """After s the weights have wider numbers, and an update's W^1, dC/dW^1 and W^1 updated no
    longer fit: dC/dW^1's numbers showed under no name, its title scrolled away. Now the step view
    shows the result and the operands above it that fit whole, titles and all, and the Why pane
    keeps the cell's computation."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "b")  # step 19, then the update's three steps: the tall ones
        for _ in range(4):
            await pilot.pause()
            pane = app.screen.view.step_pane
            window = pane.scrollable_content_region
            for matrix in pane.order:
                top = matrix.region.y  # its title's line
                cut = matrix.region.y < window.y < matrix.region.bottom
                assert not cut, (app.walk.position, matrix.ref.symbol, top, window)
            assert in_view(app, pane.order[-1]), app.walk.position  # the result whole
            if app.walk.done < 22:
                await pilot.press("n")
        assert shown(app) == ["W^2", "dC/dW^2", "W^2"]
        # Beside the weights it replaces, the result says it is the updated one (both read "W^2").
        assert str(pane.order[-1].border_title).startswith("▶ W^2 updated")
        why = app.screen.query_one("#explain-text").render()
        assert "= w − η · dC/dw = " in str(why)


async def test_side_by_side_at_80x24_shows_no_matrix_without_its_title() -> None:
    """Side by side at 80x24 the update's W^2, dC/dW^2 and W^2 updated are taller than a half's
    step view: W^2 showed its last rows under no name, its title scrolled away (a tester). The
    view stops at a matrix's top, whatever is blank below the result."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", "v")
        await pilot.pause(0.5)
        for step in range(22, 14, -1):  # the update, and the backward steps before it
            for half in app.screen.query(StepPane):
                window = half.scrollable_content_region
                for matrix in half.order:
                    cut = matrix.region.y < window.y < matrix.region.bottom
                    assert not cut, (step, matrix.ref, matrix.region, window)
                result = half.order[-1]
                assert window.contains_region(result.region), step  # the result whole
            await pilot.press("p")
            await pilot.pause()


async def test_home_end_and_the_page_keys_move_the_cursor_and_its_pane_follows() -> None:
    """spiral at 80x24, n, End: the pane scrolled to o=199 and the cursor stayed at o=0, out of
    sight, where Up and Down then moved it (a tester's finding)."""
    app = StepperApp("spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        matrix = app.screen.focused
        assert isinstance(matrix, MatrixView) and matrix.ref.symbol == "n^1"
        pane = matrix.parent

        def cursor_in_view() -> bool:
            line = matrix.region.y + 1 + matrix.line_of_row(matrix.cursor[0])  # below the border
            return pane.content_region.y <= line < pane.content_region.bottom

        for keys, row in [(["end"], 199), (["up", "up"], 197), (["home"], 0), (["pagedown"], None)]:
            await pilot.press(*keys)
            await pilot.pause()
            assert row is None or matrix.cursor[0] == row
            assert cursor_in_view(), (keys, matrix.cursor)
            if row == 0:  # the title and the column headers back in view as well
                assert matrix.region.y >= pane.content_region.y
        assert matrix.cursor[0] > 5  # a page down
        for _ in range(30):
            await pilot.press("down")
        await pilot.pause()
        assert cursor_in_view()
        assert str(app.query_one("#explain-text").render()).startswith(f"n^1[o={matrix.cursor[0]}, j=0]")


def cell_computation(app: StepperApp) -> tuple[str, str]:
    """The selected cell's name and the result its computation ends with, as the Why pane writes them."""
    view = app.screen.view
    selected = view.selected_cell()
    assert selected is not None
    with precision(view.digits):
        terms = cell_terms(view.walk.net, view.walk.values, *selected)
    return cell_name(*selected), terms.rsplit("= ", 1)[-1]


@pytest.mark.parametrize(("example", "iterations"), [(None, 2), ("xor", 1)])
async def test_under_a_tall_step_the_why_pane_keeps_the_cells_whole_computation_at_80x24(
    example, iterations
) -> None:
    """Step 16 of the seed at 80x24 (dC/da^1 = δ^2 · (W^1 without bias row)ᵀ, its operands
    stacked): the Why pane showed the cell's line and the first line of its sum, no result; at
    iteration 2, the health notice's line more, its title alone (a tester's finding). The cell's
    line and its whole computation stay in view, at every step; the step view scrolls its
    operands, and its result stays whole."""
    app = StepperApp(example) if example else StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(iterations):
            for _ in range(app.walk.steps_per_iteration):
                await pilot.press("n")
                await pilot.pause()
                step = app.walk.current_step
                if step is None:  # the next iteration, ready: n once more for its first step
                    await pilot.press("n")
                    await pilot.pause()
                    step = app.walk.current_step
                assert step is not None
                where = (app.walk.iteration, step.number)
                name, result_number = cell_computation(app)
                why = app.screen.query_one("#explain")
                shown = screen_lines(app, why.scrollable_content_region)
                # The cell's line (after the cost's, at the cost step), its computation down to its
                # result in view under it (wrapped: the result may go on under the last "=").
                assert any(line.strip().startswith(name) for line in shown), (where, "\n".join(shown))
                text = " ".join(
                    " ".join(shown[[line.strip().startswith(name) for line in shown].index(True) :]).split()
                )
                assert f"= {result_number} " in f"{text} ", (where, result_number, "\n".join(shown))
                if step.output.quantity == "cost":
                    continue  # one number, in the Why pane and the header
                result = next(v for v in app.screen.view.matrices if v.ref == step.output)
                pane = result.parent
                assert isinstance(pane, StepPane)
                assert pane.scrollable_content_region.contains_region(result.region), where


def operands_cut(app: StepperApp) -> list[str]:
    """The current step's matrices (walk_view's step_refs) without their title row, or without a
    whole column, inside the step view's visible region."""
    view = app.screen.view
    pane = view.step_pane
    window = pane.scrollable_content_region
    wrong = []
    for ref in dict.fromkeys(view.step_refs()):
        matrix = pane.views.get(ref)
        if matrix is None:
            continue
        region = matrix.region
        title_row = region.y
        # the first column's cell: the row labels, the gap and a cell, inside the border
        first_cell = region.x + 1 + matrix._label_w + matrix._cell_w + 1
        if not (matrix.display and window.y <= title_row < window.bottom and first_cell <= window.right):
            wrong.append(f"{ref.symbol} at {region} outside {window}")
        elif region.bottom > window.bottom or matrix._columns_that_fit() < 1:
            wrong.append(f"{ref.symbol} at {region} cut by {window}")
    return wrong


@pytest.mark.parametrize(("network", "keys"), [(None, "s"), ("partial-clones", "")])
async def test_at_80x24_every_matrix_of_the_step_is_in_view_with_wider_numbers(network, keys) -> None:
    """After s the seed's update steps have wider numbers: W^1 and dC/dW^1 are each wider than half
    of 80 columns, three stacked boxes taller than the room above the Why pane's computation, and
    the old W^1 went out of sight (step 21; W^0 at 20; partial-clones' a^1 at step 15). Now at
    every step of iteration 1 every matrix of the step has its title and at least a whole column
    in view: the operands side by side, each showing the columns that fit (at partial-clones' step
    21, its health notice two lines more, the result too: all three in a row)."""
    app = StepperApp(network) if network else StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        if keys:
            await pilot.press(*keys)
        for step in range(1, app.walk.steps_per_iteration + 1):
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            assert (app.walk.iteration, app.walk.done) == (1, step)
            assert not operands_cut(app), (step, operands_cut(app))
        why = app.screen.query_one("#explain")
        assert why.outer_size.height >= 1 + 2  # its title, the cell's line and its computation


async def test_at_80x24_side_by_side_operands_show_the_column_of_the_cursor() -> None:
    """After s twice, step 21 at 80x24: W^1 and dC/dW^1 side by side above W^1 updated show two of
    their three columns (after s once, dC/dW^1 now shows all three: its columns are no wider than
    its numbers). With the cursor on j=2 of the result the Why pane reads W^1[b, j=2] and
    dC/dW^1[b, j=2]: the operands show column j=2, and j=0 again when the cursor goes back."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await break_symmetry_twice(pilot)
        await pilot.press(*"n" * 21)
        await pilot.pause()
        await pilot.pause()
        before, gradient, after = app.screen.view.step_pane.order
        assert app.focused is after
        for key, col in (("right", 2), ("left", 0)):
            await pilot.press(key, key)
            await pilot.pause()
            await pilot.pause()
            for operand in (before, gradient):
                first, last = operand._visible_columns()
                assert last - first + 1 < 3 and first <= col <= last, (operand.ref.symbol, col, first, last)
                lines = screen_lines(app, operand.region)
                assert f"j={col}" in lines[1], (operand.ref.symbol, lines[1])


def step_layout(app: StepperApp) -> list[tuple[str, int, int, int, int]]:
    """Where the step view's matrices are on the screen: each one's symbol and region."""
    return [(view.ref.symbol, *view.region) for view in app.screen.view.step_pane.order]


def step_plan(app: StepperApp) -> tuple[object, ...]:
    """What places the step view's matrices, as the cursor leaves it (before the next layout): the
    step view's height and each matrix's box."""
    view = app.screen.view
    pane = view.step_pane
    return view._split, tuple(pane.sizes(pane.size.width))


@pytest.mark.parametrize("network", [None, "partial-clones"])
async def test_at_80x24_the_cursor_moving_within_a_step_never_moves_its_matrices(network) -> None:
    """A tester at 80x24: the Why pane's lead (the selected cell's line and its computation) is a line
    longer at some cells, and the step view gave it that line: W^2's column headers went into its
    border, and its rows a line above those of W^2 updated beside it (the seed's step 22), or every
    matrix moved. The step's layout is now made for its cell that needs the most. At every step of
    iterations 1 and 2, the cursor on each cell of each of the step's matrices (the arrows across
    the result): the matrices stay where the step put them, and side by side their rows are level."""
    app = StepperApp(network) if network else StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.view
        for _ in range(2 * app.walk.steps_per_iteration):
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            where = (app.walk.iteration, app.walk.done)
            placed, plan = step_layout(app), step_plan(app)
            order = view.step_pane.order
            # Two matrices with the same top, side by side: their headers both in the border or not.
            for a in order:
                for b in order:
                    if a.region.y == b.region.y and a.region.x < b.region.x:
                        assert a.header_merged == b.header_merged, (where, a.ref.symbol, b.ref.symbol)
            # Every cell of the step's matrices, as an arrow, a click or Tab selects it; then the
            # an arrow itself, and the screen laid out again.
            for other in order:
                for row in range(other.state.rows if other.state is not None else 0):
                    for col in range(other.state.cols if other.state is not None else 0):
                        view.select_cell(other.ref, row, col)
                        assert step_plan(app) == plan, (where, other.ref.symbol, row, col)
            await pilot.press("right")
            await pilot.pause()
            assert step_layout(app) == placed, where


async def test_at_80x24_partial_clones_update_of_w1_shows_its_operands_and_result_in_a_row() -> None:
    """A tester at 80x24: partial-clones' step 21 (W^1 updated = W^1 − η · dC/dW^1; its health
    notice two lines) was too short for the operands side by side above the result, and showed the
    result alone. Now the three stand in a row, titled, each showing the cursor's column, the one
    the Why pane's computation reads: j=0, and j=2 once the cursor is there."""
    app = StepperApp("partial-clones")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 21)
        await pilot.pause()
        await pilot.pause()
        order = app.screen.view.step_pane.order
        assert shown(app) == ["W^1", "dC/dW^1", "W^1"]
        assert all(in_view(app, matrix) for matrix in order)
        assert len({matrix.region.y for matrix in order}) == 1  # in a row
        lines = screen_lines(app)
        for key, col in (("right", 0), ("right", 2)):
            for matrix in order:
                top = matrix.region.y
                assert matrix.ref.symbol in lines[top][matrix.region.x : matrix.region.right]
                header = lines[top + 1][matrix.region.x : matrix.region.right]
                assert f"j={col}" in header, (matrix.ref.symbol, col, header)
            await pilot.press(key, key)
            await pilot.pause()
            await pilot.pause()
            lines = screen_lines(app)
        why = app.screen.query_one("#explain")
        assert any("W^1[b, j=2]" in line for line in screen_lines(app, why.region))
        # One column in view is named as one: "j=2 of 3", where it read "j=2–2 of 3".
        text = "\n".join(lines)
        assert "j=2 of 3" in text and "j=2–2" not in text, text


def summed_in_view(app: StepperApp) -> list[tuple[str, tuple[int, int] | None, int]]:
    """The step view's operands whose columns run over the index the step's product sums: each
    one's symbol, the columns in view (first, last) and how many it has."""
    step = app.walk.current_step
    pane = app.screen.view.step_pane
    refs = summed_columns(step) if step is not None and pane.display else ()
    return [(r.symbol, pane.views[r].columns_in_view, pane.views[r].state.cols) for r in refs]


async def test_at_80x24_a_products_operands_show_the_same_terms_of_its_sum() -> None:
    """A tester at 80x24, partial-clones' step 16 (dC/da^1 = δ^2 · W^1ᵀ, Σ_k δ^2[o, j=k] ·
    W^1[i, j=k]): δ^2 showed j=1–2 of 3 (where its cursor column had been the step before), W^1
    beside it j=0–1, terms of the sum that cannot be lined up; at step 26 (n^2 = [1 | a^1] · W^1)
    a^1 showed 3 of its 4 columns beside all four rows of W^1. Now, at every step of two
    iterations, the cursor moved to the result's third column each time: the operands summed
    along their columns show the same ones, and one summed alone (a^1) all of its columns; the
    cursor moved in δ^2 takes W^1's columns with it."""
    app = StepperApp("partial-clones")
    async with app.run_test(size=(80, 24)) as pilot:
        checked = set()
        for _ in range(2 * app.walk.steps_per_iteration + 1):
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            where = (app.walk.iteration, app.walk.done)
            summed = summed_in_view(app)
            if len(summed) > 1:
                assert len({shown for _, shown, _ in summed}) == 1, (where, summed)
                checked.add(where)
            elif summed:
                _, shown, cols = summed[0]
                assert shown == (0, cols - 1), (where, summed)
                checked.add(where)
            await pilot.press("right", "right")
            await pilot.pause()
        assert {(1, 16), (2, 3), (2, 16)} <= checked, checked
        # Back at step 16: the cursor in δ^2 moved to its last column, and W^1 shows it too.
        await pilot.press(*"p" * 6)
        await pilot.pause()
        assert (app.walk.iteration, app.walk.done) == (2, 16)
        delta, weights = (app.screen.view.step_pane.views[ref] for ref in app.walk.current_step.inputs)
        delta.focus()
        await pilot.press("right", "right")
        await pilot.pause()
        await pilot.pause()
        first, last = delta.columns_in_view
        assert last == 2 and first > 0, (delta.cursor, delta.columns_in_view)
        assert weights.columns_in_view == (first, last)
        lines = screen_lines(app)
        for view in (delta, weights):
            assert f"◂ j={first}–2 of 3" in lines[view.region.y], lines[view.region.y]


def _stray(app: StepperApp, pane: StepPane) -> list[tuple[int, str]]:
    """The step view's lines with a character outside every matrix box (a scrollbar's thumb
    beside nothing), and those wholly blank (empty lines between the step and what is under it)."""
    lines = screen_lines(app)
    boxes = [view.region for view in pane.order if view.display]
    found = []
    for y in range(pane.region.y, pane.region.bottom):
        line = lines[y].ljust(app.size.width)
        columns = range(pane.region.x, pane.region.right)
        outside = "".join(line[x] for x in columns if not any(b.contains(x, y) for b in boxes))
        if outside.strip() or not line[pane.region.x : pane.region.right].strip():
            found.append((y, line[pane.region.x : pane.region.right]))
    return found


async def test_w_at_80x24_shows_the_step_whole_from_titles_without_blank_lines() -> None:
    """A fresh tester at 80x24: n n n w, and the step view showed W^1's rows under no name beside
    n^2, a^1 gone, two empty lines above the Why pane and a scrollbar thumb beside nothing; at
    step 11 δ^3's header without its numbers; at step 22 W^2 cut at row i=1. With w the step
    keeps a third of the room or the fewest lines that show its matrices whole from their titles,
    every line a matrix's."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "w")
        async for step in at_steps(pilot, (3, 11, 16, 21, 22), done=3):
            pane = app.screen.view.step_pane
            window = pane.scrollable_content_region
            for view in pane.order:
                if view.region.intersection(window).height:
                    assert view.region.y >= window.y, (step, view.ref.symbol)  # its title in view
                    # Whole, or (below the result) cut under its title only where it starts.
                    assert view.region.bottom <= window.bottom or view.region.y >= window.y, step
            assert window.contains_region(pane.order[-1].region), step
            assert not _stray(app, pane), (step, _stray(app, pane))


async def test_side_by_side_at_80x24_shows_every_matrix_of_the_step_that_fits() -> None:
    """Side by side at 80x24 (no Why pane): step 16 (dC/da^1 = δ^2 · W^1ᵀ) scrolled δ^2 away
    with four empty lines under the result, and the updates showed dC/dW^l and W^l updated
    only, the old W^l out of view (a tester). The operands' headers go into their borders, or
    the operands side by side where each still shows a whole column, as the main view's. At
    step 20 the normal init's W^0 and dC/dW^0 fit side by side in shares of their own widths (in
    halves, dC/dW^0 did not: the old W^0 was left out over two blank lines); at step 22 the
    constant init's three weight matrices fit stacked without the rules under their bias rows
    (the old W^2 was left out over three blank lines; testers)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v", *"n" * 16)
        async for step in at_steps(pilot, (16, 17, 20, 21, 22), done=16):
            for index, half in enumerate(app.screen.query(StepPane)):
                window = half.scrollable_content_region
                for view in half.order:
                    # A box narrower than one of its columns cut its numbers (0.0378350 for 0.03783507).
                    assert view.region.width >= view.box_width_for(1), (step, index, view.ref.symbol)
                if step == 21:
                    # Too wide side by side (a whole column each), too tall stacked even without
                    # their rules (20 lines): the result and the operand above it that fits whole,
                    # the same two in both halves, and one line left, too few for any of W^1.
                    assert window.contains_region(half.order[-1].region)
                    assert window.contains_region(half.order[-2].region)
                    assert len([line for line in _stray(app, half) if not line[1].strip()]) <= 1
                    continue
                for view in half.order:
                    assert window.contains_region(view.region), (step, index, view.ref.symbol)


async def test_side_by_side_at_80x24_from_step_16_draws_nothing_outside_its_matrices() -> None:
    """n to step 16, then v: each half's step view fits its matrices whole, and kept a scrollbar
    thumb beside dC/da^1 drawn for the layout before the headers went into the borders."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 16, "v")
        await pilot.pause(0.5)
        for half in app.screen.query(StepPane):
            assert not _stray(app, half), _stray(app, half)


async def test_after_s_twice_n1_sits_under_a0_beside_w0_at_80x24() -> None:
    """At 80x24, after s pressed twice, n^1 went under W^0, two blank lines beside W^0 under a^0
    (a tester): its columns were a character wider than any of its numbers (0.01454942 measured
    as if it were negative), one column too many for it and W^0 side by side. Its columns are as
    wide as its widest number, and it packs under a^0, beside W^0, as before s."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await break_symmetry_twice(pilot)
        async for step in at_steps(pilot, (0, 1), 0):
            pane = app.screen.view.step_pane
            assert shown(app) == ["a^0", "W^0", "n^1"], step
            a0, w0, n1 = pane.order
            assert (n1.region.x, n1.region.y) == (a0.region.x, a0.region.bottom), step
            assert w0.region.x > n1.region.right and w0.region.y == a0.region.y, step


async def test_from_the_step_view_a_bracket_shows_the_steps_own_layer_whole_first() -> None:
    """At 120x40 with w (the step view, the step's matrices alone), [ at the update of W^0 said
    "Layer 1 is the first layer" and never showed layer 1 (a tester): the help says the step's
    layer comes first, whole; [ again then says it is the first."""
    app = StepperApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("w", "u", "p", "p")
        await pilot.pause()
        view = app.screen.view
        assert view.step_mode and app.walk.position.done == 20
        await pilot.press("left_square_bracket")
        await pilot.pause()
        layer1 = view.query_one("#layer-1", LayerPane)
        assert layer1.display and layer1.whole and not view.step_pane.display
        assert not app._notifications
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Layer 1 is the first layer: [ goes no further."]
