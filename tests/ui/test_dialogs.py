"""Every dialog fits the terminal (issue 12): its fields and hint whole and in view, every field
labelled, the field to type in focused, at 80x24 and 60x20 as well as larger."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select

from stepper.app import StepperApp

DIALOG_KEYS = ["o", "R", "O", "g", "x", "ctrl+s"]
SIZES = [(80, 24), (60, 20), (120, 40)]


def label_of(field: Widget) -> str | None:
    """A field's name: the label on its left in a field row, or a field label just above it."""
    row = field.parent
    if row is not None and row.has_class("field-row"):
        return str(row.query_one(".field-label", Label).content)
    assert row is not None
    siblings = list(row.children)
    before = siblings[siblings.index(field) - 1] if siblings.index(field) > 0 else None
    if isinstance(before, Label) and before.has_class("field"):
        return str(before.content)
    return None


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("key", DIALOG_KEYS)
async def test_every_dialog_fits_whole_and_labelled(key: str, size: tuple[int, int]) -> None:
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(key)
        await pilot.pause()
        dialog = app.screen.query_one(".dialog")
        inside = dialog.content_region
        # (A Select's own drop-down list is hidden until opened.)
        fields = [w for w in dialog.query("Input, Select, OptionList") if not isinstance(w.parent, Select)]
        assert fields
        for field in fields:
            assert field.region.area > 0 and inside.contains_region(field.region), (key, field.id)
            if isinstance(field, (Input, Select)):
                assert label_of(field), f"{key}: {field.id} has no label"
        hints = list(dialog.query(".hint"))
        assert hints, f"{key}: no hint saying what to type and which keys"
        for hint in hints:
            # Whole: drawn inside the dialog, on as many lines as its text wraps to.
            assert hint.region.area > 0 and inside.contains_region(hint.region), key
            assert "Escape" in str(hint.content)
        # The field to type in has the keyboard.
        assert isinstance(app.focused, (Input, Select, OptionList)) and app.focused in fields


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
async def test_the_open_dialog_takes_a_name_typed_at_once(size: tuple[int, int]) -> None:
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#open-path", Input)
        await pilot.press("x", "o", "r", "enter")
        await pilot.pause()
        assert app.net.name == "xor"


async def test_the_optimizer_is_named_in_each_dialog_that_sets_it() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for key, select in (("o", "#open-optimizer"), ("R", "#reinit-optimizer"), ("O", "#train-optimizer")):
            await pilot.press(key)
            await pilot.pause()
            assert label_of(app.screen.query_one(select, Select)) == "optimizer"
            await pilot.press("escape")
            await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("key", ["R", "O", "o"])
async def test_every_choice_of_a_select_shows_whole_on_one_line(key: str, size: tuple[int, int]) -> None:
    """The re-init dialog's scheme wrapped at 80x24 with its ▼ in mid-text ("normal: every weight and
    bias drawn from N(0, ▼ / scale²)"); the optimizer's did at 60x20."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(key)
        await pilot.pause()
        for select in app.screen.query(Select):
            for prompt, value in select._options:
                select.value = value
                await pilot.pause()
                label = select.query_one("SelectCurrent #label")
                assert label.size.height == 1, (prompt, label.size)
                assert len(str(prompt)) <= label.size.width, (prompt, label.size.width)


async def test_the_re_init_dialog_describes_the_chosen_scheme_in_full() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        help_line = app.screen.query_one("#reinit-scheme-help", Label)
        assert "drawn from N(0, scale²)" in str(help_line.content)
        app.screen.query_one("#reinit-scheme", Select).value = "xavier"
        await pilot.pause()
        assert "Glorot" in str(help_line.content)


async def test_an_empty_seed_in_the_re_init_dialog_is_said_not_taken_for_0() -> None:
    """Clearing the seed and pressing Enter re-initialised with seed 0, silently (a tester)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#reinit-seed", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        error = dialog.query_one(".error", Label)
        assert app.screen is dialog and error.display and "seed: a whole number" in str(error.render())
        assert app.net.init.scheme == "constant"  # nothing re-initialised
        dialog.query_one("#reinit-seed", Input).value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog and app.net.init.seed == 0


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_examples_wrap_clear_of_the_list_scrollbar(size: tuple[int, int]) -> None:
    """A fresh tester at 80x24: the open dialog's scrollbar covered the last letters of the
    highlighted example's description. Every line ends a column short of the scrollbar, and clear
    of it where a renderer gives a combining accent (m̂) a cell; every description reads whole."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("o")
        await pilot.pause()
        examples = app.screen.query_one("#open-examples", OptionList)
        room = examples.scrollable_content_region.width
        assert examples.show_vertical_scrollbar and room < examples.size.width
        lines: dict[int, str] = {}
        for top in range(0, examples.virtual_size.height, examples.size.height):
            examples.scroll_to(y=top, animate=False, immediate=True)
            await pilot.pause()
            first = examples.scroll_offset.y  # the last page ends at the end
            for y in range(examples.size.height):
                lines[first + y] = examples.render_line(y).text.rstrip()
        assert len(lines) == examples.virtual_size.height
        # In cells (a terminal): a column short. In characters (an accent in a cell of its own): clear.
        cut = [line for line in lines.values() if cell_len(line) >= room or len(line) > room]
        assert not cut, cut
        text = " ".join(" ".join(lines[y] for y in sorted(lines)).split())
        for option in examples.options:
            assert " ".join(str(option.prompt).split()) in text, option.prompt


async def test_export_names_the_file_after_what_it_exports() -> None:
    """At step 0 "this step" wrote the whole iteration to "…-step0.md" (a tester's finding): before
    the first step there is only the iteration, and the name says so; from a step on, the name
    follows the choice of step or iteration."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        scope = app.screen.query_one("#export-scope", Select)
        assert scope.value == "iteration" and [value for _, value in scope._options] == ["iteration"]
        assert app.screen.query_one("#export-path", Input).value == "identical-columns-iteration1.md"
        await pilot.press("escape", "n", "n", "x")
        await pilot.pause()
        path = app.screen.query_one("#export-path", Input)
        assert path.value == "identical-columns-iteration1-step2.md"
        app.screen.query_one("#export-scope", Select).value = "iteration"
        await pilot.pause()
        assert path.value == "identical-columns-iteration1.md"


async def test_a_file_that_cannot_be_opened_is_said_in_the_open_dialog_which_stays(tmp_path) -> None:
    """A tester's bad file closed the dialog, the message went to a toast, and the path had to be
    typed again. Now the dialog says what is wrong, under the path, and keeps it to be corrected."""
    bad = tmp_path / "week1.toml"
    bad.write_text("layers = [2, 2]\n")  # no activations, no data
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        dialog = app.screen
        path = dialog.query_one("#open-path", Input)
        path.value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and path.value == str(bad) and dialog.focused is path
        error = dialog.query_one("#open-error", Label)
        assert error.display and "week1.toml" in str(error.render())
        assert error.region.bottom <= 24  # in view at 80x24
        path.value = "xor"
        await pilot.press("enter")
        await pilot.pause()
        assert app.net.name == "xor"


async def test_an_export_to_a_folder_that_is_not_there_is_said_in_the_dialog(tmp_path) -> None:
    """It closed the dialog and said so in a toast: the path had to be typed again (a tester)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "x")
        await pilot.pause()
        dialog = app.screen
        path = dialog.query_one("#export-path", Input)
        path.value = str(tmp_path / "nowhere" / "x.md")
        await pilot.press("enter")
        await pilot.pause()
        error = dialog.query_one(".error", Label)
        assert app.screen is dialog and error.display and "no such folder" in str(error.render())
        assert error.region.bottom <= 24
        path.value = str(tmp_path / "x.md")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "x.md").exists() and app.screen is not dialog
