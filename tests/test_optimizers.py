"""Optimizers and mini-batches (spec section 7), worked by hand and checked by their properties.

The hand-worked network is 1-1 linear with the sse cost and one observation x = 2, y = 1, starting
from b = 0.5, w = 1: n = a = 2.5, C = 1.5² = 2.25, dC/da = δ = 3, dC/dW = [δ, x·δ] = [3, 6].
Every expected number below is worked out from that, not by the engine.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.engine.batching import Schedule, TrainingSpec
from stepper.engine.history import WeightHistory
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerSpec
from stepper.engine.training import train
from stepper.engine.walk import Walk
from stepper.netfile import load_network

LR = 0.1


def tiny(opt: OptimizerSpec, weights: tuple[float, float] = (0.5, 1.0)) -> Network:
    return Network(
        layers=(1, 1),
        activations=("linear",),
        cost="sse",
        learning_rate=LR,
        inputs=np.array([[2.0]]),
        targets=np.array([[1.0]]),
        weights=(np.array([[weights[0]], [weights[1]]]),),
        optimizer=opt,
    )


def first_update(opt: OptimizerSpec) -> np.ndarray:
    walk = Walk(tiny(opt))
    return walk.values.weights_after[0][:, 0]


def test_sgd_one_iteration_by_hand() -> None:
    # W ← W − η·[3, 6]
    assert first_update(OptimizerSpec()) == pytest.approx([0.5 - 0.3, 1.0 - 0.6], rel=1e-15)


def test_sgd_l2_decay_adds_lambda_w_but_not_to_the_bias() -> None:
    # g = [3, 6 + 0.1·1]; the bias row is not decayed
    got = first_update(OptimizerSpec(weight_decay=0.1))
    assert got == pytest.approx([0.5 - 0.1 * 3, 1.0 - 0.1 * 6.1], rel=1e-15)


def test_momentum_two_iterations_by_hand() -> None:
    # t=1: v = g = [3, 6], W = [0.2, 0.4]. t=2: n = 0.2 + 2·0.4 = 1 = y, so g = 0 and
    # v = 0.9·[3, 6] = [2.7, 5.4], W = [0.2 − 0.27, 0.4 − 0.54].
    walk = Walk(tiny(OptimizerSpec("momentum", momentum=0.9)))
    v1 = walk.values
    assert v1.terms is not None and v1.terms["v"][0][:, 0] == pytest.approx([3.0, 6.0])
    walk.to_iteration(2)
    v2 = walk.values
    assert v2.grad[0][:, 0] == pytest.approx([0.0, 0.0], abs=1e-15)
    assert v2.terms is not None and v2.terms["v"][0][:, 0] == pytest.approx([2.7, 5.4])
    assert v2.weights_after[0][:, 0] == pytest.approx([-0.07, -0.14])


def test_rmsprop_one_iteration_by_hand() -> None:
    # s = 0.01·[9, 36] = [0.09, 0.36]; ΔW = −0.1·[3/(0.3 + ε), 6/(0.6 + ε)]
    eps = 1e-8
    walk = Walk(tiny(OptimizerSpec("rmsprop", alpha=0.99, eps=eps)))
    v = walk.values
    assert v.terms is not None and v.terms["s"][0][:, 0] == pytest.approx([0.09, 0.36], rel=1e-14)
    want = [0.5 - 0.1 * 3 / (0.3 + eps), 1.0 - 0.1 * 6 / (0.6 + eps)]
    assert v.weights_after[0][:, 0] == pytest.approx(want, rel=1e-14)


def test_adam_one_iteration_by_hand() -> None:
    # m = 0.1·g = [0.3, 0.6], v = 0.001·g² = [0.009, 0.036], m̂ = g = [3, 6], v̂ = g² = [9, 36],
    # ΔW = −0.1·[3/(3 + ε), 6/(6 + ε)]
    eps = 1e-8
    walk = Walk(tiny(OptimizerSpec("adam", eps=eps)))
    v = walk.values
    t = v.terms
    assert t is not None
    assert t["m"][0][:, 0] == pytest.approx([0.3, 0.6], rel=1e-14)
    assert t["v"][0][:, 0] == pytest.approx([0.009, 0.036], rel=1e-12)
    assert t["m_hat"][0][:, 0] == pytest.approx([3.0, 6.0], rel=1e-14)
    assert t["v_hat"][0][:, 0] == pytest.approx([9.0, 36.0], rel=1e-12)
    assert v.weights_after[0][:, 0] == pytest.approx([0.5 - 0.1 * 3 / (3 + eps), 1 - 0.1 * 6 / (6 + eps)])
    assert v.state_after.t == 1


def test_adam_l2_and_adamw_decoupled_differ_as_written() -> None:
    # adam + L2: g = [3, 6.1], the first step is still ≈ η·sign(g): W ≈ [0.4, 0.9].
    # adamw: W ← W − η·λ·W on the weights (bias row excepted) then the adam step: [0.4, 0.9 − 0.01].
    l2 = first_update(OptimizerSpec("adam", weight_decay=0.1))
    decoupled = first_update(OptimizerSpec("adamw", weight_decay=0.1))
    assert l2 == pytest.approx([0.4, 0.9], rel=1e-8)
    assert decoupled == pytest.approx([0.4, 0.89], rel=1e-8)


def test_adam_second_iteration_written_out() -> None:
    """Two adam updates, the second worked out with plain numpy from the spec's formulas."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    walk = Walk(tiny(OptimizerSpec("adam")))
    walk.to_iteration(2)
    v = walk.values
    w = np.array([0.5 - 0.1 * 3 / (3 + eps), 1 - 0.1 * 6 / (6 + eps)])
    err = w[0] + 2 * w[1] - 1.0
    g = np.array([2 * err, 2 * err * 2])
    m = b1 * np.array([0.3, 0.6]) + (1 - b1) * g
    s = b2 * np.array([0.009, 0.036]) + (1 - b2) * g**2
    m_hat, v_hat = m / (1 - b1**2), s / (1 - b2**2)
    want = w - 0.1 * m_hat / (np.sqrt(v_hat) + eps)
    assert v.weights_after[0][:, 0] == pytest.approx(want, rel=1e-12)
    assert v.state_after.t == 2


def test_seed_keeps_22_steps_and_each_optimizer_adds_its_terms() -> None:
    net = load_network()
    counts = {}
    for name in ("sgd", "momentum", "rmsprop", "adam", "adamw"):
        counts[name] = Walk(net.with_optimizer(OptimizerSpec(name))).steps_per_iteration
    # per weight matrix: W; v, ΔW, W; s, ΔW, W; m, v, m̂, v̂, ΔW, W
    assert counts == {"sgd": 22, "momentum": 19 + 9, "rmsprop": 19 + 9, "adam": 19 + 18, "adamw": 19 + 18}
    decayed = Walk(net.with_optimizer(OptimizerSpec("adamw", weight_decay=0.1))).steps_per_iteration
    assert decayed == 19 + 21


# --- properties -------------------------------------------------------------------------------
small = st.floats(-3, 3, allow_nan=False).filter(lambda x: abs(x) > 1e-3)


@settings(max_examples=40, deadline=None)
@given(b=small, w=small, lr=st.floats(1e-3, 1.0))
def test_adam_first_step_moves_every_weight_by_about_lr_against_the_gradient(
    b: float, w: float, lr: float
) -> None:
    net = tiny(OptimizerSpec("adam"), (b, w)).with_learning_rate(lr)
    v = Walk(net).values
    g = v.grad[0]
    moved = v.weights_after[0] - v.weights[0]
    # |m̂/(√v̂ + ε)| = |g|/(|g| + ε): η·sign(g) to within η·ε/|g|
    eps = 1e-8
    assert np.all(np.abs(moved + lr * np.sign(g)) <= lr * eps / np.abs(g) + 1e-12)


@settings(max_examples=40, deadline=None)
@given(b=small, w=small, mu=st.floats(0, 0.99))
def test_momentum_first_velocity_is_the_gradient(b: float, w: float, mu: float) -> None:
    v = Walk(tiny(OptimizerSpec("momentum", momentum=mu), (b, w))).values
    assert v.terms is not None and np.array_equal(v.terms["v"][0], v.grad[0])


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(["sgd", "momentum", "rmsprop", "adam", "adamw"]),
    lam=st.floats(0.01, 1.0),
    bias=small,
)
def test_weight_decay_never_touches_the_bias_row(name: str, lam: float, bias: float) -> None:
    plain = Walk(tiny(OptimizerSpec(name), (bias, 1.0))).values
    decayed = Walk(tiny(OptimizerSpec(name, weight_decay=lam), (bias, 1.0))).values
    assert decayed.weights_after[0][0, 0] == plain.weights_after[0][0, 0]
    assert decayed.weights_after[0][1, 0] != plain.weights_after[0][1, 0]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), size=st.integers(0, 50), seed=st.integers(0, 2**32 - 1), shuffle=st.booleans())
def test_batches_are_the_rng_permutations_cut_in_order(n: int, size: int, seed: int, shuffle: bool) -> None:
    spec = TrainingSpec(batch_size=size, shuffle=shuffle, seed=seed)
    schedule = Schedule(spec, n)
    rng = np.random.default_rng(seed)
    b = n if size == 0 else min(size, n)
    it = 1
    for epoch in range(1, 4):
        order = rng.permutation(n) if shuffle else np.arange(n)
        for k, start in enumerate(range(0, n, b), start=1):
            batch = schedule.batch(it)
            assert (batch.epoch, batch.number) == (epoch, k)
            assert batch.indices.tolist() == order[start : start + b].tolist()
            it += 1


def test_shuffle_defaults_to_true_only_below_the_number_of_observations() -> None:
    assert TrainingSpec(batch_size=2).shuffles(5)
    assert not TrainingSpec(batch_size=5).shuffles(5)
    assert not TrainingSpec().shuffles(5)
    assert TrainingSpec(batch_size=0, shuffle=True).shuffles(5)


@settings(max_examples=15, deadline=None)
@given(
    name=st.sampled_from(["momentum", "rmsprop", "adam", "adamw"]),
    size=st.integers(1, 3),
    k=st.integers(1, 12),
    back=st.integers(1, 12),
)
def test_stepping_back_restores_weights_and_optimizer_state_exactly(
    name: str, size: int, k: int, back: int
) -> None:
    net = load_network("xor").with_optimizer(OptimizerSpec(name, weight_decay=0.01))
    from stepper.engine.batching import TrainingSpec as T

    net = net.with_training(T(batch_size=size, seed=3))
    walk = Walk(net, max_checkpoints=2)
    walk.to_iteration(k + back)
    there = walk.values
    walk.to_iteration(k)
    _ = walk.values
    walk.to_iteration(k + back)
    again = walk.values
    assert all(np.array_equal(a, b) for a, b in zip(there.weights_after, again.weights_after))
    for key, mats in (there.terms or {}).items():
        assert all(np.array_equal(a, b) for a, b in zip(mats, (again.terms or {})[key]))
    assert there.batch is not None and again.batch is not None
    assert there.batch.indices.tolist() == again.batch.indices.tolist()


def test_a0_of_an_iteration_is_its_batch_inputs() -> None:
    net = load_network("xor").with_training(TrainingSpec(batch_size=3, seed=1))
    walk = Walk(net)
    history = WeightHistory(net)
    for it in range(1, 5):
        walk.to_iteration(it)
        batch = history.batch(it)
        assert batch is not None
        assert np.array_equal(walk.values.a[0], net.inputs[batch.indices])
        assert np.array_equal(walk.values.targets, net.targets[batch.indices])


def test_train_matches_the_walk_and_reports_epoch_costs() -> None:
    net = load_network("xor").with_optimizer(OptimizerSpec("adam")).with_training(TrainingSpec(batch_size=3))
    result = train(net, 7)  # 4 observations, batches of 3: 2 per epoch, 3 complete epochs
    walk = Walk(net)
    walk.to_iteration(8)
    assert all(np.array_equal(a, b) for a, b in zip(result.weights, walk.history.weights_at(8)))
    assert result.costs == [walk.history.costs[k] for k in range(1, 8)]
    assert len(result.epoch_costs) == 3
    # the epoch cost is over all observations with the weights at the end of the epoch
    at4 = walk.history.weights_at(5)
    a = net.inputs
    for w, act in zip(at4, net.layer_activations):
        a = act.forward(a @ w[1:] + w[0])
    assert result.epoch_costs[1] == pytest.approx(net.cost_fn.value(a, net.targets), rel=1e-15)


def test_full_batch_epoch_cost_is_the_next_iterations_cost() -> None:
    result = train(load_network(), 3)
    assert result.epoch_costs[:2] == result.costs[1:]
    assert math.isfinite(result.epoch_costs[2])


def test_a_cells_update_is_written_term_by_term_with_beta_to_the_t() -> None:
    from stepper.engine.explain import cell_terms
    from stepper.engine.steps import Ref

    net = tiny(OptimizerSpec("adam"))
    walk = Walk(net)
    walk.to_iteration(2)
    line = cell_terms(net, walk.values, Ref("m_hat", 0), 1, 0)
    assert "β1^t = 0.9^2 = 0.8100000" in line and "/ 0.1900000 =" in line
    decayed = tiny(OptimizerSpec("sgd", weight_decay=0.1))
    v = Walk(decayed).values
    assert (
        cell_terms(decayed, v, Ref("g", 0), 1, 0) == "= dC/dw + λ·w = 6.0000000 + 0.1·1.0000000 = 6.1000000"
    )
    assert "no decay on the bias row" in cell_terms(decayed, v, Ref("g", 0), 0, 0)
