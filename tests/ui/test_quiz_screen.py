"""The quiz's answer as the learner sees it at 80x24 (issue 16, contract §10): the ✗ message with
the right value and the cell's computation, the score in the header, readable; said once, in the
Why pane, with no notification over the screen's last lines."""

from __future__ import annotations

from stepper.app import StepperApp
from tests.ui.contrast import lines_in, unreadable
from tests.ui.test_teach import answer


def lines_of(app: StepperApp, region) -> list[str]:  # type: ignore[no-untyped-def]
    return lines_in(app.export_screenshot(), region)


async def test_a_wrong_answer_reads_whole_at_80x24_and_no_notice_says_it_again() -> None:
    """A notification repeated the Why pane's first line ("✗ wrong: …  (0/1 right)") and at 80x24
    lay over the pane's last lines, the product the computation comes from (a fresh tester)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n")
        await answer(pilot, "0.9008")  # a^1[o=0, j=0] is 0.9002495
        await pilot.pause(0.3)
        assert app.is_running and app.walk.position.done == 2
        why = lines_of(app, app.screen.query_one("#explain").region)
        assert "✗ wrong: a^1[o=0, j=0] = 0.9002495, not 0.9008000" in why
        assert "a^1[o=0, j=0] = sigmoid(2.2000000) = 0.9002495" in why  # the cell's computation
        top = lines_of(app, app.screen.region)[:3]
        assert any(line.startswith("Quiz 0/1 right") for line in top)  # the score in the header
        assert not [t for t in app.screen.query("Toast") if t.region.area]  # said once, where it is
        assert not app._notifications
        # Readable: the pane's letters and the header's at 4.5:1.
        bad = [r for r in unreadable(app.export_screenshot()) if r.line < 3 or "wrong" in r.text]
        assert bad == []
        # The cursor moved on with the step, to the cell asked about: its computation is not repeated.
        assert sum("sigmoid(2.2000000)" in line for line in why) == 1


async def test_a_wrong_answers_computation_goes_on_indented_under_its_first_line() -> None:
    """n^1[o=0, j=0]'s sum is wider than 80 columns: its second line began at the pane's left edge,
    as if a new term ("0.8000000·1.0000000 + …"). It goes on indented, in view with the verdict."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await answer(pilot, "5")
        await pilot.pause()
        text = app.query_one("#explain-text")
        rows = [row.text.rstrip() for row in text.render_lines(text.region.reset_offset)]
        rows = rows[: app.query_one("#explain").scrollable_content_region.height]
        assert rows[0].strip() == "✗ wrong: n^1[o=0, j=0] = 2.2000000, not 5.0000000", rows
        first = rows[1].lstrip()
        assert first.startswith("n^1[o=0, j=0] = Σ_i [1 | a^0][o=0, i] · W^0[i, j=0] = 1·1.0000000 +"), rows
        margin = len(rows[1]) - len(first)
        assert rows[2].startswith(" " * (margin + 4) + "0.8000000·1.0000000 + "), rows
        assert rows[2].endswith("= 2.2000000"), rows


async def test_a_right_answer_says_so_and_counts() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n")
        await answer(pilot, "0.9002")
        await pilot.pause()
        why = lines_of(app, app.screen.query_one("#explain").region)
        assert any(line.startswith("✓ right") for line in why), why
        assert any(line.startswith("Quiz 1/1 right") for line in lines_of(app, app.screen.region)[:3])


async def test_the_prompt_says_what_is_right_and_0_9_is_right_for_0_9002495() -> None:
    """It said "4 significant digits are enough", and took 0.9 for a^1 = 0.9002495: what it
    accepts, |x − v| ≤ 5e-4·|v| + 1e-9 (contract §10), is said in the field and in the hint, both
    read whole at 80x24, the hint in view while one types."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "t")
        await pilot.pause()
        region = app.screen.query_one("#quiz-dialog").region
        shown = " ".join(lines_of(app, region))
        assert "your value (right if |x − v| ≤ 5e-4·|v| + 1e-9)" in shown, shown
        # Escape said to take no step ("Escape skips" read as skipping to the next; a tester).
        assert "Right within 0.05 % · Enter answers and steps · Escape skips (no step)" in shown, shown
        assert "significant" not in shown
        await pilot.press("0", ".", "9")
        await pilot.pause()
        assert "Right within 0.05 %" in " ".join(lines_of(app, region))
        await pilot.press("enter")
        await pilot.pause()
        why = lines_of(app, app.screen.query_one("#explain").region)
        assert any(line.startswith("✓ right") for line in why), why


async def test_a_toast_up_when_the_next_question_opens_waits_under_it_and_comes_back_after() -> None:
    """A tester answered, then pressed t at once: the "✓ right" toast lay over the next question's
    input and its hint. Toasts on screen (here d's) wait while a dialog is open, then show again."""
    app = StepperApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await answer(pilot, "2.2")
        await pilot.press("d")  # a toast says the digits now shown
        await pilot.pause()
        assert app.screen.query("Toast")
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert not dialog.query("Toast")  # nothing over the question
        # Nor under it: the walk's screen kept its toasts, which showed through below the dialog.
        assert not app.screen_stack[0].query("Toast")
        assert "Numbers now show" not in " ".join(lines_of(app, dialog.region))
        await pilot.press("escape")
        for _ in range(20):
            if app.screen.query("Toast"):
                break
            await pilot.pause(0.05)
        assert "Numbers now show" in " ".join(lines_of(app, app.screen.query("Toast").last().region))


async def test_the_quiz_covers_the_why_pane_from_edge_to_edge() -> None:
    """At 120x40 the quiz stood 76 columns wide in the middle of the Why pane, the pane's lines cut
    off on both sides of it ("906·1.0000000 +", "They are not"; a fresh tester): it takes the
    screen's width, over the Why pane, under the matrices the learner works the answer out from."""
    for size in ((80, 24), (120, 40), (200, 60)):
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            await pilot.press("n", "n", "n", "t")
            await pilot.pause()
            dialog = app.screen.query_one("#quiz-dialog")
            assert dialog.region.x == 0 and dialog.region.width == size[0], (size, dialog.region)
            layers = app.screen_stack[-2].query_one("#layers").region
            assert dialog.region.y >= layers.bottom, (size, dialog.region, layers)
