"""Sessions, edits and exports in the app: save, quit, reopen exactly; edit a weight; share a step."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Button

from stepper.app import StepperApp
from stepper.app.clipboard import clipboard_notice
from stepper.app.screens.prompts import EditValue, Export, SavePath
from stepper.app.widgets.health import HealthNotice
from stepper.app.widgets.matrix import MatrixView
from stepper.engine.walk import Position
from stepper.errors import StepperError
from stepper.exports.network_file import save_network
from stepper.netfile import load_network
from tests.ui.helpers import screen_lines, state, view


async def edit_first_bias(app: StepperApp, pilot, value: str) -> None:
    """Select W^0[b, j=1] (row 0, column 1) with the keyboard and type a new value."""
    while not view(app, "weights", 0).parent.display:  # [ shows the layers to the left
        await pilot.press("left_square_bracket")
    view(app, "weights", 0).focus()
    await pilot.press("right", "e")
    assert isinstance(app.screen, EditValue)
    app.screen.query_one("#edit-value").value = value
    await pilot.press("enter")
    await pilot.pause()


async def test_editing_a_weight_recomputes_everything_downstream() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        assert view(app, "n", 1).text().count("2.2000000") == 3
        await edit_first_bias(app, pilot, "2")
        w0 = app.walk.values.weights[0]
        assert w0[0, 1] == 2.0 and w0[0, 0] == 1.0
        # n^1_1 = 2 + 0.8 + 0.4: one column changed, the others did not; the clones are no more.
        n1 = view(app, "n", 1).text()
        assert "3.2000000" in n1 and n1.count("2.2000000") == 2
        # Neuron 1 of layer 1 is no clone any more; layer 2's neurons still get equal inputs and weights.
        clones = [(g.layer, g.neurons) for g in app.walk.diagnosis.clones]
        assert clones == [(1, (0, 2)), (2, (0, 1, 2))]
        await pilot.press("u")
        assert app.walk.values.grad[0][0, 1] != app.walk.values.grad[0][0, 0]


async def test_editing_a_weight_below_the_bias_row_opens_its_dialog_at_80x24() -> None:
    """Its name W^0[i=0, j=0] is text, not markup: the dialog used to crash the app (MarkupError)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view(app, "weights", 0).focus()
        await pilot.press("down", "e")
        assert isinstance(app.screen, EditValue)
        assert "W^0[i=0, j=0]" in str(app.screen.query_one(".field").render())
        app.screen.query_one("#edit-value").value = "[bold]"  # not a number: said so, no crash
        await pilot.press("enter")
        assert "finite number" in str(app.screen.query_one("#edit-error").render())
        await pilot.press("escape")
        assert app.walk.values.weights[0][1, 0] == 1.0


async def test_edit_needs_a_weight_cell() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        view(app, "n", 1).focus()
        await pilot.press("e")
        assert not isinstance(app.screen, EditValue)


async def test_save_quit_reopen_restores_the_exact_state(tmp_path: Path) -> None:
    path = tmp_path / "session.toml"
    app = StepperApp("random-init")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 30)  # into iteration 2
        await edit_first_bias(app, pilot, "0.1234567890123456789")
        await pilot.press(*"n" * 40)
        before = state(app)
        back_before = [app.walk.history.weights_at(k) for k in (1, 2, 3)]
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SavePath)
        app.screen.query_one("#save-path").value = str(path)
        await pilot.press("enter")
        await pilot.press("q")
    reopened = StepperApp(str(path))
    async with reopened.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert state(reopened) == before
        assert reopened.walk.position == Position(4, 1)
        for k, weights in zip((1, 2, 3), back_before):
            assert all(np.array_equal(a, b) for a, b in zip(reopened.walk.history.weights_at(k), weights))
        await pilot.press(*"p" * 70)  # stepping back across the edit works as before saving
        assert reopened.walk.position == Position(1, 0)


def test_an_edit_at_iteration_1_becomes_the_networks_weights(cli, tmp_path: Path) -> None:
    from stepper.engine.walk import Walk

    walk = Walk(load_network())
    walk.edit_weight(1, 2, 0, -0.5)
    path = tmp_path / "edited.toml"
    save_network(walk.net, path, walk.session())
    trace = cli("trace", str(path), "--format", "json").json()
    assert trace["iterations"][0]["weights_before"][1][2][0] == -0.5


def test_floats_round_trip_exactly(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    net = load_network("xor")
    weights = [rng.normal(size=w.shape) * 10.0 ** rng.integers(-300, 300, size=w.shape) for w in net.weights]
    edited = net.with_weights(weights)
    save_network(edited, tmp_path / "n.toml")
    again = load_network(str(tmp_path / "n.toml"))
    assert all(np.array_equal(a, b) for a, b in zip(again.weights, edited.weights))
    assert np.array_equal(again.inputs, net.inputs) and again.learning_rate == net.learning_rate


@pytest.mark.parametrize("failure", ["replace", "interrupt"])
def test_an_interrupted_save_leaves_the_old_file_intact(tmp_path: Path, monkeypatch, failure) -> None:
    path = tmp_path / "net.toml"
    save_network(load_network(), path)
    old = path.read_bytes()

    def broken(*args, **kwargs):
        if failure == "interrupt":
            raise KeyboardInterrupt
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace" if failure == "replace" else "fsync", broken)
    with pytest.raises(KeyboardInterrupt if failure == "interrupt" else StepperError):
        save_network(load_network("random-init"), path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["net.toml"]  # no temporary file left behind


async def test_export_the_current_step_as_markdown_and_copy_it(tmp_path: Path) -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 11)  # dC/dW^2
        await pilot.press("x")
        assert isinstance(app.screen, Export)
        target = tmp_path / "step.md"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        text = target.read_text()
        assert "### Step 11: backward · weight gradient dC/dW^2" in text and "0.02881269" in text
        assert "### Step 10" not in text
        await pilot.press("x")
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.clipboard == text


def test_a_bad_session_table_gets_exit_2(cli, tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    save_network(load_network(), path)
    path.write_text(path.read_text() + "\n[session]\niteration = 2\nstep = 99\n")
    run = cli("trace", str(path))
    assert run.code == 2 and "session.step" in run.err and "0..22" in run.err


async def test_compare_marks_the_learners_wrong_cells_and_opens_at_the_first(tmp_path: Path) -> None:
    import json

    from tests.test_compare import learner_trace

    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(learner_trace("random-init", "derivative forgotten")))
    app = StepperApp("random-init", compare=mine)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert app.walk.position == Position(1, 14)  # δ^2 just computed: the first wrong quantity
        delta2 = view(app, "delta", 2).text()
        assert delta2.count("≠") == 6  # every cell of δ^2 differs
        assert "≠" not in view(app, "dC_da", 2).text()  # what came before matched
        why = str(app.query_one("#explain-text").render())
        assert "≠ mine.json differs in 6 of 6 cells; first at δ^2[o=0, j=0]" in why
        view(app, "delta", 2).focus()  # the selected cell: ours term by term, and theirs
        await pilot.pause()
        why = str(app.query_one("#explain-text").render())
        # Theirs as their float32 wrote it (as `stepper compare` prints it), not in 7 digits.
        assert "δ^2[o=0, j=0]" in why and "≠ yours (mine.json): -0.073594935" in why
        await pilot.press("s")  # another init: the learner's numbers no longer apply
        await pilot.press(*"n" * 14)
        assert app.checker is None and "≠" not in view(app, "delta", 2).text()


async def test_compare_marks_one_wrong_cell_after_its_number_and_puts_the_cursor_on_it(
    tmp_path: Path,
) -> None:
    """a^2[1, 2] off by a little: the screen showed "0.9705753≠0.9705753", read as an inequality
    between two cells, and the cursor was on o=0, j=0 (a tester's finding)."""
    import json

    from tests.test_compare import learner_trace

    trace = learner_trace("identical-columns", None)
    trace["iterations"][0]["a"][2][1][2] += 1e-3
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(trace))
    app = StepperApp(compare=mine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        a2 = view(app, "a", 2)
        assert app.walk.position == Position(1, 4) and app.screen.focused is a2 and a2.cursor == (1, 2)
        # Each number keeps a place for a mark after it: the columns stay aligned.
        assert a2.text().splitlines()[1:] == [
            "o=0  0.9758906  0.9758906  0.9758906",
            "o=1  0.9705753  0.9705753  0.9705753≠",
        ]
        assert str(app.query_one("#explain-text").render()).startswith("a^2[o=1, j=2]")


async def compare_notices(tmp_path: Path, grad: list[object], size: tuple[int, int]) -> list[str]:
    """The notices the app shows opened with ``--compare`` on a trace whose first iteration gives
    only the gradients ``grad`` (None for one left out)."""
    import json

    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [{"grad": grad}]}))
    app = StepperApp(compare=mine)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return [str(n.message) for n in app._notifications]


async def test_compare_of_a_gradient_without_its_bias_row_says_the_row_is_missing(tmp_path: Path) -> None:
    """dC/dW^1 given as its rows i=0–2, all right: the notice said "12 of 12 numbers differ"."""
    from tests.test_compare import learner_trace

    grad1 = learner_trace("identical-columns", None, iterations=1)["iterations"][0]["grad"][1]
    notes = await compare_notices(tmp_path, [None, grad1[1:], None], (120, 40))
    # No cell is marked ≠ (the matrix has another shape): the notice says what it is instead.
    assert any("All 9 numbers given match; 3 are missing." in n for n in notes), notes
    assert not any("marked" in n for n in notes), notes


async def test_compare_of_a_transposed_gradient_says_so_not_marked(tmp_path: Path) -> None:
    """The notice said "8 of 12 numbers differ; they are marked ≠." with no cell marked."""
    import numpy as np

    from tests.test_compare import learner_trace

    grad2 = np.array(learner_trace("identical-columns", None, iterations=1)["iterations"][0]["grad"][2])
    notes = await compare_notices(tmp_path, [None, None, grad2.T.tolist()], (80, 24))
    assert any("It is the expected matrix transposed" in n for n in notes), notes
    assert not any("marked" in n for n in notes), notes


async def test_compare_with_correct_numbers_marks_nothing(tmp_path: Path) -> None:
    import json

    from tests.test_compare import learner_trace

    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(learner_trace("identical-columns", None)))
    app = StepperApp(compare=mine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("u")
        assert app.walk.position == Position(1, 22)
        assert not any("≠" in v.text() for v in app.query(MatrixView))


def test_open_with_a_malformed_compare_file_exits_2_before_the_screen(cli, tmp_path: Path) -> None:
    bad = tmp_path / "mine.json"
    bad.write_text('{"iterations": 3}')
    run = cli("--compare", str(bad))
    assert run.code == 2 and '"iterations" list' in run.err


@pytest.mark.parametrize(
    ("env", "headless", "says"),
    [
        ({"TERM": "xterm-256color"}, False, "Sent step 11 as markdown (1,234 characters) to the terminal's"),
        ({"TERM": "xterm-256color", "TMUX": "/tmp/tmux"}, False, "(tmux: set -g set-clipboard on)"),
        ({"TERM_PROGRAM": "Apple_Terminal"}, False, "Not copied: macOS Terminal ignores"),
        ({"TERM": "linux"}, False, "Not copied: the Linux console has no clipboard"),
        ({}, True, "Not copied: no terminal"),
    ],
)
def test_ctrl_y_says_copied_only_when_it_could_be(env: dict[str, str], headless: bool, says: str) -> None:
    notice = clipboard_notice("step 11 as markdown", 1234, env, headless)
    assert says in notice.message
    assert "Copied" not in notice.message
    assert notice.severity == ("warning" if "Not copied" in says else "information")


async def test_an_export_after_s_or_an_edit_says_where_the_symmetry_broke_as_the_why_pane_does(
    tmp_path: Path,
) -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "n")  # n^1 of the re-initialised network: the clones break here
        await pilot.pause()
        why = str(app.query_one("#explain-text").render())
        assert "The symmetry breaks here first" in why
        await pilot.press("x")
        target = tmp_path / "after-s.md"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "> The symmetry breaks here first: neurons 0–2 of layer 1" in target.read_text()

    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await edit_first_bias(app, pilot, "1.5")
        await pilot.pause()
        await pilot.press("x")
        target = tmp_path / "edited.txt"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "init constant 1, then weights edited by hand" in target.read_text().splitlines()[0]


async def test_the_clone_notice_after_an_edit_keeps_to_two_lines_at_80_columns() -> None:
    """A fresh tester: an edit that leaves some clones made the notice three lines at 80x24 (each
    layer's neurons written out). It takes shorter words instead, keeps what it means (which
    layers, never differ, the effective shape) and the break-symmetry button's key."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_first_bias(app, pilot, "2")
        notice = app.screen.query_one(HealthNotice)
        # Each size in its own wording: from 120 columns every finding is written out in full.
        for size in [(80, 24), (60, 20), (120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            if size[0] >= 120:
                continue
            text = str(notice.query_one("#health-text").render())
            assert notice.region.height == 2, (size, text)
            assert ("layer 1" in text and "layer 2" in text) or "layers 1 and 2" in text, text
            assert "never differ" in text and "ffectively 2-2-1-2." in text, text
            assert "h: report" in " ".join(screen_lines(app, notice.region)), size
            button = notice.query_one("#break-symmetry", Button)
            assert button.display and str(button.label).startswith("s:") and button.region.right <= size[0]


async def test_a_shape_note_reads_whole_inside_a_small_matrix(tmp_path: Path) -> None:
    """dC/dW^2 (4×2, two columns) given as 2×4 numbers that are not its transpose: the note under
    the grid was cut at the box, "≠ yours: shape 2×4, expected" (a tester's finding). It goes on
    the next line, a shape never parted from its word, and the box keeps its numbers' width."""
    import json

    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [{"grad": [None, None, [[1, 2, 3, 4], [5, 6, 7, 8]]]}]}))
    for size in ((80, 24), (120, 40)):
        app = StepperApp(compare=mine)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert app.walk.position == Position(1, 11)
            grad = view(app, "grad", 2)
            lines = grad.text().splitlines()
            assert lines[-2:] == ["≠ yours: shape 2×4,", "expected 4×2"], lines
            assert lines[1] == "b       0.02881269 0.05969584"  # the numbers' width: 29 columns
            assert grad.content_width == 29
            # On screen too, inside the border.
            shown = screen_lines(app, grad.region)
            assert any("┃≠ yours: shape 2×4,          ┃" in line for line in shown), shown
            assert any("┃expected 4×2                 ┃" in line for line in shown), shown


async def test_the_why_pane_shows_the_learners_number_as_they_wrote_it(tmp_path: Path) -> None:
    """n^1[o=0, j=0] written 0.0580621 (2.2 expected): the Why pane said "≠ yours: 0.05806210",
    with a digit the learner never wrote, where `stepper compare` says 0.0580621."""
    import json

    from stepper.exports.compare_out import as_written

    mine = tmp_path / "mine.json"
    n1 = [None, [[0.0580621, 2.2, 2.2], [1.6, 1.6, 1.6]]]
    mine.write_text(json.dumps({"iterations": [{"n": n1}]}))
    app = StepperApp(compare=mine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.walk.position == Position(1, 1)
        why = str(app.query_one("#explain-text").render())
        assert why.startswith("n^1[o=0, j=0]")  # the cursor on the differing cell
        assert "≠ yours (mine.json): 0.0580621\n" in why + "\n", why
        assert "0.05806210" not in why
        # The matrix's line of differences says it the same way: one source, compare's.
        assert "expected 2.2000000, yours 0.0580621." in why
        assert as_written(0.0580621) == "0.0580621"


async def test_compare_of_a_gradient_with_its_bias_row_last_says_so(tmp_path: Path) -> None:
    """dC/dW^2 with the bias as its last row: its cells are marked, and the notice gave no cause."""
    import numpy as np

    from tests.test_compare import learner_trace

    grad2 = np.array(learner_trace("identical-columns", None, iterations=1)["iterations"][0]["grad"][2])
    notes = await compare_notices(tmp_path, [None, None, np.roll(grad2, -1, axis=0).tolist()], (80, 24))
    assert any("dC/dW^2[b, j=0]. It is the expected matrix with its bias row put last" in n for n in notes)
    assert any(n.endswith("4 of 8 numbers differ; they are marked ≠.") for n in notes), notes
