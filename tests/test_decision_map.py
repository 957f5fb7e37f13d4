"""Decision maps (spec section 8): the grid, the values against a direct forward pass, the command."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.engine.decision_map import decision_map, grid_axes, observation_cells
from stepper.engine.init import InitSpec
from stepper.engine.iteration import forward
from stepper.engine.network import Network
from stepper.engine.training import train
from stepper.netfile import load_network


def _at(net: Network, weights: tuple[np.ndarray, ...], point: tuple[float, float]) -> list[np.ndarray]:
    """a^0..a^L for one input, by the engine's own forward pass on a one-row batch."""
    one = dataclasses.replace(net, inputs=np.array([point], dtype=np.float64))
    return forward(one, weights)[1]


def test_the_grid_is_the_spec_s_worked_by_hand() -> None:
    # x0 spans 0..1 (span 1): -0.1..1.1; x1 is constant 3 (span 0 → 1): 2.9..3.1.
    x, y = grid_axes(np.array([[0.0, 3.0], [1.0, 3.0]]), 5)
    assert x.tolist() == pytest.approx([-0.1, 0.2, 0.5, 0.8, 1.1])
    assert y.tolist() == pytest.approx([2.9, 2.95, 3.0, 3.05, 3.1])


def test_json_grid_and_values_match_a_direct_forward_pass(cli) -> None:
    net = load_network("xor")
    run = cli("map", "xor", "--iterations", "50", "--resolution", "7", "--format", "json")
    assert run.code == 0, run.err
    doc = run.json()
    assert doc["iteration"] == 50
    assert set(doc) == {"network", "iteration", "x", "y", "outputs", "neurons"}
    x, y = np.array(doc["x"]), np.array(doc["y"])
    # xor's inputs are 0..1 on both axes: lo = −0.1, hi = 1.1.
    assert x == pytest.approx(np.linspace(-0.1, 1.1, 7))
    assert y == pytest.approx(np.linspace(-0.1, 1.1, 7))
    weights = train(net, 50).weights
    assert [n["layer"] for n in doc["neurons"]] == [1]
    for i in range(7):
        for j in range(7):
            a = _at(net, weights, (x[j], y[i]))  # G[i][j] is the input (x[j], y[i])
            # Equal up to rounding: BLAS may sum a batch's products in another order than one row's.
            assert doc["outputs"][i][j] == pytest.approx(a[2][0].tolist(), rel=1e-13, abs=1e-15)
            assert doc["neurons"][0]["values"][i][j] == pytest.approx(a[1][0].tolist(), rel=1e-13)


def test_the_seed_network_s_clones_have_identical_maps(cli) -> None:
    doc = cli("map", "--format", "json", "--resolution", "9").json()
    assert [n["layer"] for n in doc["neurons"]] == [1, 2]
    for layer in doc["neurons"]:
        values = np.array(layer["values"])  # (9, 9, 3)
        assert values.shape == (9, 9, 3)
        assert (values[:, :, 0] == values[:, :, 1]).all() and (values[:, :, 1] == values[:, :, 2]).all()
    assert np.array(doc["outputs"]).shape == (9, 9, 2)


def test_maps_need_two_inputs(cli, tmp_path) -> None:
    path = tmp_path / "three.toml"
    path.write_text(
        'layers = [3, 1]\nactivation = "sigmoid"\ncost = "sse"\nlearning_rate = 1\n'
        "inputs = [[1, 2, 3]]\ntargets = [[1]]\n"
    )
    run = cli("map", str(path))
    assert run.code == 2
    assert run.out == ""
    assert str(path) in run.err and "maps need 2 inputs" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize("bad", ["1", "0", "-3", "x", "5000"])
def test_a_bad_resolution_is_a_usage_error(cli, bad: str) -> None:
    run = cli("map", "xor", "--resolution", bad)
    assert run.code == 2
    # One message, the same range, whatever the bad value (a negative one too).
    assert f"--resolution: expected a whole number 2..1001, got {bad}" in run.err


def test_map_help_gives_the_resolution_range(cli) -> None:
    assert "2..1001" in cli("map", "--help").out


def test_text_map_marks_the_observations_by_target(cli) -> None:
    run = cli("map", "xor", "--iterations", "3000", "--resolution", "21")
    assert run.code == 0
    lines = run.out.splitlines()
    grid = [line.split("│", 1)[1] for line in lines if "│" in line]
    # Two characters per cell, so that the map is as wide as it is tall (a circle looks round).
    assert len(grid) == 21 and all(len(row) == 42 for row in grid)
    # xor's targets: (0,1) and (1,0) are 1 (●), (0,0) and (1,1) are 0 (○). y grows upwards.
    top, bottom = grid[2], grid[18]  # y = 1.0 and y = 0.0 (of −0.1..1.1 in 21 points)
    assert top[4] == "●" and top[36] == "○"
    assert bottom[4] == "○" and bottom[36] == "●"
    # Learned: high (dark) near the ● observations, low (light) near the ○ ones.
    assert top[6:8] in ("%%", "@@") and bottom[6:8] in ("  ", "..", "::")


@settings(max_examples=25, deadline=None)
@given(
    resolution=st.integers(2, 12),
    seed=st.integers(0, 1000),
    i=st.integers(0, 11),
    j=st.integers(0, 11),
)
def test_every_cell_is_a_forward_pass_of_its_point(resolution: int, seed: int, i: int, j: int) -> None:
    net = load_network("xor").with_init(InitSpec(scheme="normal", seed=seed))
    dmap = decision_map(net, net.weights, resolution)
    i, j = i % resolution, j % resolution
    a = _at(net, net.weights, (float(dmap.x[j]), float(dmap.y[i])))
    for layer, values in enumerate(dmap.layers):
        np.testing.assert_allclose(values[i, j], a[layer][0], rtol=1e-13, atol=1e-15)


def test_observations_sit_on_their_nearest_cell() -> None:
    net = load_network("xor")
    dmap = decision_map(net, net.weights, 21)
    rows, cols = observation_cells(dmap, net.inputs)
    # (0, 0), (0, 1), (1, 0), (1, 1) on a −0.1..1.1 grid of 21 points: cells 2 and 18.
    assert list(zip(rows.tolist(), cols.tolist())) == [(2, 2), (18, 2), (2, 18), (18, 18)]


def test_the_ramp_and_the_target_classes_by_hand() -> None:
    from stepper.engine.decision_map import target_classes, value_range
    from stepper.exports.map_text import RAMP, ramp_levels

    values = np.array([0.0, 0.05, 0.5, 0.99, 1.0, 7.0, -3.0, np.nan])
    # 10 levels over 0..1: floor(v · 10), clipped to 0..9; NaN is −1 (drawn as "?").
    assert ramp_levels(values, 0.0, 1.0).tolist() == [0, 0, 5, 9, 9, 9, 0, -1]
    assert RAMP[0] == " " and RAMP[9] == "@"
    # Sigmoid maps share the sigmoid's range; a linear map its own, widened when flat.
    assert value_range("sigmoid", np.array([0.4, 0.6])) == (0.0, 1.0)
    assert value_range("tanh", np.array([0.4])) == (-1.0, 1.0)
    assert value_range("linear", np.array([2.0, 5.0])) == (2.0, 5.0)
    assert value_range("relu", np.array([3.0, 3.0])) == (2.5, 3.5)
    # The seed's targets: output 0 has 0.2 and 1.0 (midpoint 0.6), output 1 has 0.4 and 0.0 (0.2).
    classes = target_classes(np.array([[0.2, 0.4], [1.0, 0.0]]))
    assert classes.tolist() == [[False, True], [True, False]]


def test_a_diverging_run_maps_the_last_finite_weights_and_exits_1(cli) -> None:
    run = cli("map", "diverging", "--iterations", "400", "--resolution", "3", "--format", "json")
    assert run.code == 1
    assert "diverged at iteration 269: cost became inf" in run.err
    doc = run.json()
    assert doc["diverged"] == {"iteration": 269, "quantity": "cost", "layer": None}
    assert doc["iteration"] == 268  # the weights iteration 269 started from: its update never landed
    net = load_network("diverging")
    result = train(net, 268)
    assert doc["outputs"][1][1] == pytest.approx(decision_map(net, result.weights, 3).outputs[1, 1].tolist())
    assert "diverged" not in cli("map", "xor", "--format", "json").json()  # section 8's shape


def test_the_text_map_fits_an_80_column_terminal_and_keeps_two_characters_a_cell_elsewhere() -> None:
    """The default 41×41 map is 90 characters wide at two a cell: on an 80-column terminal every
    line wrapped (a tester). There it takes one a cell and says so; into a file it is as before."""
    from stepper.exports.map_text import map_text

    net = load_network("xor")
    dmap = decision_map(net, net.weights, 41)
    narrow = map_text(net, dmap, 0, width=80).splitlines()
    assert max(len(line) for line in narrow) <= 80  # the header too (the network line is ~90 wide)
    body = [line for line in narrow if "│" in line]
    assert len(body) == 41 and max(len(line) for line in body) <= 80
    assert "One character a cell, to fit the terminal (--resolution 36 keeps two)." in map_text(
        net, dmap, 0, 80
    )
    wide = [line for line in map_text(net, dmap, 0).splitlines() if "│" in line]
    assert len(wide[0].split("│")[1]) == 82 and "One character" not in map_text(net, dmap, 0)
