"""Numbers at the edges (docs/json.md): stable bce/ce, divergence, inf vs NaN, honest gradcheck."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.engine.activations import ACTIVATIONS, softmax_backward
from stepper.engine.costs import COSTS, output_delta
from stepper.engine.gradcheck import gradcheck
from stepper.engine.iteration import run_iteration
from stepper.engine.network import Network
from stepper.exports.json_out import dumps
from stepper.netfile import load_network

SATURATED_BCE = """\
layers = [2, 2]
activation = "sigmoid"
cost = "bce"
learning_rate = 0.5
inputs = [[1.0, 2.0]]
targets = [[0.2, 0.9]]
weights = [[[1.0, 0.0], [20.0, 1.0], [10.0, 0.5]]]
"""


def write(tmp_path: Path, text: str, name: str = "net.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- stable sigmoid + bce and softmax + ce ---------------------------------------------------------


def test_saturated_sigmoid_bce_has_the_exact_cost_and_delta(cli, tmp_path) -> None:
    """n^1 = (41, 2): σ(41) rounds to 1, so a clipped ln(1 − a) gave C = 27.958 and δ = 0."""
    it = cli("trace", write(tmp_path, SATURATED_BCE), "--format", "json").json()["iterations"][0]
    # C = softplus(41) − 0.2·41 + softplus(2) − 0.9·2, by hand: 32.8 + 0.2 + ln(1 + e^−2).
    assert math.isclose(it["cost"], 32.8 + 0.2 + math.log1p(math.exp(-2)), rel_tol=1e-12)
    assert round(it["cost"], 3) == 33.127
    assert it["delta"][1][0][0] == 0.8  # a − y exactly
    # The factors are still shown: dC/da is inf where a rounds to 1, da/dn is 0 there.
    assert it["dC_da"][1][0][0] == "inf" and it["da_dn"][1][0][0] == 0.0


def test_gradcheck_agrees_with_the_exact_cost_when_saturated(cli, tmp_path) -> None:
    doc = cli("gradcheck", write(tmp_path, SATURATED_BCE), "--format", "json").json()
    assert doc["passed"] is True and doc["kinks"] == 0


def test_nan_is_written_as_the_string_nan(cli, tmp_path) -> None:
    """With y = 1 and a rounding to 1, dC/da = (a − y)/(a(1 − a)) = 0/0."""
    text = SATURATED_BCE.replace("[[0.2, 0.9]]", "[[1.0, 0.9]]")
    run = cli("trace", write(tmp_path, text), "--format", "json")
    assert run.code == 0  # dC/da does not end training
    it = run.json()["iterations"][0]
    assert it["dC_da"][1][0][0] == "nan" and it["delta"][1][0][0] == 0.0
    assert "NaN" not in run.out and "Infinity" not in run.out


def test_json_never_writes_bare_infinity_nan_or_null_for_them() -> None:
    doc = {"x": [math.inf, -math.inf, math.nan, 1.5], "m": np.array([[np.inf, np.nan], [-np.inf, 2.0]])}
    assert dumps(doc) == '{"x": ["inf", "-inf", "nan", 1.5], "m": [["inf", "nan"], ["-inf", 2.0]]}'


def test_softmax_ce_on_extreme_logits_is_finite_and_exact() -> None:
    net = Network(
        (1, 3),
        ("softmax",),
        "ce",
        1.0,
        np.array([[1.0]]),
        np.array([[0.0, 1.0, 0.0]]),
        (np.array([[0.0, 0.0, 0.0], [900.0, 0.0, -900.0]]),),
    )
    with np.errstate(all="ignore"):
        v = run_iteration(net, net.weights)
    assert v.cost == 900.0  # −ln softmax(900, 0, −900)[1] = 900 + ln(1 + e^−900 + e^−1800)
    np.testing.assert_array_equal(v.delta[1], [[1.0, -1.0, 0.0]])


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    rows=st.integers(1, 3),
    cols=st.integers(1, 4),
    output=st.sampled_from(["sigmoid", "softmax"]),
    cost=st.sampled_from(["bce", "ce"]),
)
def test_fused_delta_equals_the_product_of_the_shown_factors_where_both_are_finite(
    data, rows, cols, output, cost
) -> None:
    n = np.array(
        data.draw(
            st.lists(st.lists(st.floats(-60, 60), min_size=cols, max_size=cols), min_size=rows, max_size=rows)
        )
    )
    y = np.array(
        data.draw(
            st.lists(st.lists(st.floats(0, 1), min_size=cols, max_size=cols), min_size=rows, max_size=rows)
        )
    )
    if cost == "ce" and output == "softmax":
        y = np.full_like(y, 1.0 / cols) if (s := y.sum(axis=1, keepdims=True)).min() == 0 else y / s
    act, cost_fn = ACTIVATIONS[output], COSTS[cost]
    a = act.forward(n)
    with np.errstate(all="ignore"):
        dc_da = cost_fn.gradient(a, y)
        if act.derivative is None:
            product = softmax_backward(dc_da, a)
        else:
            product = dc_da * act.derivative(n, a)
    fused = output_delta(cost_fn, output, a, y)
    if fused is None:  # softmax + bce: δ is the product itself
        return
    both = np.isfinite(fused) & np.isfinite(product)
    np.testing.assert_allclose(fused[both], product[both], rtol=1e-9, atol=1e-12)
    assert np.isfinite(fused).all()


# --- costs on outputs they don't fit ----------------------------------------------------------------


def test_bce_on_a_linear_output_is_bad_input(cli, tmp_path) -> None:
    path = write(tmp_path, SATURATED_BCE.replace('"sigmoid"', '"linear"'))
    run = cli("trace", path)
    assert run.code == 2
    assert path in run.err and "bce" in run.err and "linear" in run.err and "sigmoid or softmax" in run.err


def test_ce_on_a_tanh_output_is_bad_input(cli, tmp_path) -> None:
    text = SATURATED_BCE.replace('"sigmoid"', '["tanh"]').replace('"bce"', '"ce"')
    run = cli("train", write(tmp_path, text))
    assert run.code == 2 and "ce cost" in run.err and "tanh" in run.err


def test_softmax_ce_targets_must_sum_to_1(cli, tmp_path) -> None:
    text = SATURATED_BCE.replace('"sigmoid"', '"softmax"').replace('"bce"', '"ce"')
    run = cli("trace", write(tmp_path, text))  # 0.2 + 0.9 = 1.1
    assert run.code == 2 and "targets[0]" in run.err and "sum to 1" in run.err
    ok = cli("trace", write(tmp_path, text.replace("[[0.2, 0.9]]", "[[0.1, 0.9]]"), "ok.toml"))
    assert ok.code == 0


# --- divergence ------------------------------------------------------------------------------------


def test_trace_reports_divergence_at_the_cost(cli) -> None:
    run = cli("trace", "exploding", "--iterations", "3", "--format", "json")
    assert run.code == 1
    assert run.err.startswith("stepper: diverged at iteration 3: cost became inf\n")
    doc = run.json()
    assert doc["diverged"] == {"iteration": 3, "quantity": "cost", "layer": None}
    assert len(doc["iterations"]) == 3 and doc["iterations"][1]["cost"] < 1e40
    last = doc["iterations"][2]
    assert last["cost"] == "inf"
    assert all(x is not None for x in last["a"])  # computed before the cost
    for quantity in ("dC_da", "da_dn", "delta"):
        assert last[quantity] == [None] * 6
    assert last["grad"] == [None] * 5 and last["weights_after"] == [None] * 5


def test_trace_text_stops_at_the_divergence(cli) -> None:
    run = cli("trace", "exploding", "--iterations", "5")
    assert run.code == 1
    assert "Iteration 4" not in run.out
    assert run.out.rstrip().endswith(
        "Stopped: diverged at iteration 3: cost became inf. Remedy: try a smaller learning rate (--lr)."
    )
    assert "Step 12/36" in run.out and "Step 13/36" not in run.out.split("Iteration 3")[1]


def test_an_overflowing_pre_activation_is_divergence_even_when_sigmoid_saturates(cli, tmp_path) -> None:
    text = SATURATED_BCE.replace("[10.0, 0.5]", "[1e308, 0.5]")  # n = 1 + 20 + 2e308
    run = cli("train", write(tmp_path, text), "--iterations", "5", "--format", "json")
    assert run.code == 1
    assert "stepper: diverged at iteration 1: n of layer 1 became inf\n" in run.err
    assert "initial weights or the inputs are too large" in run.err  # not the learning rate
    doc = run.json()
    assert doc["diverged"] == {"iteration": 1, "quantity": "n", "layer": 1}
    assert doc["cost"] == [None] and doc["iterations"] == 1  # C_1 came after n^1
    traced = cli("trace", write(tmp_path, text), "--format", "json").json()["iterations"][0]
    assert traced["n"][1][0][0] == "inf" and traced["a"] == [[[1.0, 2.0]], None]


def test_train_on_a_deep_linear_network_that_overflows_reports_it(cli) -> None:
    run = cli("train", "exploding", "--iterations", "50", "--format", "json")
    assert run.code == 1 and "diverged at iteration 3: cost became inf" in run.err
    doc = run.json()
    assert doc["diverged"]["iteration"] == 3 and doc["cost"][-1] == "inf" and len(doc["cost"]) == 3
    assert all(isinstance(x, float) for row in doc["outputs"] for x in row)  # W before iteration 3


def test_diagnose_reports_divergence_in_json(cli) -> None:
    run = cli("diagnose", "exploding", "--iterations", "10", "--format", "json")
    assert run.code == 1 and "diverged at iteration 3" in run.err
    assert run.json()["diverged"] == {"iteration": 3, "quantity": "cost", "layer": None}
    calm = cli("diagnose", "--format", "json").json()
    assert calm["diverged"] is None


# --- --seed and --init on explicit weights -------------------------------------------------------------


def test_seed_alone_on_explicit_weights_is_bad_input(cli, tmp_path) -> None:
    path = write(tmp_path, SATURATED_BCE)
    run = cli("trace", path, "--seed", "5")
    assert run.code == 2 and path in run.err and "--init" in run.err and run.out == ""


def test_init_replaces_explicit_weights_with_a_note(cli, tmp_path) -> None:
    path = write(tmp_path, SATURATED_BCE)
    run = cli("trace", path, "--init", "normal", "--seed", "5", "--format", "json")
    assert run.code == 0
    assert run.err == f"stepper: note: --init normal replaces the weights given in {path}\n"
    assert run.json()["iterations"][0]["weights_before"][0][1] != [20.0, 1.0]


# --- gradcheck: kinks and its tolerance --------------------------------------------------------------


def test_gradcheck_leaves_out_weights_whose_difference_crosses_a_relu_kink(cli, tmp_path) -> None:
    """n^1[0,0] = 1e-7: the step of ±1e-6 on its bias crosses 0, and the quotient averages 0 and 1."""
    text = """\
layers = [1, 1, 1]
activation = ["relu", "linear"]
cost = "sse"
learning_rate = 0.1
inputs = [[1.0], [2.0]]
targets = [[0.5], [3.0]]
weights = [[[-0.9999999], [1.0]], [[0.0], [2.0]]]
"""
    path = write(tmp_path, text)
    doc = cli("gradcheck", path, "--format", "json").json()
    assert doc["passed"] is True and doc["kinks"] >= 1
    assert doc["layers"][0]["kinks"] >= 1 and doc["tolerance"] == 1e-5 and doc["floor"] > 0
    out = cli("gradcheck", path).out
    assert "left out" in out and "tolerance 1e-05 relative" in out


def test_gradcheck_floor_follows_the_rounding_error_not_1e4_times_the_cost(cli) -> None:
    doc = cli("gradcheck", "--format", "json").json()
    # The seed's C = 1.908: ~4 ulps of C(w ± ε) over 2ε, divided by the tolerance.
    assert 1e-4 < doc["floor"] < 1e-3
    assert doc["passed"] is True


# --- a worked example from outside: Mazur's "step by step backpropagation" ----------------------------


def test_mazurs_worked_example() -> None:
    net = Network(
        (2, 2, 2),
        ("sigmoid", "sigmoid"),
        "half_sse",
        0.5,
        np.array([[0.05, 0.10]]),
        np.array([[0.01, 0.99]]),
        (
            np.array([[0.35, 0.35], [0.15, 0.25], [0.20, 0.30]]),
            np.array([[0.60, 0.60], [0.40, 0.50], [0.45, 0.55]]),
        ),
    )
    first = run_iteration(net, net.weights)
    assert math.isclose(first.cost, 0.298371109, rel_tol=1e-8)
    assert math.isclose(first.weights_after[1][1, 0], 0.35891648, rel_tol=1e-8)  # w5⁺
    assert math.isclose(first.weights_after[0][1, 0], 0.149780716, rel_tol=1e-8)  # w1⁺
    second = run_iteration(net, first.weights_after)
    # The contract's update moves the bias rows too. The post's 0.29102777 comes from leaving the
    # biases b1 = 0.35 and b2 = 0.60 fixed:
    assert math.isclose(second.cost, 0.2804714468, rel_tol=1e-9)
    biases_fixed = tuple(np.vstack([w[:1], after[1:]]) for w, after in zip(net.weights, first.weights_after))
    assert math.isclose(run_iteration(net, biases_fixed).cost, 0.29102777, rel_tol=1e-7)


def test_gradcheck_is_not_fooled_near_a_perfect_fit() -> None:
    """C ≈ 1e-27 after 20000 iterations: a^L − y ≈ 1e-14 is known to 1e-16 only, and the quotient's
    truncation error outweighs the gradient. A floor from |C| alone (or none) fails here by 4e-3."""
    from stepper.engine.training import train

    net = load_network("dead-relu")
    check = gradcheck(net, train(net, 20000).weights)
    assert check.passed and check.floor < 1e-8


OVERFLOWING_DEEP_LINEAR = """\
layers = [2, 8, 8, 8, 8, 8, 8, 8, 8, 1]
activation = "linear"
cost = "sse"
learning_rate = 0.1
inputs = [[1.0, 2.0]]
targets = [[1.0]]
[init]
scheme = "constant"
value = 1e40
"""


def test_gradcheck_where_the_first_forward_pass_overflows_says_so_without_numpy_warnings(
    cli, tmp_path
) -> None:
    """(1e40)^8 overflows in n^8: there is no finite gradient, so nothing can pass or fail."""
    path = write(tmp_path, OVERFLOWING_DEEP_LINEAR)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning would reach the user's stderr
        run = cli("gradcheck", path)
        doc = cli("gradcheck", path, "--format", "json")
    assert run.code == 1 and run.err == ""
    assert run.out.startswith("gradcheck NOT RUN: at these weights n of layer 8 became inf")
    assert "initial weights or the inputs are too large" in run.out  # not "a smaller learning rate"
    assert "PASSED" not in run.out and "FAILED" not in run.out
    assert doc.code == 1
    assert doc.json()["passed"] is False and doc.json()["checked"] == 0
    assert doc.json()["non_finite"] == {"quantity": "n", "layer": 8}
    assert doc.json()["max_relative_error"] is None


def test_gradcheck_with_every_weight_at_a_kink_checks_nothing_and_does_not_pass(cli, tmp_path) -> None:
    """n^1 = 0·1 + 0 = 0: both weights' differences cross relu's kink, so none is compared."""
    text = """\
layers = [1, 1]
activation = "relu"
cost = "sse"
learning_rate = 0.1
inputs = [[1.0]]
targets = [[1.0]]
weights = [[[0.0], [0.0]]]
"""
    path = write(tmp_path, text)
    run = cli("gradcheck", path)
    assert run.code == 1
    assert "PASSED" not in run.out and "no weights checked" in run.out
    assert run.out.startswith("gradcheck NO WEIGHTS CHECKED")
    doc = cli("gradcheck", path, "--format", "json").json()
    assert doc["passed"] is False and doc["checked"] == 0 and doc["kinks"] == 2
    assert doc["non_finite"] is None


def test_gradcheck_counts_the_weights_it_checked(cli) -> None:
    doc = cli("gradcheck", "--format", "json").json()
    assert doc["checked"] == 9 + 12 + 8  # the seed's 2-3-3-2: (2+1)·3 + (3+1)·3 + (3+1)·2


def test_the_builtin_examples_pass_gradcheck() -> None:
    for name in ("identical-columns", "random-init", "xor", "dead-relu", "saturated"):
        assert gradcheck(load_network(name)).passed, name


def test_the_walk_stops_at_the_divergence() -> None:
    from stepper.engine.walk import Walk

    walk = Walk(load_network("exploding"))
    walk.to_iteration(10)  # past it: the walk lands on the step that computed the inf cost
    assert (walk.iteration, walk.done) == (3, 11) and walk.at_divergence
    assert walk.current_step is not None and walk.current_step.output.quantity == "cost"
    walk.forward()
    assert (walk.iteration, walk.done) == (3, 11)  # no further
    assert walk.back() and (walk.iteration, walk.done) == (3, 10)  # back is free


def test_train_text_shows_the_divergence_after_the_cost_curve(cli) -> None:
    run = cli("train", "diverging")
    assert run.code == 1
    assert "iteration 269: C = inf" in run.out
    assert "DIVERGED: diverged at iteration 269: cost became inf." in run.out


def test_compare_reads_the_inf_and_nan_strings_stepper_writes(cli, tmp_path) -> None:
    path = write(tmp_path, SATURATED_BCE)
    mine = tmp_path / "mine.json"
    mine.write_text(cli("trace", path, "--format", "json").out)  # dC/da holds "inf"
    run = cli("compare", str(mine), path, "--format", "json")
    assert run.code == 0 and run.json()["match"] is True and run.err == ""


def test_the_fused_delta_step_says_it_is_computed_directly(cli, tmp_path) -> None:
    """Saturated: dC/da = inf and da/dn = 0, yet δ = 0.8. The step and the cell say why."""
    from stepper.engine.explain import cell_terms
    from stepper.engine.steps import Ref, build_steps

    net = load_network(write(tmp_path, SATURATED_BCE))
    delta_step = next(s for s in build_steps(net) if s.output == Ref("delta", 1))
    assert "computed directly as δ^1 = a^1 − y" in delta_step.why
    with np.errstate(all="ignore"):
        values = run_iteration(net, net.weights)
    assert cell_terms(net, values, Ref("delta", 1), 0, 0) == "= a^1 − y = 1.0000000 − 0.2000000 = 0.8000000"
    md = cli("trace", write(tmp_path, SATURATED_BCE), "--format", "markdown").out
    assert "computed directly as δ^1 = a^1 − y" in md
    # Where the factors are multiplied, the step says so and nothing more.
    seed = next(s for s in build_steps(load_network("identical-columns")) if s.output == Ref("delta", 3))
    assert "computed directly" not in seed.why and "multiplied entry by entry" in seed.why
