"""The help screen (issue 12): a screenful of keys at 80x24, every key listed, and it scrolls."""

from __future__ import annotations

from textual.binding import Binding

from stepper.app import StepperApp
from stepper.app.commands import key_name
from stepper.app.screens.help import HelpScreen
from tests.ui.contrast import lines_in


def help_lines(app: StepperApp) -> list[str]:
    """The help's lines as text (its runs of letters and digits, in order)."""
    return lines_in(app.export_screenshot(), app.screen.query_one("#help-body").region)


def every_key(app: StepperApp) -> list[str]:
    bindings = [*app.walk_screen.BINDINGS, *app.BINDINGS]
    return [key_name(b.key) for b in bindings if isinstance(b, Binding)]


async def test_help_shows_a_screenful_of_keys_at_80x24_and_scrolls_to_the_rest() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = every_key(app)
        # A line of the help that starts with a key: one key per line, no rule between rows.
        shown = [line for line in help_lines(app) if line.split(" ")[0] in keys]
        assert len(shown) >= 14, shown
        body = app.screen.query_one("#help-body")
        assert app.focused is body  # the arrows and page keys scroll it at once
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        later = [line for line in help_lines(app) if line.split(" ")[0] in keys]
        assert later and later != shown


async def test_help_lists_every_key_with_what_it_does() -> None:
    app = StepperApp()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_lines(app)
        listed = {line.split(" ")[0] for line in lines}
        # (A run without a letter, "[" alone, is not read off the screenshot: its sentence is.)
        assert {key for key in every_key(app) if any(c.isalnum() for c in key)} <= listed
        assert {
            "Step's layer whole if folded, then previous layer",
            "Step's layer whole if folded, then next layer",
        } <= set(lines)
        assert "ctrl+p" in listed and any(line.startswith("tab shift+tab") for line in lines)
        # A sentence, not the Footer's one-word name: "f Fwd" says little to a learner.
        assert "f To the end of the forward pass" in lines and "f Fwd" not in lines


async def test_the_bracket_keys_say_they_show_the_steps_folded_layer_first() -> None:
    """The help said [ and ] show the previous / next layer's whole pane, but where the step's own
    layer has matrices folded ("… folded · [ unfolds") they show that layer whole first. Each line
    whole at 80x24, where a wrapped one would read as two keys' lines."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_lines(app)
        assert "Step's layer whole if folded, then previous layer" in lines, lines
        assert "Step's layer whole if folded, then next layer" in lines, lines
