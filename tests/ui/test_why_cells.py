"""Every cell the Why pane can be asked about gets its term-by-term computation.

The pane calls the engine's cell_terms without catching anything: a quantity it cannot explain is an
engine bug, and it must fail here, not show an empty line to the learner.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from rich.text import Text

from stepper.app import StepperApp
from stepper.app.why import why_text
from stepper.app.widgets.layer_pane import pane_refs
from stepper.engine.explain import cell_terms
from stepper.engine.iteration import run_iteration
from stepper.engine.network import Network
from stepper.engine.steps import Ref
from stepper.engine.walk import Walk
from stepper.netfile import example_names, load_network
from tests.test_exports import ACTIVATION_COSTS, VARIANTS


def _matrix(net: Network, ref: Ref) -> np.ndarray:
    values = run_iteration(net, net.weights)
    if ref.quantity == "targets":
        return net.targets
    if ref.quantity in ("weights", "change", "weights_after"):
        return {"weights": values.weights, "change": values.change, "weights_after": values.weights_after}[
            ref.quantity
        ][ref.layer]
    matrix = values.quantity(ref.quantity)[ref.layer]
    return values.a[ref.layer] if matrix is None else matrix  # softmax da/dn: shaped like a


def _networks(tmp_path: Path) -> list[Network]:
    nets = [load_network(name) for name in example_names()]
    for activation, cost in VARIANTS:
        path = tmp_path / f"{cost}.toml"
        path.write_text(ACTIVATION_COSTS.format(activation=activation, cost=cost))
        nets.append(load_network(str(path)))
    return nets


def test_every_selectable_cell_has_its_computation(tmp_path: Path) -> None:
    for net in _networks(tmp_path):
        values = run_iteration(net, net.weights)
        for layer in range(1, net.depth + 1):
            for ref, _ in pane_refs(net, layer):
                rows, cols = _matrix(net, ref).shape
                for row, col in {(0, 0), (rows - 1, cols - 1)}:
                    text = cell_terms(net, values, ref, row, col)
                    assert text.strip(), (net.name, ref, row, col)


def test_a_cell_of_an_uncomputed_quantity_is_an_error_not_a_blank() -> None:
    net = load_network()
    values = run_iteration(net, net.weights)
    values.n[1] = None  # as if the iteration had stopped before n^1
    with pytest.raises(ValueError, match="n of layer 1 is not computed"):
        cell_terms(net, values, Ref("n", 1), 0, 0)


async def test_the_why_pane_says_where_float32_numbers_part_at_7_digits() -> None:
    """The seed question computed in float32: its da^3/dn^3 = 0.01893635 is 0.01893642 here. At that
    step, at 7 digits, the Why pane says why; at 5 digits (where both agree) it does not."""
    from stepper.app import StepperApp

    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "n", "n", "n")  # step 9: da^3/dn^3 = a^3 ⊙ (1 − a^3)
        await pilot.pause()
        text = str(app.query_one("#explain-text").render())
        assert "float32" in text and "1 − a^3" in text
        await pilot.press("d", "d")  # 7 → 3 → 5 digits
        await pilot.pause()
        assert "float32" not in str(app.query_one("#explain-text").render())
        await pilot.press("d", "p", "p")  # 7 digits, step 7 (C): the question's 1.9082220 too
        await pilot.pause()
        assert "float32" not in str(app.query_one("#explain-text").render())


async def test_help_explains_float32_differences() -> None:
    from stepper.app import StepperApp

    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(m.source) for m in app.screen.query("Markdown"))
        assert "float32" in text and "0.01893635" in text


async def test_at_80_columns_the_product_is_stacked_so_no_grid_line_wraps() -> None:
    """The question's layout (operand rows beside the result) is 77 columns at dC/da^2: in an
    80-column Why pane it wrapped into broken lines. Narrow, the operands and result are stacked."""
    for size, stacked in (((80, 24), True), ((200, 60), False)):
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            await pilot.press(*"n" * 12)
            await pilot.pause()
            pane = app.query_one("#explain-text")
            lines = str(pane.render()).splitlines()
            grid = [line for line in lines if "│" in line]
            assert grid and ("= dC/da^2" in lines) is stacked
            if stacked:
                assert all(len(line) <= pane.content_size.width for line in grid)
                # One under the other, nothing is "left" or "above": the heading says how they lie.
                assert not any("(left)" in line or "(above)" in line for line in lines), lines
                assert any("one under the other" in line for line in lines), lines
            else:
                assert any("├" in line for line in lines)  # side by side, as in the question


async def test_side_by_side_no_grid_line_of_the_product_wraps_beside_the_scrollbar() -> None:
    """Side by side at 120x40 init normal's product rows were a column or two wider than the Why
    text beside its scrollbar: each row's closing │ stood on a line of its own. Every step of an
    iteration, both halves: each grid line fits the text's width, scrollbar or not."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v")
        for _ in range(app.walk.steps_per_iteration):
            await pilot.press("n")
            await pilot.pause()
            grids = []
            for text in app.screen.query("#explain-text"):
                lines = str(text.render()).splitlines()
                grid = [line for line in lines if "│" in line]
                assert all(len(line) <= text.content_size.width for line in grid), grid
                # No grid that fits: no heading of one either ("… (left) · … (above) = …").
                flat = "\n".join(lines).replace("\n  ", " ")  # a heading's lines as one
                heading = "(above)" in flat or "one under the other" in flat
                assert bool(grid) == heading, lines
                grids.append(bool(grid))
            # Both halves show the product, stacked where it must be: each operand's columns as
            # wide as its own numbers (one width for all left init normal's [1 | a^1] out at n^2).
            assert grids[0] == grids[1], (app.walk.position, grids)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_why_pane_explains_the_current_steps_cell_while_it_has_the_keyboard(size) -> None:
    """Tab to the Why pane (to scroll it), then n n: the pane went on explaining step 1's n^1 cell at
    step 3, steps after the keyboard had left the matrices (a fresh tester)."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        why = app.screen.query_one("#explain")
        why.focus()
        await pilot.press("end", "n", "n")
        await pilot.pause()
        assert app.screen.focused is why  # the keyboard stays where the learner put it
        text = str(app.query_one("#explain-text").render())
        assert text.startswith("n^2[o=0, j=0]: "), text[:80]
        await pilot.press(*"n" * 12)
        await pilot.pause()
        step = app.walk.current_step
        assert step is not None and step.number == 15
        text = str(app.query_one("#explain-text").render())
        assert text.startswith(f"{step.output.symbol}["), (step.output.symbol, text[:80])


async def test_an_sgd_update_has_one_current_matrix_its_result_with_delta_w_as_its_operand() -> None:
    """Every update step drew ΔW^l and W^l updated both as current (▶, heavy border), and the
    cursor and the Why pane started on ΔW, not on the step's result (a tester's finding)."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 22)
        await pilot.pause()
        view = app.screen.view
        roles = {v.ref: v.state.role for v in view.pane_matrices if v.state is not None}
        assert [ref for ref, role in roles.items() if role == "current"] == [Ref("weights_after", 2)]
        assert roles[Ref("change", 2)] == "input" and roles[Ref("weights", 2)] == "input"
        cursor = view.cursor_matrix()
        assert app.screen.focused is cursor and cursor.ref == Ref("weights_after", 2)
        why = str(app.query_one("#explain-text").render())
        assert why.startswith("W^2[b, j=0]: the bias of neuron 0 of layer 3 after the update")


async def test_an_arrow_from_the_why_pane_moves_from_the_cell_it_explains() -> None:
    """Step 22 at 120x40 has two current matrices, ΔW^2 and W^2 updated. With the cursor on W^2
    updated, Tab to the Why pane (nothing to scroll) and Down: the keyboard went to ΔW^2 at its old
    cursor, a cell the pane was not explaining (a fresh tester)."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 22)
        await pilot.pause()
        after = next(v for v in app.screen.view.matrices if v.ref == Ref("weights_after", 2))
        after.focus()
        after.cursor = (0, 1)
        await pilot.pause()
        why = app.screen.query_one("#explain")
        why.focus()
        await pilot.pause()
        assert why.max_scroll_y == 0  # so the arrow is not the pane's own
        # Nor is the keyboard: a pane with nothing to scroll is no Tab stop (a later tester).
        assert app.screen.focused is after
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.focused is after and after.cursor == (1, 1)


async def test_at_80x24_a_cell_with_a_long_meaning_shows_its_result_in_the_why_pane() -> None:
    """Step 22, Tab to dC/dW^2, Right, Down: the pane showed the cell's two-line meaning and the
    first line of its sum, the result below the fold (a tester's finding). A meaning too long for
    the cell's line now comes after the computation."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 22, "tab", "right", "down")
        await pilot.pause()
        why = app.query_one("#explain")
        shown = str(app.query_one("#explain-text").render()).splitlines()[
            : why.scrollable_content_region.height
        ]
        assert shown[0].startswith("dC/dW^2[i=0, j=1] = Σ_o [1 | a^2]ᵀ[i=0, o] · δ^3[o, j=1]")
        assert any(line.rstrip().endswith("= 0.05805621") for line in shown), shown


@pytest.mark.parametrize(
    ("size", "keys", "cell"),
    [((80, 24), "n" * 20 + "↓↓→→", "W^0[i=1, j=2]"), ((120, 40), "v" + "n" * 22, "W^2[b, j=0]")],
)
async def test_at_an_update_of_clones_the_cells_meaning_comes_before_still_clones(
    size: tuple[int, int], keys: str, cell: str
) -> None:
    """A fresh tester at 80x24, step 20, on W^0[i=1, j=2]: "Still clones: …" came between the
    cell's computation and its meaning, indented under it as if it told of the clones. Side by
    side at 120x40, step 22, on b cells: the same. All in the Why pane's view."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        arrows = {"↓": "down", "→": "right"}
        await pilot.press(*(arrows.get(key, key) for key in keys))
        await pilot.pause()
        for why in list(app.screen.query("#explain"))[:1]:  # side by side, the clones' half
            text = why.query_one("#explain-text")
            lines = [line.strip() for line in str(text.render()).splitlines()]
            lines = lines[: why.scrollable_content_region.height]
            assert lines[0].startswith(f"{cell} = w − η · dC/dw"), lines
            meaning = next(i for i, line in enumerate(lines) if line.startswith("the "))
            still = next(i for i, line in enumerate(lines) if line.startswith("Still clones"))
            # Right after the computation's last line, its result.
            assert re.search(r" = -?[0-9.]+$", lines[meaning - 1]), lines
            assert meaning < still, lines


def test_the_why_text_counts_the_cells_line_and_its_computation_as_its_lead() -> None:
    """What the Why pane keeps in view under a tall step (WalkView._split_for_step): at 80x24, step
    16 of the seed, dC/da^1[o=0, j=0]: its line and its sum in two lines, down to the result; the
    meaning that does not fit a 50-column pane's cell line comes after the lead."""
    walk = Walk(load_network(None), resume=False)  # the seed network
    walk.seek(1, 16)
    cell = (Ref("dC_da", 1), 0, 0)

    def lines(width: int) -> tuple[list[str], list[str]]:
        text = why_text(walk, cell, None, width=width)
        plain = [Text.from_markup(line).plain for line in text.markup.split("\n")]
        return plain[: text.lead], plain[text.lead :]

    lead, rest = lines(74)
    assert len(lead) == 3 and lead[0] == "dC/da^1[o=0, j=0]: observation 0, neuron 0 of layer 1"
    assert lead[-1].endswith("= 0.003639290") and not rest[0].startswith(" ")
    lead, rest = lines(50)
    assert lead[0].startswith("dC/da^1[o=0, j=0] = Σ_k") and lead[-1].endswith("0.003639290")
    assert rest[0].strip() == "observation 0, neuron 0 of layer 1"


def test_the_float32_note_comes_at_the_first_step_whose_numbers_float32_can_change() -> None:
    """The seed question's a^3 = 0.9806908 (float32) is 0.9806907 here, at step 6; the note on
    float32 came only at step 9 (da^3/dn^3), after two steps of numbers that differed unexplained
    (a tester). At 5 digits there is nothing to explain."""
    walk = Walk(load_network())
    said = []
    for _ in range(walk.steps_per_iteration):
        walk.forward()
        if "float32 keeps about 7 digits" in why_text(walk, None, None).markup:
            said.append(walk.current_step.output.symbol if walk.current_step else None)
        assert "float32" not in why_text(walk, None, None, digits=5).markup
    assert said[:4] == ["a^1", "a^2", "a^3", "dC/da^3"] and "da^3/dn^3" in said
    assert "n^1" not in said and "δ^3" not in said  # no step of its own on a number it did not make


async def test_a_column_stands_between_the_why_text_and_its_scrollbar() -> None:
    """At 80x24, step 22, the Why pane keeps three lines and scrolls: its scrollbar's thumb came in
    the column right after the text's last one and read as part of the text (a tester's finding).
    At every size the bar's first column is blank, the pane's own background, and the thumb is in
    the next; the text is not cut to leave it (every word of it on the pane's lines)."""
    for size in [(80, 24), (120, 40), (200, 60)]:
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            for step in range(1, 23):
                await pilot.press("n")
                await pilot.pause()
                pane = app.query_one("#explain")
                text = app.query_one("#explain-text")
                words = str(text.render()).split()
                rows = text.render_lines(text.region.reset_offset)
                assert " ".join(row.text for row in rows).split() == words, (size, step)
                if pane.max_scroll_y == 0:
                    continue
                bar = pane.vertical_scrollbar
                lines = bar.render_lines(bar.size.region)
                base, background = pane.background_colors
                gap = {
                    (cell.text, cell.style and cell.style.bgcolor)
                    for line in lines
                    for cell in line.crop(0, 1)
                }
                assert gap == {(" ", (base + background).rich_color)}, (size, step, gap)
                thumb = {cell.style for line in lines for cell in line.crop(1, 2)}
                assert len(thumb) > 1, (size, step)  # the thumb, in the bar's second column


async def test_at_an_update_of_clones_every_cell_leads_the_same_way_and_says_still_clones_once() -> None:
    """A fresh tester at 80x24, step 20, the cursor between W^0 updated's b row and its i rows: the
    b row gave its meaning first, then its computation; the i rows their computation first, then
    their meaning. And "Still clones" was said in the lead and again in the step's text below it.
    Now every cell: its computation, its meaning, "Still clones" (all in the pane's view); the
    text below says which columns stay equal, and whose, once."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 20)
        await pilot.pause()
        why = app.query_one("#explain")
        for key, cell, meaning in [
            (None, "W^0[b, j=0]", "the bias of neuron 0 of layer 1"),
            ("down", "W^0[i=0, j=0]", "the weight from neuron 0 of layer 0 to neuron 0 of layer 1"),
        ]:
            if key:
                await pilot.press(key)
                await pilot.pause()
            text = str(app.query_one("#explain-text").render())
            lines = [line.strip() for line in text.splitlines()]
            shown = lines[: why.scrollable_content_region.height]
            assert shown[0].startswith(f"{cell} = w − η · dC/dw = 1.0000000 − 0.5 · "), shown
            still = "Still clones: equal gradient, equal change (neurons 0–2, layer 1)."
            assert shown[1:3] == [meaning, still], shown
            assert text.lower().count("still clones") == 1, text
            # What the longer sentence said besides: which columns, equal in which matrices, whose.
            said = " ".join(lines)
            assert (
                "Columns 0–2 of W^0 stay equal: W^0 and dC/dW^0 have equal columns 0–2 "
                "(neurons 0–2 of layer 1, see above)."
            ) in said, said
