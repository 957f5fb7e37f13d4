"""Backprop against central finite differences, on random networks of every activation and cost."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from stepper.engine.gradcheck import gradcheck
from stepper.engine.init import InitSpec, initial_weights
from stepper.engine.iteration import forward
from stepper.engine.network import Network

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
# Output activation and cost pairs that make sense together (bce needs outputs in (0, 1)).
OUTPUT_COSTS = [(act, cost) for act in HIDDEN for cost in ("sse", "half_sse", "mse")] + [
    ("sigmoid", "bce"),
    ("softmax", "ce"),
    ("softmax", "sse"),
    ("softmax", "mse"),
]


@st.composite
def networks(draw: st.DrawFn) -> Network:
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    out_act, cost = draw(st.sampled_from(OUTPUT_COSTS))
    if out_act == "softmax" and sizes[-1] < 2:
        sizes[-1] = 2
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in sizes[1:-1]]
    m = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(m, sizes[0]))
    if cost == "ce":
        targets = rng.dirichlet(np.ones(sizes[-1]), size=m)
    elif cost == "bce":
        targets = rng.uniform(0, 1, size=(m, sizes[-1]))
    else:
        targets = rng.normal(size=(m, sizes[-1]))
    layers = tuple(sizes)
    weights = initial_weights(layers, InitSpec("normal", scale=0.8, seed=seed))
    return Network(layers, (*hidden, out_act), cost, 0.1, inputs, targets, tuple(weights))


def _near_a_kink(net: Network) -> bool:
    """ReLU-family derivatives jump at n = 0: finite differences across the jump are meaningless."""
    n, _ = forward(net, net.weights)
    return any(act in ("relu", "leaky_relu") and np.abs(z).min() < 1e-3 for act, z in zip(net.activations, n))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_backprop_matches_central_differences(net: Network) -> None:
    assume(not _near_a_kink(net))
    check = gradcheck(net)
    assert check.passed, check


def test_every_activation_and_cost_is_exercised() -> None:
    from stepper.engine.activations import ACTIVATIONS
    from stepper.engine.costs import COSTS

    assert {a for pair in OUTPUT_COSTS for a in pair[:1]} | set(HIDDEN) == set(ACTIVATIONS)
    assert {c for _, c in OUTPUT_COSTS} == set(COSTS)


def test_a_wrong_gradient_fails_the_check(monkeypatch) -> None:
    """gradcheck can fail: with the sigmoid derivative off by a factor, it reports the error."""
    from stepper.engine import activations

    net = _seedlike()
    bad = activations.Activation(
        "sigmoid", activations.ACTIVATIONS["sigmoid"].forward, lambda n, a: 1.1 * a * (1 - a), "σ", "wrong"
    )
    monkeypatch.setitem(activations.ACTIVATIONS, "sigmoid", bad)
    assert not gradcheck(net).passed


def test_gradcheck_command_exit_status(cli) -> None:
    run = cli("gradcheck", "random-init", "--format", "json")
    assert run.code == 0
    doc = run.json()
    assert doc["passed"] is True and doc["max_relative_error"] < 1e-5
    assert [layer["layer"] for layer in doc["layers"]] == [0, 1, 2]


def test_no_overflow_warnings_for_large_pre_activations() -> None:
    import warnings

    from stepper.engine.activations import ACTIVATIONS
    from stepper.engine.costs import COSTS, cost_value, output_delta

    n = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in ACTIVATIONS.values():
            a = act.forward(n)
            assert np.isfinite(a).all()
        sig = ACTIVATIONS["sigmoid"].forward(n)
        assert sig[0, 0] == 0.0 and sig[0, -1] == 1.0
        y = np.array([[0.0, 1.0, 0.5, 1.0, 0.0]])
        # bce and ce from n^L: finite although a^L rounds to 0 and 1; so is δ^L (dC/da need not be).
        for cost in ("bce", "ce"):
            assert np.isfinite(cost_value(COSTS[cost], "sigmoid", n, sig, y))
            assert np.isfinite(output_delta(COSTS[cost], "sigmoid", sig, y)).all()
        soft = ACTIVATIONS["softmax"].forward(n)
        onehot = np.array([[1.0, 0.0, 0.0, 0.0, 0.0]])
        assert cost_value(COSTS["ce"], "softmax", n, soft, onehot) == 2e4


def _seedlike() -> Network:
    layers = (2, 3, 3, 2)
    return Network(
        layers,
        ("sigmoid",) * 3,
        "sse",
        0.5,
        np.array([[0.8, 0.4], [0.3, 0.3]]),
        np.array([[0.2, 0.4], [1.0, 0.0]]),
        tuple(initial_weights(layers, InitSpec("normal", seed=4))),
    )
