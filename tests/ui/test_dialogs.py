"""Every dialog fits the terminal (issue 12): its fields and hint whole and in view, every field
labelled, the field to type in focused, at 80x24 and 60x20 as well as larger."""

from __future__ import annotations

import numpy as np
import pytest
from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select

from stepper.app import StepperApp
from stepper.app.screens.prompts import Reinitialise
from stepper.engine.init import InitSpec, initial_weights
from tests.ui.helpers import view

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
        # (and rows shown only for some choices, as R's value for the constant scheme, are hidden).
        fields = [
            w
            for w in dialog.query("Input, Select, OptionList")
            if not isinstance(w.parent, Select) and w.parent is not None and w.parent.display
        ]
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


async def test_enter_on_a_dialogs_choice_applies_the_dialog_and_down_opens_its_list() -> None:
    """The optimizer dialog says "Enter applies" and opens on its optimizer: Enter there opened
    the list, and again after a choice, and the dialog could not be applied from it (a tester)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("O")
        await pilot.pause()
        choice = app.screen.query_one("#train-optimizer", Select)
        assert app.focused is choice
        await pilot.press("down")  # the list opens; down to momentum, Enter chooses it
        await pilot.pause()
        assert choice.expanded
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not choice.expanded and choice.value == "momentum"
        await pilot.press("enter")  # on the choice again: applies
        await pilot.pause()
        assert not app.screen.query(".dialog") and app.net.optimizer.name == "momentum"
        await pilot.press("R")  # it opens on its scheme (it was a shift+tab away, behind the value)
        await pilot.pause()
        assert app.focused is app.screen.query_one("#reinit-scheme", Select)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.query(".dialog")  # re-initialised as it stood, no list opened


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
        assert "every weight and bias = value" in str(help_line.content).lower()  # the seed's constant
        app.screen.query_one("#reinit-scheme", Select).value = "xavier"
        await pilot.pause()
        assert "Glorot" in str(help_line.content)


async def test_an_empty_seed_in_the_re_init_dialog_is_said_not_taken_for_0() -> None:
    """Clearing the seed and pressing Enter re-initialised with seed 0, silently (a tester)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_reinit(pilot, app, "normal")
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


async def _open_reinit(pilot, app: StepperApp, scheme: str) -> Widget:
    """The re-init dialog, opened with R, on ``scheme``."""
    await pilot.press("R")
    await pilot.pause()
    dialog = app.screen
    dialog.query_one("#reinit-scheme", Select).value = scheme
    await pilot.pause()
    return dialog


async def _reinit(pilot, app: StepperApp, scheme: str, scale: str) -> Widget:
    dialog = await _open_reinit(pilot, app, scheme)
    dialog.query_one("#reinit-scale", Input).value = scale
    await pilot.press("enter")
    await pilot.pause()
    return dialog


async def test_the_scale_typed_in_the_re_init_dialog_draws_the_weights() -> None:
    """The spec's [init] scale: normal's standard deviation, uniform's half-width. The dialog kept
    the file's scale without a field to change it (a tester's finding)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _reinit(pilot, app, "normal", "0.25")
        assert app.net.init == InitSpec("normal", scale=0.25, seed=1)
        # N(0, 0.25²) draws are the standard draws times 0.25, exactly (a power of 2).
        unit = initial_weights(app.net.layers, InitSpec("normal", scale=1.0, seed=1))
        assert all(np.array_equal(w, 0.25 * u) for w, u in zip(app.walk.values.weights, unit))
        await _reinit(pilot, app, "uniform", "0.03")
        assert app.net.init == InitSpec("uniform", scale=0.03, seed=2)
        weights = np.concatenate([w.ravel() for w in app.walk.values.weights])
        assert np.abs(weights).max() <= 0.03 and np.abs(weights).max() > 0.015
        # The next re-init starts from the scale in use.
        await pilot.press("R")
        await pilot.pause()
        assert app.screen.query_one("#reinit-scale", Input).value == "0.03"


@pytest.mark.parametrize("typed", ["0", "-1", "", "inf", "nan", "1e999"])
async def test_a_bad_scale_is_refused_in_the_dialog_and_nothing_changes(typed: str) -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        before = [w.copy() for w in app.walk.values.weights]
        dialog = await _reinit(pilot, app, "uniform", typed)
        error = dialog.query_one(".error", Label)
        assert app.screen is dialog and error.display
        assert str(error.render()) == "scale: a number greater than 0, e.g. 0.5"
        assert app.focused is dialog.query_one("#reinit-scale", Input)  # where to put it right
        assert app.net.init == InitSpec() and all(
            np.array_equal(a, b) for a, b in zip(before, app.walk.values.weights)
        )


async def test_the_constant_scheme_asks_its_value_and_no_seed() -> None:
    """ "constant: every weight = value" had no value to set, and asked a seed it never used (a
    tester's finding): clones from 0.5 as well as from the seed's 1."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen
        value_row, seed_row = dialog.query_one("#reinit-value-row"), dialog.query_one("#reinit-seed-row")
        dialog.query_one("#reinit-scheme", Select).value = "normal"
        await pilot.pause()
        assert not value_row.display and seed_row.display
        dialog.query_one("#reinit-scheme", Select).value = "constant"
        await pilot.pause()
        assert value_row.display and not seed_row.display
        assert label_of(dialog.query_one("#reinit-value", Input)) == "value"
        dialog.query_one("#reinit-value", Input).value = "nan"
        dialog.query_one("#reinit-value", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert str(dialog.query_one(".error", Label).render()) == "value: a number, e.g. 0.5"
        dialog.query_one("#reinit-value", Input).value = "0.5"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog and app.net.init == InitSpec("constant", value=0.5)
        assert all((w == 0.5).all() for w in app.walk.values.weights)


@pytest.mark.parametrize(
    ("scheme", "field", "needs"),
    [
        ("normal", "#reinit-scale", "scale: a number greater than 0, e.g. 0.5"),
        ("constant", "#reinit-value", "value: a number, e.g. 0.5"),
    ],
)
async def test_letters_typed_in_the_re_init_dialog_are_refused_not_dropped(
    scheme: str, field: str, needs: str
) -> None:
    """The scale and the value were number-typed fields: a letter typed went nowhere, silently, and
    Enter applied the number left (0.5 for "0.5x"), the user never told why (a tester). What is
    typed stays, and is refused with the message a bad number gets."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_reinit(pilot, app, scheme)
        typed = dialog.query_one(field, Input)
        typed.value = ""
        typed.focus()
        await pilot.press(*"0.5x", "enter")
        await pilot.pause()
        assert typed.value == "0.5x" and app.screen is dialog and app.focused is typed
        assert str(dialog.query_one(".error", Label).render()) == needs
        assert app.net.init == InitSpec()


async def test_the_re_init_dialog_opens_on_the_networks_own_init() -> None:
    """It opened on normal for a constant init (the seed's all 1): Enter put random weights in,
    not the init in use. It opens on the scheme and value in use, the keyboard on the scheme (the
    dialog's main choice; Tab goes on to the value), and Enter restarts from the same init. At
    60x20 the value's note stays on one line."""
    app = StepperApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen
        value = dialog.query_one("#reinit-value", Input)
        assert dialog.query_one("#reinit-scheme", Select).value == "constant" and value.value == "1.0"
        assert (
            dialog.query_one("#reinit-value-row").display and not dialog.query_one("#reinit-seed-row").display
        )
        assert app.focused is dialog.query_one("#reinit-scheme", Select)
        await pilot.press("tab")
        assert app.focused is value
        assert dialog.query_one("#reinit-value-row .field-note").size.height == 1
        await pilot.press("escape", "n")
        await pilot.pause()
        assert app.walk.position.done == 1
        await pilot.press("R", "enter")  # the same init again
        await pilot.pause()
        assert not isinstance(app.screen, Reinitialise) and app.net.init == InitSpec()
        assert app.walk.position.iteration == 1 and app.walk.position.done == 0  # restarted
        assert all((w == 1).all() for w in app.walk.values.weights)
        await pilot.press("R")
        await pilot.pause()
        app.screen.query_one("#reinit-value", Input).value = "0.5"
        await pilot.press("enter", "R")
        await pilot.pause()
        assert app.screen.query_one("#reinit-value", Input).value == "0.5"  # the value in use


async def test_weights_given_without_an_init_open_the_re_init_dialog_on_a_random_draw() -> None:
    """sgd-vs-adam gives its weights and no [init]: the default it is read with, constant 1, is not
    how they came, and Enter would have made every weight 1 (its hidden neurons clones)."""
    app = StepperApp("sgd-vs-adam")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert app.screen.query_one("#reinit-scheme", Select).value == "normal"
        assert app.focused is app.screen.query_one("#reinit-scheme", Select)
        await pilot.press("tab", "tab")  # the scale, then the seed, the next draw's in it
        assert app.focused is app.screen.query_one("#reinit-seed", Input)
        assert app.focused.value == "1"


async def test_every_problem_in_the_re_init_dialog_is_said_at_once() -> None:
    """A bad scale and an empty seed: only the seed's problem was said, the scale's only once the
    seed was put right (a tester). Each is said, in the dialog's order, all in view at 80x24, and
    the keyboard goes to the first; a scheme chosen after takes the list away with its fields."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_reinit(pilot, app, "normal")
        scale, seed = dialog.query_one("#reinit-scale", Input), dialog.query_one("#reinit-seed", Input)
        batch = dialog.query_one("#reinit-batch", Input)
        scale.value, seed.value, batch.value = "abc", "", "-1"
        await pilot.press("enter")
        await pilot.pause()
        error = dialog.query_one(".error", Label)
        assert str(error.render()).splitlines() == [
            "scale: a number greater than 0, e.g. 0.5",
            "seed: a whole number, 0 or more",
            "Batch size: a whole number >= 0 (0: all observations).",
        ]
        assert error.region.height == 3 and dialog.query_one(".dialog").content_region.contains_region(
            dialog.query_one(".hint").region
        )
        assert app.focused is scale and app.screen is dialog and app.net.init == InitSpec()
        scale.value = "0.5"
        await pilot.press("enter")
        await pilot.pause()
        assert str(error.render()).splitlines()[0] == "seed: a whole number, 0 or more"
        assert app.focused is seed
        dialog.query_one("#reinit-scheme", Select).value = "xavier"
        await pilot.pause()
        assert not error.display
        seed.value, batch.value = "3", "0"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog and app.net.init == InitSpec("xavier", seed=3)


async def test_the_scale_is_asked_only_of_the_schemes_that_use_it_and_says_what_it_is() -> None:
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        dialog = app.screen
        row, meaning = dialog.query_one("#reinit-scale-row"), dialog.query_one("#reinit-scale-help", Label)
        assert label_of(dialog.query_one("#reinit-scale", Input)) == "scale"
        for scheme, shown, says in [
            ("normal", True, "the standard deviation"),
            ("uniform", True, "the half-width (±scale)"),
            ("xavier", False, ""),
            ("he", False, ""),
            ("constant", False, ""),
        ]:
            dialog.query_one("#reinit-scheme", Select).value = scheme
            await pilot.pause()
            assert row.display is shown and str(meaning.content) == says, scheme
        # A scale left bad in a hidden field does not stop a scheme that has none.
        dialog.query_one("#reinit-scheme", Select).value = "xavier"
        dialog.query_one("#reinit-scale", Input).value = "-1"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog and app.net.init == InitSpec("xavier", seed=1)


async def test_a_saved_network_keeps_the_scale_it_was_drawn_with(tmp_path) -> None:
    """ctrl+s writes the weights, and the [init] they were drawn with: reopened, R starts from the
    same scheme and scale (it started from normal, scale 1)."""
    path = tmp_path / "drawn.toml"
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _reinit(pilot, app, "uniform", "0.3")
        weights = [w.copy() for w in app.walk.values.weights]
        await pilot.press("ctrl+s")
        app.screen.query_one("#save-path", Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause()
    assert '[init]\nscheme = "uniform"\nscale = 0.3\nseed = 1\n' in path.read_text()
    reopened = StepperApp(str(path))
    async with reopened.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert all(np.array_equal(a, b) for a, b in zip(reopened.walk.values.weights, weights))
        await pilot.press("R")
        await pilot.pause()
        assert reopened.screen.query_one("#reinit-scheme", Select).value == "uniform"
        assert reopened.screen.query_one("#reinit-scale", Input).value == "0.3"


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


async def test_export_opens_on_what_to_export_and_enter_saves_from_there(tmp_path, monkeypatch) -> None:
    """The export dialog opened on its file name, what to export and its format a shift+tab away
    behind it. It opens on the first choice (the format, before the first step, when there is
    only the iteration); ↓ opens it, Enter after choosing saves, under the name the choices gave."""
    monkeypatch.chdir(tmp_path)
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#export-format", Select)
        await pilot.press("escape", "n", "x")
        await pilot.pause()
        scope = app.screen.query_one("#export-scope", Select)
        assert app.focused is scope and scope.value == "step"
        await pilot.press("down", "down", "enter")  # the list, "this iteration", chosen
        await pilot.pause()
        assert scope.value == "iteration" and app.focused is scope
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#export-format", Select)
        await pilot.press("enter")  # from the format: saves
        await pilot.pause()
        assert not app.screen.query(".dialog")
        saved = (tmp_path / "identical-columns-iteration1.md").read_text()
        assert "Iteration 1" in saved or "iteration 1" in saved


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


@pytest.mark.parametrize(
    ("key", "field", "needs"),
    [("O", "#train-lr", "η: a number greater than 0"), ("e", "#edit-value", "finite number")],
)
async def test_letters_typed_in_the_training_and_edit_dialogs_are_refused_not_dropped(
    key: str, field: str, needs: str
) -> None:
    """η, λ and a weight's new value were number-typed fields too: "0.5x" applied 0.5, silently.
    What is typed stays, Enter refuses it with the dialog's message, and nothing changes."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view(app, "weights", 0).focus()  # the keyboard on W^0's first cell, a weight, for e
        await pilot.pause()
        weights = [w.copy() for w in app.walk.current_weights()]
        await pilot.press(key)
        await pilot.pause()
        dialog = app.screen
        typed = dialog.query_one(field, Input)
        typed.value = ""
        typed.focus()
        await pilot.press(*"0.5x", "enter")
        await pilot.pause()
        assert typed.value == "0.5x" and app.screen is dialog
        assert needs in str(dialog.query_one(".error", Label).render())
        await pilot.press("escape")
        await pilot.pause()
        assert all((a == b).all() for a, b in zip(weights, app.walk.current_weights()))


async def test_every_problem_in_the_training_dialog_is_said_at_once() -> None:
    """O said one bad field at a time ("η and λ: numbers" once the batch size was put right, not
    saying which), and the keyboard stayed in the last field typed in (a tester). Each bad field is
    named, in the dialog's order, and the keyboard goes to the first."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("O")
        await pilot.pause()
        dialog = app.screen
        for field, text in (("#train-batch", "b"), ("#train-lr", "lr"), ("#train-decay", "wd")):
            dialog.query_one(field, Input).value = text
        dialog.query_one("#train-decay", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        said = str(dialog.query_one("#train-error", Label).render()).splitlines()
        assert [line.split(":")[0] for line in said] == ["Batch size", "η", "λ"]
        assert app.screen is dialog and app.focused is dialog.query_one("#train-batch", Input)


async def test_the_optimizer_dialog_s_notice_names_the_new_learning_rate() -> None:
    """η set in the optimizer dialog was applied but went unsaid: "Now sgd, full batch, from the
    same init." (a tester's finding)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("O")
        await pilot.pause()
        app.screen.query_one("#train-lr", Input).value = "0.1"
        await pilot.press("enter")
        await pilot.pause()
        assert app.net.learning_rate == 0.1
        said = [notification.message for notification in app._notifications]
        assert any("η = 0.1" in message for message in said), said
