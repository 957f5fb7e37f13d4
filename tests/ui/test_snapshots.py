"""What the screen shows, compared with saved SVG snapshots (update with --snapshot-update)."""

from __future__ import annotations

import pytest

from stepper.app import StepperApp


def test_start_screen_80x24(snap_compare) -> None:
    assert snap_compare(StepperApp(), terminal_size=(80, 24))


def test_start_screen_120x40(snap_compare) -> None:
    assert snap_compare(StepperApp(), terminal_size=(120, 40))


def test_mid_forward_pass(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["n", "n", "n"], terminal_size=(80, 24))


def test_mid_backward_pass_shows_the_product_layout(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["f", "n"] + ["n"] * 4, terminal_size=(120, 40))


def test_after_the_update(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["u"], terminal_size=(120, 40))


def test_help_screen(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["question_mark"], terminal_size=(80, 24))


def test_identical_columns_are_marked(snap_compare) -> None:
    """After the forward pass every hidden matrix carries the same group letter on each column."""
    assert snap_compare(StepperApp(), press=["f", *["left_square_bracket"] * 3], terminal_size=(80, 24))


def test_clone_notice_and_marking_wide(snap_compare) -> None:
    """The notice in full, C1 on the clones' columns and outgoing rows, "3 neurons, 1 distinct"."""
    assert snap_compare(StepperApp(), press=["f"], terminal_size=(120, 40))


def test_clone_notice_at_80x24(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["n"], terminal_size=(80, 24))


@pytest.mark.parametrize(
    "example", ["dead-relu", "saturated", "vanishing", "exploding", "constant-output", "partial-clones"]
)
def test_health_warning(snap_compare, example) -> None:
    assert snap_compare(StepperApp(example), press=["n"], terminal_size=(120, 40))


def test_divergence_warning(snap_compare) -> None:
    async def to_iteration_275(pilot) -> None:
        pilot.app.goto_iteration(275)
        await pilot.pause()

    assert snap_compare(StepperApp("diverging"), run_before=to_iteration_275, terminal_size=(100, 30))


def test_seed_predicts_the_mean_after_1000_iterations(snap_compare) -> None:
    async def to_iteration_1001(pilot) -> None:
        pilot.app.goto_iteration(1001)
        await pilot.pause()

    assert snap_compare(StepperApp(), run_before=to_iteration_1001, terminal_size=(120, 40))


def test_health_report_screen(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["h"], terminal_size=(80, 24))


def test_side_by_side(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["v", "i", "f"], terminal_size=(120, 40))


def test_16_colour_theme_at_80x24(snap_compare) -> None:
    """ansi-dark draws with the terminal's own 16 colours: markers and borders still tell it all."""

    async def sixteen_colours(pilot) -> None:
        pilot.app.theme = "ansi-dark"
        await pilot.pause()  # the theme's restyle first, then the steps: a settled screen to compare
        await pilot.press("f")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(StepperApp(), run_before=sixteen_colours, terminal_size=(80, 24))


def test_decision_map_of_the_seed_clones_120x40(snap_compare) -> None:
    """The seed network's map: a flat output, and every clone's map the same (labelled C1)."""
    assert snap_compare(StepperApp(), press=["m"], terminal_size=(120, 40))


def test_decision_map_at_80x24(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["m"], terminal_size=(80, 24))


def _learned_xor_map(theme: str | None):  # type: ignore[no-untyped-def]
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        if theme is not None:
            pilot.app.theme = theme
        pilot.app.goto_iteration(3000)
        await pilot.press("m")
        await pilot.pause()

    return run


def test_decision_map_of_learned_xor_120x40(snap_compare) -> None:
    assert snap_compare(StepperApp("xor"), run_before=_learned_xor_map(None), terminal_size=(120, 40))


def test_decision_map_in_16_colours_120x40(snap_compare) -> None:
    """ansi-dark: a character ramp instead of colours, the observations still ● and ○."""
    assert snap_compare(StepperApp("xor"), run_before=_learned_xor_map("ansi-dark"), terminal_size=(120, 40))


@pytest.mark.parametrize("steps", [1, 14, 19])
def test_the_why_pane_narrates_the_symmetry(snap_compare, steps) -> None:
    """n^1: equal because W^0's columns are; δ^2: because dC/da^2 and da^2/dn^2 are, in the end W^2's
    outgoing rows; dC/dW^0: equal gradients for the clones."""
    assert snap_compare(StepperApp(), press=["n"] * steps, terminal_size=(120, 40))


def test_the_why_pane_says_where_s_broke_the_symmetry(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["s", "n"], terminal_size=(120, 40))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_quiz_dialog(snap_compare, size) -> None:
    assert snap_compare(StepperApp(), press=["n", "t", "0", ".", "9"], terminal_size=size)


def _quiz_answered(value: str):  # type: ignore[no-untyped-def]
    """Keys for step 1, the quiz, an answer for a^1[o=0, j=0] (0.9002495), then waits until the screen
    has settled (a snapshot taken mid-redraw showed half of the old screen)."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("n", "t")
        await pilot.pause()
        await pilot.press(*value, "enter")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("value", ["0.9008", "0.9002"], ids=["wrong", "right"])
def test_the_quiz_answer_at_80x24(snap_compare, value) -> None:
    """✗ wrong: the right value and the cell's computation in the Why pane, the score in the header."""
    assert snap_compare(StepperApp(), run_before=_quiz_answered(value), terminal_size=(80, 24))


# Issue 12: each screen state at 80x24, 120x40 and 200x60, under NO_COLOR and in a 16-colour theme.
STATES = {
    "start": [],
    "forward": ["n", "n", "n"],
    "backward-cell": ["f", "n", "n", "n", "n", "n", "down", "right"],  # step 11, a cell selected
    "update": ["u"],
    "why-tall": ["n", "n", "n", "down", "w"],
    "side-by-side": ["v", "i", "f"],
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=["80x24", "120x40", "200x60"])
@pytest.mark.parametrize("state", list(STATES))
def test_screen_states(snap_compare, state, size) -> None:
    assert snap_compare(StepperApp(), press=STATES[state], terminal_size=size)


@pytest.mark.parametrize("state", ["forward", "backward-cell", "side-by-side"])
def test_screen_states_no_color(snap_compare, state, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(StepperApp(), press=STATES[state], terminal_size=(80, 24))


@pytest.mark.parametrize("state", ["backward-cell", "update"])
def test_screen_states_16_colours(snap_compare, state) -> None:
    async def sixteen_colours(pilot) -> None:
        pilot.app.theme = "ansi-light"
        await pilot.pause()

    app = StepperApp()
    assert snap_compare(app, run_before=sixteen_colours, press=STATES[state], terminal_size=(120, 40))


@pytest.mark.parametrize("key", ["o", "R", "x", "g", "ctrl+s"])
def test_dialogs_at_80x24(snap_compare, key) -> None:
    assert snap_compare(StepperApp(), press=[key], terminal_size=(80, 24))


def test_update_at_80x24_keeps_the_clone_marks_in_a_top_border(snap_compare) -> None:
    """Iteration 2's W^1 update at 80x24, a line short beside the Why pane's lead: dC/dW^1's column
    headers, C1 in its colour, over their columns in its top border after "dC/dW^1" (they were left
    out); W^1 and the result keep theirs on their own line."""
    assert snap_compare(StepperApp(), press=["n"] * 44, terminal_size=(80, 24))


def test_xor_wide_matrix_whole_columns_at_80x24(snap_compare) -> None:
    """W^0 of xor does not fit: whole columns and the position line, never part of a number."""
    assert snap_compare(StepperApp("xor"), press=["right", "tab", "right", "right"], terminal_size=(80, 24))


def test_60x20_nothing_overlaps(snap_compare) -> None:
    assert snap_compare(StepperApp(), press=["f", "n"], terminal_size=(60, 20))
