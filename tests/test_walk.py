"""Stepping through iterations: every route to a position lands on exactly the same state."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.engine.history import WeightHistory
from stepper.engine.init import InitSpec, initial_weights
from stepper.engine.iteration import run_iteration
from stepper.engine.network import Network
from stepper.engine.steps import Phase, Ref
from stepper.engine.training import train
from stepper.engine.walk import Position, Walk
from stepper.netfile import load_network


def snapshot(walk: Walk) -> tuple:
    """Everything a view could show at the current position, as bytes."""
    shown = []
    for step in walk.steps:
        value = walk.value(step.output)
        shown.append(None if value is None else np.asarray(value).tobytes())
    return (walk.position, tuple(w.tobytes() for w in walk.current_weights()), tuple(shown))


def test_seed_network_has_22_steps_in_spec_order() -> None:
    walk = Walk(load_network())
    assert walk.steps_per_iteration == 22
    phases = [s.phase for s in walk.steps]
    assert phases == [Phase.FORWARD] * 6 + [Phase.COST] + [Phase.BACKWARD] * 12 + [Phase.UPDATE] * 3
    assert [s.output.symbol for s in walk.steps[7:11]] == ["dC/da^3", "da^3/dn^3", "δ^3", "dC/dW^2"]
    assert walk.steps[0].formula == "n^1 = [1 | a^0] · W^0"
    assert walk.steps[2].shapes == "(2×4)·(4×3) → (2×3)"


def test_values_appear_only_once_computed() -> None:
    walk = Walk(load_network())
    assert walk.value(Ref("n", 1)) is None
    walk.forward()
    np.testing.assert_allclose(walk.value(Ref("n", 1)), [[2.2] * 3, [1.6] * 3])
    assert walk.value(Ref("a", 1)) is None
    walk.to_phase_end(Phase.BACKWARD)
    assert walk.value(Ref("grad", 0)) is not None
    before = walk.current_weights()
    walk.forward()  # the update of W^0
    assert not np.array_equal(walk.current_weights()[0], before[0])
    np.testing.assert_array_equal(walk.current_weights()[1], before[1])


@settings(max_examples=40, deadline=None)
@given(start=st.integers(0, 80), k=st.integers(1, 70), example=st.sampled_from(["identical-columns", "xor"]))
def test_forward_k_then_back_k_restores_the_exact_state(start: int, k: int, example: str) -> None:
    walk = Walk(load_network(example), max_checkpoints=3)
    walk.forward(start)
    before = snapshot(walk)
    for _ in range(k):
        walk.forward()
    for _ in range(k):
        assert walk.back()
    assert snapshot(walk) == before


def test_back_at_the_very_start_does_nothing() -> None:
    walk = Walk(load_network())
    assert not walk.back()
    assert walk.position == Position(1, 0)


def test_coarse_moves_land_on_the_same_states_as_single_steps() -> None:
    net = load_network()
    coarse, fine = Walk(net), Walk(net)
    coarse.to_phase_end(Phase.FORWARD)
    fine.forward(6)
    assert snapshot(coarse) == snapshot(fine)
    coarse.to_phase_end(Phase.BACKWARD)
    fine.forward(13)
    assert snapshot(coarse) == snapshot(fine)
    coarse.to_iteration_end()
    fine.forward(3)
    assert snapshot(coarse) == snapshot(fine)
    coarse.to_iteration(5)
    fine.forward(1 + 23 * 3)
    assert snapshot(coarse) == snapshot(fine)
    coarse.to_layer_end()
    fine.forward(2)
    assert snapshot(coarse) == snapshot(fine)


def test_going_to_iteration_n_matches_training_n_minus_1_iterations() -> None:
    net = load_network("random-init")
    walk = Walk(net)
    walk.to_iteration(301)
    trained = train(net, 300)
    for a, b in zip(walk.current_weights(), trained.weights):
        np.testing.assert_array_equal(a, b)
    assert walk.values.cost == train(net, 301).costs[-1]


def test_history_memory_is_bounded_and_recomputation_exact() -> None:
    net = load_network("random-init")
    history = WeightHistory(net, max_checkpoints=8)
    late = history.weights_at(1000)
    assert history.checkpoint_count <= 8
    first = history.weights_at(1)
    np.testing.assert_array_equal(first[0], net.weights[0])
    again = history.weights_at(1000)
    assert all(np.array_equal(a, b) for a, b in zip(late, again))
    mid = history.weights_at(437)
    np.testing.assert_array_equal(mid[2], train(net, 436).weights[2])


def test_seed_init_keeps_hidden_columns_identical_for_1000_iterations() -> None:
    weights = train(load_network(), 1000).weights
    np.testing.assert_array_equal(weights[0], np.repeat(weights[0][:, :1], 3, axis=1))
    np.testing.assert_array_equal(weights[1], np.repeat(weights[1][:, :1], 3, axis=1))
    np.testing.assert_array_equal(weights[1][1:], np.repeat(weights[1][1:2], 3, axis=0))
    np.testing.assert_array_equal(weights[2][1:], np.repeat(weights[2][1:2], 3, axis=0))


def test_random_init_separates_the_hidden_columns() -> None:
    weights = train(load_network("random-init"), 1000).weights
    for w in weights[:2]:
        cols = w.T
        assert all(not np.allclose(cols[i], cols[j]) for i in range(3) for j in range(i + 1, 3))


def test_a_784_128_10_walk_steps_back_to_iteration_1_exactly_with_few_checkpoints() -> None:
    rng = np.random.default_rng(0)
    layers = (784, 128, 10)
    net = Network(
        layers,
        ("relu", "softmax"),
        "ce",
        0.01,
        rng.uniform(0, 1, size=(256, 784)),
        np.eye(10)[rng.integers(0, 10, size=256)],
        tuple(initial_weights(layers, InitSpec("he", seed=0))),
    )
    walk = Walk(net, max_checkpoints=8)
    first = run_iteration(net, net.weights)
    walk.to_iteration(400)
    walk.forward(5)
    assert walk.history.checkpoint_count <= 8
    walk.seek(1, 0)
    walk.forward(len(walk.steps))  # every step of iteration 1 again, from the checkpoints
    for step in walk.steps:
        ref = step.output
        want = first.cost if ref.quantity == "cost" else first.quantity(ref.quantity)[ref.layer]
        assert np.array_equal(np.asarray(walk.value(ref)), np.asarray(want)), step.title


def test_cells_are_named_as_the_screen_labels_them() -> None:
    from stepper.engine.explain import cell_name

    assert cell_name(Ref("delta", 2), 0, 1) == "δ^2[o=0, j=1]"
    assert cell_name(Ref("da_dn", 1), 1, 2) == "da^1/dn^1[o=1, j=2]"
    assert cell_name(Ref("weights", 0), 0, 1) == "W^0[b, j=1]"  # row 0 is the bias row b
    assert cell_name(Ref("grad", 1), 3, 0) == "dC/dW^1[i=2, j=0]"
    assert cell_name(Ref("change", 2), 1, 1) == "ΔW^2[i=0, j=1]"
    assert cell_name(Ref("targets", 3), 1, 0) == "y[o=1, j=0]"
