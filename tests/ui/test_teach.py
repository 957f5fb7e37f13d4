"""Teaching: the quiz (spec §10), the precision key, the narrated symmetry, the marked operands."""

from __future__ import annotations

import re
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Input

from stepper.app import StepperApp
from stepper.app.commands import screen_commands
from stepper.app.screens.quiz import QuizPrompt, parse_answer
from stepper.app.screens.side_by_side import SideBySideScreen
from stepper.app.widgets.matrix import MatrixView
from stepper.engine.walk import Position
from tests.ui.helpers import settled, view


def why(app: StepperApp) -> str:
    return str(app.query_one("#explain-text").render())


def header(app: StepperApp) -> str:
    return str(app.query_one("#layer-map").render())


async def answer(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(pilot.app.screen, QuizPrompt)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_a_right_answer_takes_the_step_and_scores() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "2.2")
        assert app.walk.position == Position(1, 1)
        assert "✓ right: n^1[o=0, j=0] = 2.2000000" in why(app)
        assert header(app).startswith("Quiz 1/1 right │ Layers")
        # The cell's computation follows the verdict, as it does a wrong one (it went missing).
        await answer(pilot, "0.9")  # a^1: 0.9002495, within 0.05 %
        assert await settled(pilot, lambda: "= sigmoid(2.2000000) = 0.9002495" in why(app)), why(app)
        text = why(app)
        assert text.index("✓ right: a^1[o=0, j=0] = 0.9002495") < text.index(
            "= sigmoid(2.2000000) = 0.9002495"
        )


async def test_a_wrong_answer_shows_the_value_and_its_computation_and_takes_the_step() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "2.2")
        # |x − v| ≤ 5e-4·|v| + 1e-9: 0.9006 would pass for 0.9002495 (0.00045 of slack); 0.9008 does not.
        await answer(pilot, "0.9008")
        assert app.walk.position == Position(1, 2)
        text = why(app)
        assert "✗ wrong: a^1[o=0, j=0] = 0.9002495, not 0.9008000" in text
        assert "a^1[o=0, j=0] = sigmoid(2.2000000) = 0.9002495" in text
        assert "Quiz 1/2 right" in header(app)
        await answer(pilot, "3.7007")  # n^2: 3.7007485
        assert "Quiz 2/3 right" in header(app)
        await pilot.press("n")  # the verdict belongs to the step it was given at
        assert "right" not in why(app)


async def test_escape_skips_and_a_non_number_is_asked_again() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one(Input).value = "two"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizPrompt)
        assert "Enter a number" in str(app.screen.query_one("#quiz-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.walk.position == Position(1, 0) and not app.walk_screen.score.asked
        assert not header(app).startswith("Quiz")


async def test_the_quiz_asks_for_the_selected_cell_of_the_next_matrix() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        n1 = view(app, "n", 1)
        app.walk_screen.view.on_matrix_view_cell_selected(MatrixView.CellSelected(n1, 1, 2))
        await pilot.press("t")
        await pilot.pause()
        assert "What is n^1[o=1, j=2]?" in str(app.screen.query_one("#quiz-question").render())


async def test_at_the_end_of_an_iteration_the_quiz_asks_about_the_next_one() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("u")
        await answer(pilot, "2.1")  # iteration 2's n^1: the updated W^0 makes it 2.1994050
        assert app.walk.position == Position(2, 1)
        assert "✗ wrong: n^1[o=0, j=0] = 2.1994050, not 2.1000000" in why(app)


def test_answers_are_read_as_a_learner_writes_them() -> None:
    assert parse_answer(" 0,9 ") == 0.9 and parse_answer("−1e-3") == -0.001
    assert parse_answer("inf") is None and parse_answer("") is None


async def test_d_cycles_3_5_7_digits_and_the_columns_follow() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        n1 = view(app, "n", 1)
        wide = n1.virtual_size.width
        await pilot.press("d")
        assert "2.200 " in n1.text() + " " and "2.2000000" not in n1.text()
        assert n1.virtual_size.width < wide
        assert "│ 2.200 2.200 2.200 │" in why(app)  # the product layout follows too
        await pilot.press("d")
        assert "2.20000" in n1.text() and "2.2000000" not in n1.text()
        await pilot.press("d")
        assert "2.2000000" in n1.text() and n1.virtual_size.width == wide


async def test_the_why_pane_narrates_the_clones_and_where_s_broke_them() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 14)
        text = why(app)
        assert "Columns 0–2 of δ^2 are equal because dC/da^2 and da^2/dn^2 have equal columns 0–2" in text
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("n")
        assert (
            "The symmetry breaks here first: neurons 0–2 of layer 1, clones before the re-initialisation"
            in (why(app))
        )


async def test_a_selected_product_cell_marks_its_operands_row_and_column() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        app.walk_screen.view.on_matrix_view_cell_selected(MatrixView.CellSelected(view(app, "n", 1), 0, 2))
        await pilot.pause()
        a0, w0 = view(app, "a", 0).state, view(app, "weights", 0).state
        assert (a0.mark_row, a0.mark_col) == (0, None) and (w0.mark_row, w0.mark_col) == (None, 2)
        assert "▶" in view(app, "a", 0).text().splitlines()[1]  # on o=0's label
        assert "▼" in view(app, "weights", 0).text().splitlines()[0]  # over j=2
        text = why(app)
        assert "▶ row o=0 of [1 | a^0] · ▼ column j=2 of W^0" in text
        # The cell's sum leads the pane (issue 12: the selected cell first), once.
        sum_ = (
            "= Σ_i [1 | a^0][o=0, i] · W^0[i, j=2] = "
            "1·1.0000000 + 0.8000000·1.0000000 + 0.4000000·1.0000000 = 2.2000000"
        )
        assert text.startswith(f"n^1[o=0, j=2]: observation 0, neuron 2 of layer 1\n  {sum_}\n")
        assert text.count(sum_) == 1


async def test_the_product_heading_names_the_marked_row_and_column_as_the_cell_does() -> None:
    """A tester: with dC/dW^2[i=0, j=0] selected the heading read "▶ row 1 of [1 | a^2]ᵀ", its row by
    position, where the screen and the cell's name call it i=0 (row 0 is the bias row b). Every
    product step of an iteration, side by side (120x40) and stacked (80x24, n^2 and dC/da), at its
    first cell (a weight gradient's b row) and the one down and right: the heading's row is the
    cell's, its column the cell's j, but for dC/da = δ · (W without bias row)ᵀ, whose column is W's
    row i (the one the screen marks on W and the cell's sum names)."""
    name_re = re.compile(r"^(\S+)\[([^,\]]+), ([^\]]+)\]")
    head_re = re.compile(r"▶ row (\S+) of .* · ▼ column (\S+) of (.*)$")
    for size in [(80, 24), (120, 40)]:
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            checked, stacked, bias_rows = [], 0, 0
            for _ in range(22):
                await pilot.press("n")
                await pilot.pause()
                if not ("(left) ·" in why(app) or "one under" in why(app)):
                    continue  # no product at this step (the count below checks none is missed)
                for keys in [("up", "up", "left", "left"), ("down", "right")]:
                    await pilot.press(*keys)
                    await pilot.pause()
                    lines = why(app).replace("\n  ", " ").splitlines()  # a heading's lines as one
                    heads = [m for line in lines if (m := head_re.search(line))]
                    if not heads:
                        continue
                    name = name_re.match(lines[0])
                    assert name is not None, lines[0]
                    symbol, row, col = name.groups()
                    if symbol.startswith("dC/da"):
                        col = col.replace("j=", "i=")
                    assert len(heads) == 1 and heads[0].group(1, 2) == (row, col), (size, lines[0], heads[0])
                    checked.append(symbol)
                    stacked += "one under the other" in "\n".join(lines)
                    bias_rows += row == "b"
            # n^1–n^3, dC/dW^2, dC/da^2, dC/dW^1, dC/da^1, dC/dW^0: two cells each.
            assert len(checked) == 16 and len(set(checked)) == 8, (size, checked)
            assert bias_rows == 3, size  # the b row of each weight gradient
            assert (stacked > 0) == (size == (80, 24)), size


async def test_the_layer_map_marks_the_current_layer_and_the_clones() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        assert header(app).startswith("Layers L0 2 ─ L1 3=1 ▁ d=0.000 ─ L2 3=1 ▁ d=0.000 ─ ▶L3 2◀")


async def test_side_by_side_starts_from_the_iteration_you_are_at() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "i", "n", "n")
        assert app.walk.position == Position(3, 1)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, SideBySideScreen)
        assert [c.walk.position for c in app.screen.columns] == [Position(3, 1), Position(3, 1)]


async def test_the_new_keys_are_in_help_and_the_palette() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)):
        ids = {b.id: b.key for b in app.walk_screen.BINDINGS}  # type: ignore[union-attr]
        assert ids["quiz"] == "t" and ids["cycle-digits"] == "d"
        names = [name for name, _, _ in screen_commands(app.walk_screen)]
        assert "Check yourself" in names and "Digits 3/5/7" in names


async def test_the_quiz_verdict_shows_the_cell_name_as_written_and_once() -> None:
    """The verdict names the cell, n^1[o=0, j=0]: read as markup, its brackets raised as a toast
    saying it was drawn and closed the app (right and wrong answers alike). It is said in the Why
    pane, as written, and no toast says it again."""
    app = StepperApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await answer(pilot, "5")
        assert "✗ wrong: n^1[o=0, j=0] = 2.2000000, not 5.0000000" in why(app)
        await answer(pilot, "0.9002")
        assert "✓ right: a^1[o=0, j=0] = 0.9002495" in why(app)
        assert app.is_running and not app._notifications


async def test_a_seven_layer_network_keeps_its_distance_plots_at_120_columns(tmp_path: Path) -> None:
    """Where am I and are they still clones: every hidden layer's d plot on the layer map line of a
    2-3-3-3-3-3-2 network at 120 columns (they all went below 200)."""
    net = tmp_path / "deep.toml"
    net.write_text(
        'layers = [2, 3, 3, 3, 3, 3, 2]\nactivation = "sigmoid"\ncost = "sse"\nlearning_rate = 0.5\n'
        'init = { scheme = "constant", value = 1.0 }\ninputs = [[1, 0.6], [0.2, 0.8]]\n'
        "targets = [[0.2, 0.4], [1, 0]]\n"
    )
    app = StepperApp(str(net))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"i" * 9, "f")  # iteration 10: plots of several bars
        line = header(app)
        assert line.count("d=0.000") == 5 and "▶L6 2◀" in line, line


async def test_the_cells_computation_follows_the_precision_key() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n")  # a^1: the cursor's cell a^1[o=0, j=0] = sigmoid(2.2000000)
        assert "= sigmoid(2.2000000) = 0.9002495" in why(app)
        await pilot.press("d")  # 3 digits
        await pilot.pause()
        assert "= sigmoid(2.200) = 0.900" in why(app)


async def test_side_by_side_keeps_the_precision_and_the_map() -> None:
    app = StepperApp()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("d", "m", "v")  # 3 digits, the map shown, then side by side
        await pilot.pause()
        assert isinstance(app.screen, SideBySideScreen)
        for view in app.screen.columns:
            assert view.digits == 3 and view.map_shown


async def test_the_cost_step_writes_the_cost_out_term_by_term_and_so_does_a_wrong_answer() -> None:
    """Step 7 computes C, one number: the Why pane explained an operand's cell instead, and a wrong
    answer got "C = Σ (a^3 − y)² over a^3 and y = 1.9082220" (contract §10: term by term)."""
    terms = "(0.9806907 − 0.2000000)² + (0.9806907 − 0.4000000)²"
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"nnnnnnn")
        await pilot.pause()
        text = why(app)
        assert text.startswith("C: the cost of this iteration") and terms in text and "= 1.9082220" in text
        await pilot.press("p")
        await answer(pilot, "2")
        text = why(app)
        assert text.startswith("✗ wrong: C = 1.9082220, not 2.0000000") and terms in text
        assert text.count(terms) == 1  # the verdict's computation is not repeated under it


async def test_the_product_heading_breaks_between_names_never_inside_one() -> None:
    """At 80 columns the heading broke inside "[1 | a^1]ᵀ": "… ▶ row i=0 of [1 |" on one line,
    "a^1]ᵀ · ▼ column j=1 of δ^2" on the next (a tester). Every product step, its cell selected,
    at 80x24: each of the heading's lines, as drawn, has its brackets closed."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        wrapped = 0
        for _ in range(22):
            await pilot.press("n")
            await pilot.pause()
            if not ("(left) ·" in why(app) or "one under" in why(app)):
                continue  # no product at this step: no heading to look at
            for _ in range(3):
                await pilot.press("down", "right")
                await pilot.pause()
                wrapped += _heading_wraps_between_names(app)
        assert wrapped, "no heading was long enough to wrap at 80 columns"


def _heading_wraps_between_names(app: StepperApp) -> bool:
    """Whether the product's heading, as drawn, is on two lines; asserts no line of it breaks a name."""
    text = app.screen.query_one("#explain-text")
    # Every line of the text as drawn, scrolled out of the pane or not.
    lines = [strip.text.strip() for strip in text.render_lines(Region(0, 0, *text.size))]
    first = next((i for i, line in enumerate(lines) if "(left) ·" in line or "one under" in line), None)
    assert first is not None, lines
    heading = [lines[first]]
    if "▼ column" not in lines[first]:
        heading.append(lines[first + 1])
    for line in heading:
        assert line.count("[") == line.count("]") and line.count("(") == line.count(")"), heading
    return len(heading) > 1
