"""The decision map pane (spec section 8): shown and hidden with m, redrawn at each update, clones'
maps identical, and what it looks like."""

from __future__ import annotations

import re

from stepper.app import StepperApp
from stepper.app.commands import screen_commands
from stepper.app.widgets.decision_map import DecisionMapView
from stepper.app.widgets.layer_pane import LayerPane
from stepper.app.widgets.matrix import MatrixView
from stepper.engine.decision_map import decision_map
from stepper.engine.explain import cell_name
from stepper.formatting import format_number, precision
from tests.ui.helpers import screen_lines


def pane(app: StepperApp) -> DecisionMapView:
    return app.query_one("#map", DecisionMapView)


def tile_texts(text: str, titles: list[str]) -> dict[str, list[str]]:
    """Each small map's lines, cut out of the pane's text under its title."""
    lines = text.splitlines()
    out: dict[str, list[str]] = {}
    for title in titles:
        row = next(k for k, line in enumerate(lines) if title in line)
        col = lines[row].index(title)
        out[title] = [line[col : col + 10] for line in lines[row + 1 : row + 6]]
    return out


async def test_m_shows_the_map_in_the_layers_place_at_80_columns_and_hides_it() -> None:
    app = StepperApp("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        assert not pane(app).display
        await pilot.press("m")
        await pilot.pause()
        assert pane(app).display
        assert not any(p.display for p in app.query(LayerPane)) and not app.screen.view.step_pane.display
        assert "a^2_0 output" in pane(app).text() and "target high" in pane(app).text()
        await pilot.press("m")
        await pilot.pause()
        # Back to the step view (the current step's matrices, narrow).
        assert not pane(app).display and app.screen.view.step_pane.display


async def test_the_keyboard_goes_to_the_map_when_it_takes_the_matrices_place() -> None:
    """At 80x24 m hid the matrices and Textual moved the keyboard to another hidden matrix: the
    arrows moved a cursor out of sight and nothing on screen had focus."""
    app = StepperApp("xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"n" * 9, "down")
        await pilot.pause()
        assert isinstance(app.focused, MatrixView)
        await pilot.press("m")
        await pilot.pause()
        assert app.focused is pane(app)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.focused, MatrixView) and app.focused.region.area  # back, and seen


async def test_beside_the_layers_in_a_wide_terminal() -> None:
    app = StepperApp("xor")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert pane(app).display and any(p.display for p in app.query(LayerPane))


async def test_hiding_the_map_brings_the_cursor_back_to_its_cell() -> None:
    """At 80x24 the map takes the matrices' place: m, m moved the cursor from a^2, the current
    matrix, to n^2, an operand, and the Why pane explained that instead (a tester's finding)."""
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"nnnn", "right")  # a^2, its cell (o=0, j=1)
        await pilot.pause()
        await pilot.press("m", "m")
        await pilot.pause()
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, MatrixView) and focused.ref.symbol == "a^2" and focused.cursor == (0, 1)
        assert str(app.query_one("#explain-text").render()).startswith("a^2[o=0, j=1]")
        # Stepped with the map shown: the cursor comes back on the new step's matrix.
        await pilot.press("m", "n", "m")
        await pilot.pause()
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, MatrixView) and focused.ref.symbol == "n^3"


async def test_the_why_pane_explains_the_cell_at_every_step_with_the_map_shown() -> None:
    """At 80x24 the map takes the matrices' place, and the Why pane lost the selected cell: it began
    at the step's formula ("weight gradient dC/dW^1 …"), and after space at "update W^1 …" (a
    tester's finding). With the map shown, the pane's first lines are the cell's name and its
    computation down to its result, at every step, as without the map; at every size."""
    for size in [(80, 24), (120, 40), (200, 60)]:
        app = StepperApp("xor")
        async with app.run_test(size=size) as pilot:
            await pilot.press(*"n" * 9, "down")  # dC/dW^1 (4×1), its cell (1, 0): W^1[i=0, j=0]'s
            await pilot.pause()
            await pilot.press("m")
            await pilot.pause()
            walk, digits = app.walk, app.screen.view.digits
            for _ in range(7):  # this step, the rest of the iteration, and the next one's first
                await pilot.pause()
                if size == (80, 24):  # no matrix on screen: the cell follows the steps, as the cursor did
                    step = walk.current_step or walk.next_step
                    ref = step.output if walk.current_step is not None else step.inputs[0]
                    row, col = min(1, walk.value(ref).shape[0] - 1), 0
                else:  # the map beside the matrices: the cursor's cell
                    selected = app.screen.view.selected_cell()
                    assert selected is not None, (size, walk.position)
                    ref, row, col = selected
                value = walk.value(ref)
                lines = screen_lines(app, app.query_one("#explain").region)[1:-1]
                text = [line.strip("│┃ ") for line in lines]
                assert text[0].startswith(cell_name(ref, row, col)), (size, walk.position, lines)
                with precision(digits):
                    result = f"= {format_number(float(value[row, col]))}"
                assert result in " ".join(text), (size, walk.position, lines)
                await pilot.press("n")


async def test_the_map_follows_the_weights_after_each_update() -> None:
    app = StepperApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        first = pane(app).state
        await pilot.press("f")  # the forward pass changes no weight: the same weights, no new map
        await pilot.pause()
        assert all(a is b for a, b in zip(pane(app).state.weights, first.weights))
        await pilot.press("u")  # the update: the map of the new weights
        await pilot.pause()
        for _ in range(3):
            await pilot.press("i")
        await pilot.pause()
        # What the pane draws is the map of the weights the walk stands on, whatever the route.
        shown = pane(app).state
        assert shown is not None and shown.iteration == app.walk.iteration == 4
        assert [w.tobytes() for w in shown.weights] == [w.tobytes() for w in app.walk.current_weights()]
        assert shown.weights[0].tobytes() != first.weights[0].tobytes()


async def test_clones_have_identical_maps_until_the_symmetry_is_broken() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        # Colour is not in the text: compare the maps the pane drew from, and the labels it shows.
        view = pane(app)
        assert view.plan is not None
        hidden = view.map_for(view.plan.small).hidden
        for layer in hidden:
            assert (layer[:, :, 0] == layer[:, :, 1]).all() and (layer[:, :, 1] == layer[:, :, 2]).all()
        text = view.text()
        # Six small maps, each titled with its neuron and the clone mark (narrow maps: "j=0 C1"
        # under their layer's heading).
        assert "layer 1" in text and "layer 2" in text
        assert all(text.count(f"j={n} C1") == 2 or f"a^1_{n} C1" in text for n in range(3))
        assert text.count(" C1") == 6
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()
        text = pane(app).text()
        assert "C1" not in text
        hidden = decision_map(app.net, app.walk.current_weights(), 12).hidden
        assert not (hidden[0][:, :, 0] == hidden[0][:, :, 1]).all()


async def test_ramp_under_16_colours_marks_observations_by_target() -> None:
    app = StepperApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "ansi-dark"
        app.goto_iteration(3000)
        await pilot.press("m")
        await pilot.pause()
        text = pane(app).text()
        assert "' .:-=+*#%@'" in text  # the ramp's legend
        assert text.count("●") >= 2 and text.count("○") >= 2
        assert "@" in text and " " in text


async def test_a_network_without_two_inputs_has_no_map(tmp_path) -> None:
    path = tmp_path / "three.toml"
    path.write_text(
        'layers = [3, 2]\nactivation = "sigmoid"\ncost = "sse"\nlearning_rate = 1\n'
        "inputs = [[1, 2, 3]]\ntargets = [[1, 0]]\n"
    )
    app = StepperApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert not pane(app).display
        assert any("need 2 inputs" in str(n.message) for n in app._notifications)


async def test_the_map_exports_as_text_and_svg(tmp_path) -> None:
    app = StepperApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        for name in ("map.txt", "map.svg"):
            app.walk_screen.export_map(str(tmp_path / name))
            await pilot.pause()
    text = (tmp_path / "map.txt").read_text()
    assert "Weights after 1 iteration; a 41×41 grid" in text and "●" in text and "○" in text
    svg = (tmp_path / "map.svg").read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    # A dot per observation, the legend (scale's range, the dots' meaning) and every hidden
    # neuron's map with its label.
    assert svg.count("<circle") == 4 and "after 1 iteration<" in svg
    assert "a^2 (sigmoid)" in svg and "● target high" in svg
    assert all(f">a^1_{n}<" in svg for n in range(3)) and "layer 1 · sigmoid" in svg
    # The grid's cells: a rect per run of one colour along a row, never more than one per cell.
    cells = svg.count("<rect") - 1 - 65
    assert 41 * (1 + 3) <= cells <= 41 * 41 * (1 + 3)


async def test_the_svg_marks_the_seeds_clones_with_their_identical_maps(tmp_path) -> None:
    import re

    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.walk_screen.export_map(str(tmp_path / "seed.svg"))
        await pilot.pause()
    svg = (tmp_path / "seed.svg").read_text()
    assert all(f"a^{l}_{n} C1<" in svg for l in (1, 2) for n in range(3))
    # Each neuron's map is drawn from its title on; clones' maps are the same rects, moved across.
    tiles = re.split(r"<text[^>]*>a\^1_\d C1</text>", svg.split("layer 2")[0])[1:]
    fills = [re.findall(r'width="(\d+)" height="3" fill="(#[0-9a-f]+)"', t) for t in tiles]
    assert len(fills) == 3 and fills[0] and fills[0] == fills[1] == fills[2]


async def test_the_svgs_caption_is_inside_it_and_the_default_name_says_the_same_iteration() -> None:
    import re

    from textual.widgets import Input

    from stepper.exports.map_svg import CHAR, MARGIN

    app = StepperApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "M")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "xor-after1-map.txt"
        await pilot.press("escape")
        dmap = decision_map(app.walk_screen.net, app.walk_screen.walk.current_weights())
        from stepper.exports.map_svg import map_svg

        svg = map_svg(app.walk_screen.net, dmap, 1)
    width = int(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    texts = re.findall(r'<text x="(\d+)"[^>]*>([^<]*)</text>', svg)
    assert all(int(x) + CHAR * len(t) <= width + MARGIN for x, t in texts if "target" in t or "x^0" in t)


async def test_help_and_palette_name_the_map_keys() -> None:
    app = StepperApp("xor")
    async with app.run_test(size=(80, 24)):
        commands = {(name, help) for name, help, _ in screen_commands(app.walk_screen)}
        assert ("Decision map", "Decision map on / off (networks with 2 inputs) · key m") in commands
        assert ("Export decision map", "Export the decision map (.txt or .svg) · key M") in commands


async def test_side_by_side_shows_both_maps_clones_against_random() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("v", "m")
        await pilot.pause()
        views = list(app.screen.query(DecisionMapView))
        assert len(views) == 2 and all(v.display for v in views)
        texts = [v.text() for v in views]
        assert "a^1_0 C1" in texts[0] and "C1" not in texts[1]  # constant 1 init: clones; random: none


async def test_no_color_draws_the_ramp(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = StepperApp("circle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        text = pane(app).text()
        assert "' .:-=+*#%@'" in text and "▀" not in text
        # circle's many observations on a small map: the small dots, told apart without colour.
        assert "•" in text and "◦" in text


def visible_lines(view: DecisionMapView) -> list[str]:
    """The lines of the pane on screen without scrolling."""
    return view.text().splitlines()[: view.scrollable_content_region.height]


async def test_every_neurons_map_is_whole_on_screen_when_they_fit() -> None:
    """The output map is sized by the pane's height as well as its width: the neurons' maps are not
    pushed below the pane's bottom (default and xor at 120x40 and 200x60)."""
    sizes = [(80, 24), (120, 40), (200, 60)]
    for example, size in [*(("xor", s) for s in sizes), *((None, s) for s in sizes)]:
        app = StepperApp(example)
        async with app.run_test(size=size) as pilot:
            await pilot.press("m")
            await pilot.pause()
            view = pane(app)
            text = view.text().splitlines()
            shown = visible_lines(view)
            assert len(text) <= view.scrollable_content_region.height, (example, size)
            assert "more maps below" not in "\n".join(shown)
            # Every hidden neuron's map (the seed's 6 clones: each marked C1) and the legend.
            titles = "\n".join(shown)
            neurons = sum(app.net.layers[1:-1])
            tiles = re.findall(r"(?:a\^\d+_\d+|\bj=\d+)(?! output)", titles)
            assert len(tiles) == neurons, tiles
            assert "target high" in titles and ("sigmoid" in titles)
            if example is None:
                assert titles.count(" C1") == neurons


async def test_too_many_neurons_say_how_many_maps_are_below() -> None:
    for example in ("spiral",):  # 16+16 neurons in a 23-line pane
        app = StepperApp(example)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("m")
            await pilot.pause()
            shown = "\n".join(visible_lines(pane(app)))
            assert "24 more maps below — scroll" in shown or "▾ 24 more below" in shown
            assert "a^1_0" in shown


async def test_the_output_map_does_not_grow_when_the_pane_gets_shorter() -> None:
    app = StepperApp("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        sizes = []
        for height in range(40, 20, -1):
            await pilot.resize_terminal(120, height)
            await pilot.pause()
            assert pane(app)._output_map is not None
            sizes.append(pane(app)._output_map.resolution)
        assert sizes == sorted(sizes, reverse=True)


async def test_the_panes_title_is_whole_with_its_m_hides_hint_at_120_columns() -> None:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        view = pane(app)
        title = str(view.border_title)
        assert "m hides" in title and "iteration" in title
        assert len(title) + 4 <= view.size.width  # the border's corners and spaces around it


async def test_the_footers_palette_key_reaches_the_right_edge_on_a_narrow_terminal() -> None:
    """No column left of the keys scrolled under the docked palette key ("▏^p paletteq"); below 80
    columns the palette key leaves the footer (the keys need the room)."""
    from textual.widgets._footer import FooterKey

    for size in ((80, 24), (100, 30)):
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            for _ in range(50):  # the footer composes its keys after the first frame: wait for them
                await pilot.pause()
                keys = app.screen.query("FooterKey.-command-palette").results(FooterKey)
                key = next(keys, None)
                if key is not None and key.region.width:
                    break
            assert key is not None and key.region.right == size[0]
            assert app.screen.get_widget_at(size[0] - 1, size[1] - 1)[0] is key
    for size in ((60, 20), (40, 12)):
        app = StepperApp()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert not app.screen.query("FooterKey.-command-palette")


async def test_many_observations_get_smaller_dots_so_the_map_shows_between_them() -> None:
    app = StepperApp("spiral")  # 200 observations
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        text = pane(app).text()
        assert "•" in text and "◦" in text and "●" not in text and "○" not in text
        assert "• target high" in text and "◦ target low" in text
    app = StepperApp("xor")  # 4: the big dots
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        text = pane(app).text()
        assert "● target high" in text and "○ target low" in text


async def test_opening_a_shallower_network_with_the_map_shown_keeps_the_app() -> None:
    """m, i (the update is in layer 2), then open a 2-layer network without 2 inputs: the map goes
    away and the walk starts at layer 1 (it raised IndexError and closed the app)."""
    for name in ("minibatch-noise", "circle"):
        app = StepperApp()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("m", "i")
            await pilot.pause()
            await pilot.press("o")
            await pilot.pause()
            app.screen.query_one("#open-path").value = name  # type: ignore[attr-defined]
            await pilot.press("enter")
            await pilot.pause()
            assert app.net.name == name and app.walk_screen.view.shown_layer == 1
            assert app.walk_screen.view.map_shown is (app.net.layers[0] == 2)
