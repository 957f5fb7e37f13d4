"""`stepper diagnose`: clones (permanent) and the health problems observed in an iteration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.engine.diagnose import diagnose, find_clones, frobenius
from stepper.engine.init import InitSpec, initial_weights
from stepper.engine.iteration import run_iteration
from stepper.engine.network import Network
from stepper.engine.training import train
from stepper.netfile import load_network


def groups(report: dict) -> list[tuple[int, list[int]]]:
    return [(g["layer"], g["neurons"]) for g in report["clones"]]


@pytest.mark.parametrize("iterations", ["0", "1000"])
def test_the_seed_has_clones_0_1_2_in_both_hidden_layers_before_and_after_training(cli, iterations) -> None:
    run = cli("diagnose", "--iterations", iterations, "--format", "json")
    assert run.code == 0, run.err
    report = run.json()
    assert report["iteration"] == int(iterations)
    assert groups(report) == [(1, [0, 1, 2]), (2, [0, 1, 2])]
    assert len(report["gradient_norms"]) == 3
    assert any("effectively 2-1-1-2" in w for w in report["warnings"])


def test_a_random_init_has_no_clones(cli) -> None:
    report = cli("diagnose", "--init", "normal", "--seed", "1", "--format", "json").json()
    assert report["clones"] == [] and report["warnings"] == []


def test_the_text_report_explains_clones_and_the_remedy(cli) -> None:
    out = " ".join(cli("diagnose").out.split())  # the report wraps at 80 columns
    assert "Layers 1 and 2: neurons 0, 1 and 2 are clones" in out
    assert "gradient descent can never make them differ" in out
    assert "2-1-1-2 of 2-3-3-2" in out
    assert "Break the symmetry: random init" in out
    # The groups in words, not set notation ("{0, 1, 2}" read as Python's; a tester's finding).
    assert "clones layer 1: neurons 0, 1 and 2; layer 2: neurons 0, 1 and 2" in out


def test_the_report_counts_iterations_in_good_grammar(cli) -> None:
    assert "Diagnosis of the weights after 1 iteration:" in cli("diagnose", "--iterations", "1").out
    assert "after 2 iterations:" in cli("diagnose", "--iterations", "2").out


@settings(max_examples=30, deadline=None)
@given(
    width=st.integers(40, 200),
    example=st.sampled_from([None, "partial-clones", "dead-relu", "vanishing"]),
)
def test_the_report_keeps_within_its_width_and_indents_what_it_wraps(width: int, example: str | None) -> None:
    """Nothing longer than ``width`` (the app's dialog folded what was, back to column 0): a wrapped
    line is indented under the first of its field or finding; no item is split."""
    from stepper.exports.diagnose_out import diagnose_text

    net = load_network(example)
    text = diagnose_text(net, diagnose(net, run_iteration(net, net.weights), 1), width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert lines[1].startswith(("  ", "Diagnosis of"))  # the network line's rest, indented
    for line in lines:
        assert line == "" or line.startswith(("  ", "✗ ", "! ", "Diagnosis of", "No problems", net.name))
    assert "\n  observations" not in text  # "2 observations" whole


def test_after_1000_iterations_the_seed_predicts_the_mean_target(cli) -> None:
    warnings = cli("diagnose", "--iterations", "1000", "--format", "json").json()["warnings"]
    assert any("does not depend on the input" in w and "mean of the targets" in w for w in warnings)


def test_the_constant_output_warning_gives_the_mean_and_how_far_each_output_is_from_it(cli) -> None:
    """After one iteration the seed's outputs are (0.9796043, 0.9783861) and (0.9792869, 0.9780553):
    their mean is (0.9794456, 0.9782207), from which they are 0.0001587 and 0.0001654 away. "Every
    observation gets (0.9794, 0.9782)" matched neither; then the spread (0.00033), twice the
    distance to that mean, was given as it (testers' findings)."""
    warnings = cli("diagnose", "--iterations", "1", "--format", "json").json()["warnings"]
    assert any("every observation's output is within 0.00017 of (0.9794, 0.9782)" in w for w in warnings)


def test_a_random_init_is_not_the_remedy_for_a_network_that_has_one(cli) -> None:
    """xor (Xavier init) gives nearly equal outputs in its first iterations, as small random weights
    do: the warning says so, and does not tell the learner to use the random init they use."""
    xor = " ".join(cli("diagnose", "xor", "--iterations", "2", "--format", "json").json()["warnings"])
    assert "does not depend on the input" in xor and "early in training" in xor
    assert "a random init" not in xor
    seed = " ".join(cli("diagnose", "--iterations", "1000", "--format", "json").json()["warnings"])
    assert "does not depend on the input" in seed and "early in training" not in seed  # constant init


def test_the_built_in_partly_symmetric_network(cli) -> None:
    report = cli("diagnose", "partial-clones", "--format", "json").json()
    assert groups(report) == [(1, [0, 2]), (2, [1, 2])]
    assert any("effectively 2-3-2-1" in w for w in report["warnings"])


def _network(layers: tuple[int, ...], weights: list[np.ndarray]) -> Network:
    rng = np.random.default_rng(7)
    return Network(
        layers,
        ("tanh",) * (len(layers) - 1),
        "sse",
        0.1,
        rng.uniform(-1, 1, size=(3, layers[0])),
        rng.uniform(-1, 1, size=(3, layers[-1])),
        tuple(weights),
    )


def _make_clones(weights: list[np.ndarray], layer: int, neurons: list[int]) -> None:
    """Copy neuron neurons[0]'s incoming column and outgoing row onto the others."""
    first = neurons[0]
    for j in neurons[1:]:
        weights[layer - 1][:, j] = weights[layer - 1][:, first]
        weights[layer][1 + j, :] = weights[layer][1 + first, :]


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(2, 6), min_size=1, max_size=3),
    seed=st.integers(0, 10_000),
    data=st.data(),
)
def test_exactly_the_planted_clone_groups_are_found_and_stay_after_training(sizes, seed, data) -> None:
    layers = (2, *sizes, 2)
    weights = initial_weights(layers, InitSpec("normal", seed=seed))
    planted: list[tuple[int, tuple[int, ...]]] = []
    for l, size in enumerate(sizes, start=1):
        pool = list(range(size))
        chosen = data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=size))
        if len(chosen) >= 2:
            _make_clones(weights, l, chosen)
            planted.append((l, tuple(sorted(chosen))))
    net = _network(layers, weights)
    found = [(g.layer, g.neurons) for g in find_clones(net, net.weights)]
    assert found == planted
    # Gradient descent keeps them clones: equal in, equal out, equal gradients.
    after = train(net, 50).weights
    assert [(g.layer, g.neurons) for g in find_clones(net, after)] == planted


def test_equal_incoming_weights_alone_do_not_make_clones() -> None:
    layers = (2, 3, 2)
    weights = initial_weights(layers, InitSpec("normal", seed=3))
    weights[0][:, 1] = weights[0][:, 0]  # same inputs, but different outgoing rows
    net = _network(layers, weights)
    assert find_clones(net, net.weights) == []


@pytest.mark.parametrize(
    ("example", "iterations", "kind", "words"),
    [
        ("dead-relu", 0, "dead", "ReLU units 1 and 3 are dead"),
        ("saturated", 0, "saturated", "sigmoid units 0 and 1 are saturated"),
        ("vanishing", 0, "vanishing", "Vanishing gradients"),
        ("exploding", 0, "exploding", "Exploding gradients"),
        ("constant-output", 0, "constant-output", "does not depend on the input"),
        ("diverging", 300, "diverging", "Training diverged at iteration 269: cost became inf"),
    ],
)
def test_each_health_example_shows_its_problem(example, iterations, kind, words) -> None:
    net = load_network(example)
    result = train(net, iterations)
    with np.errstate(all="ignore"):
        report = diagnose(net, run_iteration(net, result.weights), result.completed, result.costs)
    found = [f for f in report.findings if f.kind == kind]
    assert found and words in found[0].text, report.warnings
    assert not found[0].permanent


def test_dead_and_saturated_units_are_listed_in_the_json(cli) -> None:
    dead = cli("diagnose", "dead-relu", "--format", "json").json()["dead"]
    assert dead == [{"layer": 1, "neurons": [1, 3]}]
    saturated = cli("diagnose", "saturated", "--format", "json").json()["saturated"]
    assert saturated == [{"layer": 1, "neurons": [0, 1]}]


def test_a_rising_cost_is_reported_as_diverging_before_it_overflows() -> None:
    net = load_network("diverging")
    result = train(net, 60)
    report = diagnose(net, run_iteration(net, result.weights), result.iterations, result.costs)
    assert any(f.kind == "diverging" and "risen" in f.text for f in report.findings)


def test_diagnose_exits_1_when_training_diverged(cli) -> None:
    run = cli("diagnose", "diverging", "--iterations", "1000", "--format", "json")
    assert run.code == 1 and "diverged at iteration 269" in run.err
    assert run.json()["iteration"] == 268


def test_frobenius_norm_of_huge_finite_entries_is_finite() -> None:
    """By hand: ‖(3e200, 4e200)‖ = 5e200, though 3e200² overflows (np.linalg.norm gives inf for
    entries this large: it squares them as they are)."""
    assert frobenius(np.array([[3e200, 4e200]])) == pytest.approx(5e200, rel=1e-15)
    assert frobenius(np.zeros((2, 2))) == 0.0
    assert frobenius(np.array([[np.inf, 1.0]])) == np.inf


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=12),
    st.sampled_from([1.0, 1e-200, 1e200]),
)
def test_frobenius_is_the_norm_at_any_scale(entries, scale) -> None:
    m = np.array(entries, dtype=float)
    expected = scale * np.linalg.norm(m)  # np.linalg.norm is exact at this size; then scaled
    assert frobenius(m * scale) == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_gradient_norms_of_finite_gradients_near_1e155_are_not_inf(cli) -> None:
    """diverging after 268 iterations: dC/dW^0's entries are ~1e155, finite; the norm is too."""
    run = cli("diagnose", "diverging", "--iterations", "268", "--format", "json")
    norm = run.json()["gradient_norms"][0]
    assert isinstance(norm, float) and 1e155 < norm < 1e156, norm
    assert "5.025e+155" in cli("diagnose", "diverging", "--iterations", "268").out


def test_diagnose_of_initial_weights_that_overflow_is_divergence_at_iteration_1(cli, tmp_path) -> None:
    """K = 0 diagnoses iteration 1: (1e40)^8 overflows n^8 there, as trace reports it."""
    path = tmp_path / "big.toml"
    path.write_text(
        'layers = [2, 8, 8, 8, 8, 8, 8, 8, 8, 1]\nactivation = "linear"\ncost = "sse"\n'
        "learning_rate = 0.1\ninputs = [[1.0, 2.0]]\ntargets = [[1.0]]\n"
        '[init]\nscheme = "constant"\nvalue = 1e40\n'
    )
    run = cli("diagnose", str(path), "--format", "json")
    trace = cli("trace", str(path))
    assert run.code == 1 == trace.code
    assert run.err == trace.err  # the same line and the same remedy
    assert run.err.startswith("stepper: diverged at iteration 1: n of layer 8 became inf\n")
    assert run.json()["diverged"] == {"iteration": 1, "quantity": "n", "layer": 8}
    text = " ".join(cli("diagnose", str(path)).out.split())  # as read, across its line breaks
    assert "Training diverged at iteration 1: n of layer 8 became inf" in text
    assert "initial weights or the inputs are too large" in text and "smaller learning rate" not in text


@pytest.mark.parametrize(("target", "reported"), [(1.0, False), (0.0, True)])
def test_an_output_at_its_target_is_fitted_not_saturated(target: float, reported: bool) -> None:
    """One sigmoid output with n = 10 for both observations: a ≈ 0.99995, f'(n) ≈ 4.5e-5, flat. At
    targets of 1 it has learned them (xor after 500000 iterations was called saturated, with the
    remedy "smaller initial weights"; a tester's finding); at 0 it is stuck, and said to be."""
    net = Network(
        (1, 1),
        ("sigmoid",),
        "sse",
        0.5,
        np.array([[0.0], [1.0]]),
        np.array([[target], [target]]),
        (np.array([[10.0], [0.0]]),),
    )
    d = diagnose(net, run_iteration(net, net.weights), 0)
    assert bool(d.saturated) == reported
    assert any(f.kind == "saturated" for f in d.findings) == reported
