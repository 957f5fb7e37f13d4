"""Terminal conventions: a theme that persists, 16 colours, resizing mid-iteration."""

from __future__ import annotations

from stepper.app import StepperApp
from stepper.app.settings import load_settings, settings_path
from stepper.engine.walk import Position
from tests.ui.helpers import state, view


async def test_the_theme_chosen_in_the_palette_is_kept_for_the_next_run() -> None:
    app = StepperApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"theme")
        await pilot.press("enter")  # the palette's "Theme" command opens the theme list
        await pilot.pause()
        await pilot.press(*"ansi-dark")
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "ansi-dark"
    assert load_settings() == {"theme": "ansi-dark"}
    assert settings_path().read_text() == 'theme = "ansi-dark"\n'
    again = StepperApp()
    async with again.run_test(size=(100, 30)):
        assert again.theme == "ansi-dark"


async def test_an_unreadable_settings_file_means_the_default_theme() -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("theme = [not toml")
    app = StepperApp()
    async with app.run_test(size=(80, 24)):
        assert app.theme == "textual-dark"


async def test_resizing_to_60x20_and_back_mid_iteration_keeps_the_state() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 9)
        before = state(app)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert state(app) == before
        await pilot.press("n")  # still fully usable at 60x20
        assert app.walk.position == Position(1, 10)
        assert "0.02881269" not in view(app, "grad", 2).text()  # not yet: step 11
        await pilot.press("n")
        assert "0.02881269" in view(app, "grad", 2).text()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.press("p", "p")
        assert state(app) == before
        # Back to layers side by side: the current one and as many around it as fit whole.
        assert sum(p.display for p in app.query(".layer-pane")) >= 2


async def test_moving_the_cursor_in_a_785_by_128_matrix_redraws_three_lines_only() -> None:

    from benchmarks.networks import wide_network
    from stepper.app.widgets.matrix import MatrixView

    app = StepperApp(wide_network((784, 128, 10), 256))
    async with app.run_test(size=(120, 40)) as pilot:
        w0 = view(app, "weights", 0)
        w0.focus()
        await pilot.press("down")  # focus and a first move: the whole view is drawn focused
        await pilot.pause()
        await pilot.pause()
        drawn: list[int] = []
        original = MatrixView._draw_line

        def counting(self, y):  # type: ignore[no-untyped-def]
            if self is w0:
                drawn.append(y)
            return original(self, y)

        MatrixView._draw_line = counting  # type: ignore[method-assign]
        try:
            await pilot.press("down")
            await pilot.pause()
        finally:
            MatrixView._draw_line = original  # type: ignore[method-assign]
        assert sorted(set(drawn)) == [0, 3, 4]  # the header, row i=0 it left, row i=1 it reached
        assert w0.cursor == (2, 0)
        for _ in range(12):
            await pilot.press("right")
        assert w0.cursor == (2, 12) and w0.scroll_offset.x > 0  # scrolled sideways to keep it in view
        assert "j=12" in w0.render_line(0).text
