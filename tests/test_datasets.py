"""TensorFlow Playground's data sets: shapes, determinism, the pictures they make, network files."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.engine.datasets import GENERATORS, DataSpec, generate
from stepper.engine.training import train
from stepper.netfile import load_network


@settings(max_examples=40, deadline=None)
@given(
    generator=st.sampled_from(GENERATORS),
    points=st.integers(2, 300),
    noise=st.floats(0, 0.5),
    seed=st.integers(0, 2**32),
)
def test_shapes_and_determinism(generator: str, points: int, noise: float, seed: int) -> None:
    spec = DataSpec(generator, points, noise, seed)
    inputs, labels = generate(spec)
    assert inputs.shape == (points, 2) and labels.shape == (points,)
    assert inputs.dtype == np.float64 and np.isfinite(inputs).all()
    assert set(labels.tolist()) <= {0.0, 1.0}
    again, again_labels = generate(spec)
    np.testing.assert_array_equal(inputs, again)
    np.testing.assert_array_equal(labels, again_labels)


@pytest.mark.parametrize("generator", GENERATORS)
def test_another_seed_gives_other_points(generator: str) -> None:
    a, _ = generate(DataSpec(generator, 50, 0.1, 0))
    b, _ = generate(DataSpec(generator, 50, 0.1, 1))
    assert not np.array_equal(a, b)


def test_without_noise_the_labels_are_playground_s_pictures() -> None:
    inputs, labels = generate(DataSpec("circle", 400, 0.0, 0))
    radius = np.hypot(inputs[:, 0], inputs[:, 1])
    assert (labels == (radius < 2.5)).all()  # inside radius 2.5: 1; the ring 3.5..5: 0
    assert radius.max() <= 5 and ((radius <= 2.5) | (radius >= 3.5)).all()
    inputs, labels = generate(DataSpec("xor", 400, 0.0, 0))
    assert (labels == (inputs[:, 0] * inputs[:, 1] >= 0)).all()
    assert (np.abs(inputs) >= 0.3).all()  # padded off the axes
    inputs, labels = generate(DataSpec("gauss", 400, 0.0, 0))
    assert inputs[labels == 1].mean(axis=0) == pytest.approx([2, 2], abs=0.2)
    assert inputs[labels == 0].mean(axis=0) == pytest.approx([-2, -2], abs=0.2)
    inputs, labels = generate(DataSpec("spiral", 10, 0.0, 0))
    # Arm 1 starts at the centre going up (sin 0, cos 0); arm 0 is arm 1 turned by π.
    assert inputs[0] == pytest.approx([0, 0]) and inputs[1] == pytest.approx(
        [np.sin(0.7 * np.pi), np.cos(0.7 * np.pi)]
    )
    np.testing.assert_allclose(inputs[5:], -inputs[:5], atol=1e-12)
    assert labels.tolist() == [1.0] * 5 + [0.0] * 5


def test_a_network_file_generates_inputs_and_targets(tmp_path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        'layers = [2, 3, 1]\nactivation = "tanh"\ncost = "sse"\nlearning_rate = 0.1\n'
        'inputs = { generator = "spiral", points = 30, noise = 0.2, seed = 4 }\n'
        'targets = { generator = "spiral", labels = [-1.0, 1.0] }\n'
    )
    net = load_network(str(path))
    inputs, labels = generate(DataSpec("spiral", 30, 0.2, 4))
    np.testing.assert_array_equal(net.inputs, inputs)
    np.testing.assert_array_equal(net.targets[:, 0], np.where(labels == 1, 1.0, -1.0))


@pytest.mark.parametrize(
    ("inputs", "targets", "message"),
    [
        ('{ generator = "moon" }', '{ generator = "moon" }', "inputs.generator: expected one of circle, xor"),
        (
            '{ generator = "xor", noise = 0.9 }',
            '{ generator = "xor" }',
            "inputs.noise: expected a number from 0 to 0.5",
        ),
        (
            '{ generator = "xor", points = 1 }',
            '{ generator = "xor" }',
            "inputs.points: expected a whole number >= 2",
        ),
        ('{ generator = "xor", points = 200000 }', '{ generator = "xor" }', "at most 100000"),
        (
            '{ generator = "xor", seed = -1 }',
            '{ generator = "xor" }',
            "inputs.seed: expected a whole number >= 0",
        ),
        (
            '{ generator = "xor", nois = 0.1 }',
            '{ generator = "xor" }',
            "inputs.nois: unknown key. Did you mean 'noise'?",
        ),
        (
            '{ generator = "xor" }',
            '{ generator = "circle" }',
            "targets.generator: expected generator = 'xor'",
        ),
        ("[[1.0, 2.0]]", '{ generator = "xor" }', "targets.generator: expected inputs made by the same"),
        (
            '{ generator = "xor" }',
            '{ generator = "xor", labels = [0] }',
            "targets.labels: expected [negative, positive]",
        ),
        (
            '{ generator = "xor" }',
            '{ generator = "xor", labels = [0, "a"] }',
            "targets.labels[1]: expected a number",
        ),
        ("{ points = 100 }", '{ generator = "xor" }', "inputs.generator: missing; add one of circle, xor"),
        (
            '{ generator = "xor", points = true }',
            '{ generator = "xor" }',
            "inputs.points: expected a whole number, got a boolean (true)",
        ),
    ],
)
def test_bad_generator_tables_name_file_line_and_key(
    cli, tmp_path, inputs: str, targets: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        f'layers = [2, 3, 1]\nactivation = "sigmoid"\ncost = "sse"\nlearning_rate = 0.1\n'
        f'inputs = {inputs}\ntargets = {targets}\n[init]\nscheme = "normal"\nseed = 1\n'
    )
    run = cli("train", str(path), "--iterations", "1")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"stepper: error: {path}, line ")
    assert message in run.err


def test_generated_data_needs_two_inputs_and_one_output(cli, tmp_path) -> None:
    path = tmp_path / "bad.toml"
    body = 'activation = "sigmoid"\ncost = "sse"\nlearning_rate = 0.1\n'
    path.write_text(
        f'layers = [3, 1]\n{body}inputs = {{ generator = "xor" }}\ntargets = {{ generator = "xor" }}\n'
    )
    assert "makes 2 inputs per point" in cli("map", str(path)).err
    path.write_text(
        f'layers = [2, 2]\n{body}inputs = {{ generator = "xor" }}\ntargets = {{ generator = "xor" }}\n'
    )
    assert "generated labels fill 1 output" in cli("map", str(path)).err


@pytest.mark.parametrize(
    ("name", "iterations"), [("circle", 2000), ("gauss", 1000), ("xor-gauss", 2000), ("spiral", 3000)]
)
def test_each_playground_example_learns_its_data_set(name: str, iterations: int) -> None:
    net = load_network(name)
    result = train(net, iterations)
    right = (result.outputs[:, 0] > 0.5) == (net.targets[:, 0] > 0.5)
    assert right.mean() >= 0.97  # of 200 points, with noise 0.1 a few sit on the wrong side
