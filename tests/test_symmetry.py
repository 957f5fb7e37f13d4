"""The symmetry narration: which columns (rows) of each step's result are equal, and why."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stepper.engine.batching import Batch
from stepper.engine.diagnose import find_clones
from stepper.engine.explain import equal_column_groups
from stepper.engine.init import InitSpec
from stepper.engine.iteration import run_iteration
from stepper.engine.network import Network
from stepper.engine.quantities import Q
from stepper.engine.quiz import PERCENT, TOLERANCE, Score, is_right, question
from stepper.engine.steps import Ref, build_steps
from stepper.engine.symmetry import (
    Kind,
    _slice,
    equal_text,
    index_list,
    narrate,
    neuron_spread,
    ref_value,
    sources_of,
)
from stepper.engine.walk import Walk
from stepper.netfile import load_network


def _seed_story(before=(), label="clones before the change"):
    net = load_network("identical-columns")
    return net, narrate(net, run_iteration(net, net.weights), build_steps(net), before, label)


def _by_number(story):
    return {s.step.number: s for s in story}


def test_the_seed_at_n1_says_the_columns_are_equal_because_the_columns_of_W0_are() -> None:
    _, story = _seed_story()
    step1 = _by_number(story)[1]
    (group,) = step1.equal
    assert (group.axis, group.indices, group.kind) == ("columns", (0, 1, 2), Kind.CLONES)
    assert step1.lines() == [
        "Columns 0–2 of n^1 are equal because columns 0–2 of W^0 (the weights in) are equal. "
        "Neurons 0–2 of layer 1 are clones (equal weights in and out)."
    ]


def test_the_seed_at_delta2_traces_the_equal_columns_to_the_outgoing_rows_of_W2() -> None:
    _, story = _seed_story()
    (group,) = _by_number(story)[14].equal
    assert [f.ref.symbol for f in group.sources] == ["dC/da^2", "da^2/dn^2"]
    roots = {(f.ref.symbol, f.axis, f.indices) for f in group.roots}
    assert roots == {("W^2", "rows", (1, 2, 3)), ("W^1", "columns", (0, 1, 2))}
    text = _by_number(story)[14].lines()[0]
    assert "because dC/da^2 and da^2/dn^2 have equal columns 0–2" in text
    assert "rows i=0–2 of W^2 (the weights out)" in text


def test_the_seed_update_says_equal_gradients_so_equal_changes_still_clones() -> None:
    _, story = _seed_story()
    lines = _by_number(story)[21].lines()
    assert lines == [
        "Columns 0–2 of W^1 stay equal: W^1 and dC/dW^1 have equal columns 0–2 — equal gradients, so "
        "equal changes: neurons 0–2 of layer 2 are still clones.",
        "Rows i=0–2 of W^1 stay equal: W^1 and dC/dW^1 have equal rows i=0–2 — equal gradients, so equal "
        "changes: neurons 0–2 of layer 1 are still clones.",
    ]


def test_the_seed_outputs_are_equal_until_their_targets_tell_them_apart() -> None:
    _, story = _seed_story()
    steps = _by_number(story)
    assert steps[5].equal[0].kind is Kind.CARRIED  # output neurons are never clones
    (brk,) = steps[8].breaks
    assert (brk.layer, brk.neurons, brk.first) == (3, (0, 1), False)
    assert [f.ref.symbol for f in brk.differing] == ["y"]
    assert not steps[10].breaks  # told once, not again at δ^3


def test_after_s_it_says_where_the_symmetry_broke_first() -> None:
    seed = load_network("identical-columns")
    before = find_clones(seed, seed.weights)
    net = seed.with_init(InitSpec("normal", seed=1))
    story = _by_number(
        narrate(
            net,
            run_iteration(net, net.weights),
            build_steps(net),
            before,
            "clones before the re-initialisation",
        )
    )
    assert story[1].lines() == [
        "The symmetry breaks here first: neurons 0–2 of layer 1, clones before the re-initialisation, "
        "differ in columns 0–2 of n^1 because columns 0–2 of W^0 (the weights in) differ."
    ]
    assert story[3].breaks[0].layer == 2 and not story[3].breaks[0].first
    assert not any(s.equal for s in story.values())


def test_an_edit_breaks_one_neuron_off_and_leaves_the_others_clones() -> None:
    net = load_network("identical-columns")
    before = find_clones(net, net.weights)
    weights = [w.copy() for w in net.weights]
    weights[0][1, 1] = 1.5  # w^0_{0,1}
    story = _by_number(
        narrate(net, run_iteration(net, tuple(weights)), build_steps(net), before, "clones before the edit")
    )
    (brk,) = story[1].breaks
    assert (brk.neurons, brk.still_equal, brk.first) == ((0, 1, 2), ((0, 2),), True)
    assert story[1].equal[0].kind is Kind.CLONES and story[1].equal[0].neurons == (0, 2)
    # Layer 2 is untouched: its neurons are still clones; layer 1's 0-1-2 only look equal in dC/da^1.
    assert story[3].equal[0].kind is Kind.CLONES
    (looks,) = story[16].equal
    assert looks.kind is Kind.CARRIED and "weights in (columns 0–2 of W^0) differ" in looks.not_clones
    assert "Not all clones" in story[16].lines()[0]
    assert (
        story[16]
        .lines()[0]
        .endswith(
            "only neurons 0 and 2 are clones (equal weights in and out), and only they will stay equal."
        )
    )


def _one_observation_net(weights: list[np.ndarray]) -> Network:
    return Network(
        (2, 2, 1),
        ("sigmoid", "sigmoid"),
        "sse",
        0.5,
        np.array([[0.8, 0.4]]),
        np.array([[0.3]]),
        tuple(weights),
    )


def test_equal_columns_with_unequal_causes_are_a_coincidence_not_clones() -> None:
    # 0.5·0.8 = 1·0.4: n^1's columns are equal numbers computed from different weights.
    w0 = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 1.0]])
    w1 = np.array([[0.1], [0.3], [0.3]])
    net = _one_observation_net([w0, w1])
    values = run_iteration(net, net.weights)
    assert np.array_equal(values.n[1][:, 0], values.n[1][:, 1])
    story = _by_number(narrate(net, values, build_steps(net)))
    (n1,) = story[1].equal
    assert n1.kind is Kind.COINCIDENCE
    assert story[1].lines() == [
        "Columns 0 and 1 of n^1 are equal in value only: columns 0 and 1 of W^0 (the weights in) differ, "
        "so this is a coincidence of these numbers, not a symmetry that lasts."
    ]
    # a^1 follows n^1 entry by entry, but nothing upstream is symmetric: still not clones.
    (a1,) = story[2].equal
    assert a1.kind is Kind.CARRIED and a1.roots == ()
    assert "weights in (columns 0 and 1 of W^0) differ" in a1.not_clones
    for s in story.values():
        assert all(e.kind is not Kind.CLONES for e in s.equal)
        assert not any("clones" in line and "not" not in line.lower() for line in s.lines())


def test_equal_weights_in_but_not_out_is_carried_then_breaks_in_the_backward_pass() -> None:
    w0 = np.array([[0.1, 0.1], [0.5, 0.5], [-0.4, -0.4]])
    w1 = np.array([[0.1], [0.7], [-0.2]])
    net = _one_observation_net([w0, w1])
    story = _by_number(narrate(net, run_iteration(net, net.weights), build_steps(net)))
    (n1,) = story[1].equal
    assert n1.kind is Kind.CARRIED
    assert (
        story[1]
        .lines()[0]
        .endswith("Not clones: their weights out (rows i=0 and i=1 of W^1) differ, so this will not last.")
    )
    dC_da1 = next(s for s in story.values() if s.step.output.symbol == "dC/da^1")
    (brk,) = dC_da1.breaks
    assert brk.neurons == (0, 1) and [f.ref.symbol for f in brk.differing] == ["W^1"]


def test_dead_relus_are_all_0_for_as_long_as_they_are_dead_not_a_coincidence() -> None:
    """dead-relu's neurons 1 and 3 of layer 1 have n ≤ 0 for every observation: their columns of a^1,
    da^1/dn^1, δ^1 and dC/dW^0 and their rows of dC/dW^1 are 0. The Why pane called the rows "not
    clones, so this will not last" and the columns "a coincidence", beside a notice saying they were
    dead for good (a tester's finding)."""
    net = load_network("dead-relu")
    story = _by_number(narrate(net, run_iteration(net, net.weights), build_steps(net)))
    steps = {s.step.output.symbol: s for s in story.values()}
    for symbol, axis, indices in [
        ("a^1", "columns", (1, 3)),
        ("dC/dW^1", "rows", (2, 4)),
        ("da^1/dn^1", "columns", (1, 3)),
        ("δ^1", "columns", (1, 3)),
        ("dC/dW^0", "columns", (1, 3)),
    ]:
        (dead,) = [e for e in steps[symbol].equal if e.kind is Kind.DEAD]
        assert (dead.axis, dead.indices, dead.layer, dead.neurons) == (axis, indices, 1, (1, 3))
        text = equal_text(steps[symbol].step, dead)
        assert "are all 0: neurons 1 and 3 of layer 1 are dead (n^1 ≤ 0 for every observation" in text
    assert any(t.startswith("Columns 1 and 3 of da^1/dn^1 are all 0") for t in steps["da^1/dn^1"].lines())
    # Each says why in its own step's terms: the rows of dC/dW^1 are the dead neurons' weights out,
    # not "their weights in", where no gradient "comes back" (a tester's finding).
    rows = " ".join(steps["dC/dW^1"].lines())
    assert "so their output a^1 is 0 and their weights out, these rows of W^1, get no gradient" in rows
    assert "weights in" not in rows and "comes back" not in rows
    assert "so they output 0 and pass nothing on to layer 2." in " ".join(steps["a^1"].lines())
    assert "Their weights in do not change" in " ".join(steps["dC/dW^0"].lines())
    assert not any("coincidence" in t and "1 and 3" in t for s in story.values() for t in s.lines())


def _story_of(net: Network, batch=None) -> dict[str, object]:
    values = run_iteration(net, net.weights, batch=batch)
    return {s.step.output.symbol: s for s in narrate(net, values, build_steps(net))}


def test_relus_active_for_every_observation_have_da_dn_all_1_not_a_coincidence() -> None:
    """Worked by hand: x = (1, 0), (0, 1), (1, 1) and W^0 = [[0.1, -5, 0.2], [1, 1, 0.5], [0.5, 1, 1]]
    give n^1 = [[1.1, -4, 0.7], [0.6, -4, 1.2], [1.6, -3, 1.7]]. Neurons 0 and 2 are active (n > 0)
    for every observation, so columns 0 and 2 of da^1/dn^1 are all 1, though their n differ: the
    narration called them "equal in value only … a coincidence" (a tester's finding). Neuron 1 is dead
    (all 0): a column of 0s, never in the group of 1s."""
    w0 = np.array([[0.1, -5.0, 0.2], [1.0, 1.0, 0.5], [0.5, 1.0, 1.0]])
    w1 = np.array([[0.0], [1.0], [0.5], [-1.0]])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    net = Network((2, 3, 1), ("relu", "sigmoid"), "sse", 0.5, x, np.array([[0.5], [0.2], [0.9]]), (w0, w1))
    values = run_iteration(net, net.weights)
    assert np.allclose(values.n[1], [[1.1, -4.0, 0.7], [0.6, -4.0, 1.2], [1.6, -3.0, 1.7]])
    story = _story_of(net)
    (active,) = story["da^1/dn^1"].equal
    assert (active.kind, active.axis, active.indices, active.neurons) == (
        Kind.SAME_SLOPE,
        "columns",
        (0, 2),
        (0, 2),
    )
    assert active.pieces == (1, 1, 1) and active.activation == "relu"
    assert story["da^1/dn^1"].lines() == [
        "Columns 0 and 2 of da^1/dn^1 are all 1: neurons 0 and 2 of layer 1 are active for every "
        "observation (n^1 > 0, where ReLU's slope is 1), so their derivative is 1 everywhere. Not a "
        "coincidence: it holds as long as they stay active."
    ]
    # Not a symmetry of the neurons either: nothing is said to break at δ^1, whose columns differ.
    assert all(not s.breaks for s in story.values())
    assert not any("coincidence of these numbers" in t for s in story.values() for t in s.lines())


def test_dead_and_active_relus_are_told_apart_in_dead_relu() -> None:
    """dead-relu's neurons 0 and 2 are active for every observation, 1 and 3 dead: da^1/dn^1 has two
    groups, the 1s and the 0s, each with its own reason."""
    story = _story_of(load_network("dead-relu"))
    groups = {(e.kind, e.indices) for e in story["da^1/dn^1"].equal}
    assert groups == {(Kind.SAME_SLOPE, (0, 2)), (Kind.DEAD, (1, 3))}
    lines = story["da^1/dn^1"].lines()
    assert lines[0].startswith(
        "Columns 0 and 2 of da^1/dn^1 are all 1: neurons 0 and 2 of layer 1 are active"
    )
    assert lines[1].startswith("Columns 1 and 3 of da^1/dn^1 are all 0: neurons 1 and 3 of layer 1 are dead")


def test_leaky_relus_on_the_same_pieces_and_a_linear_layer_are_not_coincidences() -> None:
    """Leaky ReLU: n^1 = [[0.5, 1.1], [-1.5, -2.4], [-0.5, -0.9]] (W^0 below, x as above) puts both
    neurons on the slope-1 piece for observation 0 and on the 0.01 piece for 1 and 2: columns equal,
    row by row. Then all on the 0.01 piece. A linear layer's da/dn is 1 whatever the weights."""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([[0.5], [0.2], [0.9]])
    w1 = np.array([[0.0], [1.0], [-1.0]])
    mixed = np.array([[-0.5, -0.4], [1.0, 1.5], [-1.0, -2.0]])
    net = Network((2, 2, 1), ("leaky_relu", "sigmoid"), "sse", 0.5, x, y, (mixed, w1))
    assert np.allclose(run_iteration(net, net.weights).n[1], [[0.5, 1.1], [-1.5, -2.4], [-0.5, -0.9]])
    assert _story_of(net)["da^1/dn^1"].lines() == [
        "Columns 0 and 1 of da^1/dn^1 are equal: neurons 0 and 1 of layer 1 are active for the same "
        "observations (n^1 > 0 in row o=0, where leaky ReLU's slope is 1) and inactive for the others "
        "(n^1 ≤ 0, slope 0.01). Not a coincidence: it holds as long as they are active for the same "
        "observations."
    ]
    below = np.array([[-0.5, -0.4], [-1.0, -1.5], [-1.0, -2.0]])
    net = Network((2, 2, 1), ("leaky_relu", "sigmoid"), "sse", 0.5, x, y, (below, w1))
    assert _story_of(net)["da^1/dn^1"].lines() == [
        "Columns 0 and 1 of da^1/dn^1 are all 0.01: neurons 0 and 1 of layer 1 are inactive for every "
        "observation (n^1 ≤ 0, where leaky ReLU's slope is 0.01), so their derivative is 0.01 everywhere. "
        "Not a coincidence: it holds as long as they stay inactive."
    ]
    w1 = np.array([[0.0, 1.0], [1.0, 0.3], [-1.0, 2.0]])
    net = Network((2, 2, 2), ("sigmoid", "linear"), "sse", 0.5, x, np.ones((3, 2)), (mixed, w1))
    assert _story_of(net)["da^2/dn^2"].lines() == [
        "Columns 0 and 1 of da^2/dn^2 are all 1: neurons 0 and 1 of layer 2 are linear, whose slope is 1 "
        "for every n, so their derivative is 1 everywhere. Not a coincidence: it holds whatever the weights."
    ]


def test_a_mini_batch_is_not_every_observation() -> None:
    """With a mini-batch, "for every observation" would claim more than the rows show."""
    net = load_network("dead-relu")
    story = _story_of(net, batch=Batch(1, 1, np.array([0, 2])))
    lines = story["da^1/dn^1"].lines()
    assert "active for every observation of this batch (n^1 > 0" in lines[0]
    assert "dead (n^1 ≤ 0 for every observation of this batch" in lines[1]


def test_a_derivative_step_reads_what_its_formula_reads() -> None:
    """A ReLU's da/dn is read from n (the step view showed a^1 beside "1 where n^1 > 0"); a
    sigmoid's from a, as its formula a^2 ⊙ (1 − a^2) says."""
    for example, symbol, reads in [
        ("dead-relu", "da^1/dn^1", "n^1"),
        ("identical-columns", "da^2/dn^2", "a^2"),
    ]:
        (step,) = [s for s in build_steps(load_network(example)) if s.output.symbol == symbol]
        assert [ref.symbol for ref in step.inputs] == [reads]
        assert reads in step.formula


def test_index_lists() -> None:
    assert index_list([0, 1, 2]) == "0–2"
    assert index_list([0, 2]) == "0 and 2"
    assert index_list([0, 1, 3]) == "0, 1 and 3"
    assert index_list(["b", 0, 1, 2], "i=") == "b and i=0–2"


def _planted(layers: tuple[int, ...], rng: np.random.Generator, choices: list[int]) -> list[np.ndarray]:
    """Weights from a tiny set of values, with some columns and rows copied: many equal slices, some
    of them clones, some of them coincidences."""
    weights = [rng.choice([0.0, 0.5, 1.0], size=(a + 1, b)) for a, b in itertools.pairwise(layers)]
    for l in range(1, len(layers) - 1):
        if choices[l % len(choices)] and layers[l] >= 2:
            weights[l - 1][:, 1] = weights[l - 1][:, 0]
            if choices[(l + 1) % len(choices)]:
                weights[l][2] = weights[l][1]
    return weights


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    seed=st.integers(0, 10_000),
    choices=st.lists(st.integers(0, 1), min_size=1, max_size=4),
    activation=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "linear"]),
)
def test_what_the_narration_says_is_true(sizes, seed, choices, activation) -> None:
    rng = np.random.default_rng(seed)
    layers = (2, *sizes, 2)
    net = Network(
        layers,
        (activation,) * (len(layers) - 1),
        "sse",
        0.5,
        rng.choice([0.0, 1.0], size=(2, 2)),
        rng.uniform(0, 1, size=(2, 2)),
        tuple(_planted(layers, rng, choices)),
    )
    values = run_iteration(net, net.weights)
    clones = find_clones(net, net.weights)
    for s in narrate(net, values, build_steps(net)):
        result = ref_value(net, values, s.step.output)
        for e in s.equal:
            # The slices named equal are equal.
            slices = [result[:, i] if e.axis == "columns" else result[i] for i in e.indices]
            assert all(np.array_equal(slices[0], x) for x in slices[1:])
            text = equal_text(s.step, e)
            if e.kind is Kind.CLONES:
                assert any(g.layer == e.layer and set(e.neurons) <= set(g.neurons) for g in clones)
            else:
                # Equal columns with unequal causes (or neurons that are not clones) are never called
                # clones; only the clone groups among them (after an edit) are, and they truly are.
                said, _, inside = text.partition(" Not all clones:")
                assert "are clones" not in said and "still clones" not in said
                assert not inside or e.clones_inside
                for g in e.clones_inside:
                    assert any(c.layer == e.layer and set(g) == set(c.neurons) for c in clones)
            if e.kind is Kind.COINCIDENCE:
                assert e.sources and e.roots == ()
            if e.kind is Kind.DEAD:  # all 0, and each a ReLU neuron with n ≤ 0 for every observation
                assert not np.any(slices) and activation == "relu" and e.layer is not None
                assert all((values.n[e.layer][:, j] <= 0).all() for j in e.neurons)
            if e.kind is Kind.SAME_SLOPE:
                # Columns of da/dn of a piecewise-constant derivative, each neuron's n on the same
                # piece as the others' for each observation; "active for every observation": ReLU
                # neurons with n > 0 for every observation, whose columns are all 1.
                assert s.step.output.symbol == f"da^{e.layer}/dn^{e.layer}" and e.axis == "columns"
                assert e.indices == e.neurons and activation in ("relu", "leaky_relu", "linear")
                n = values.n[e.layer][:, list(e.neurons)]
                if activation != "linear":
                    assert ((n > 0) == (n[:, :1] > 0)).all()
                if "active for every observation" in text:
                    assert (
                        activation in ("relu", "leaky_relu")
                        and (n > 0).all()
                        and (result[:, e.indices] == 1).all()
                    )
                    assert "are all 1:" in text
                assert "coincidence of these numbers" not in text
        if s.step.output.quantity is Q.DA_DN and activation != "sigmoid" and activation != "tanh":
            # A piecewise-constant derivative's equal columns are never called a coincidence.
            assert all(e.kind is not Kind.COINCIDENCE for e in s.equal)


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 10_000))
def test_the_steps_say_truly_what_each_slice_is_computed_from(sizes, seed) -> None:
    """The step data the narration reads: equal sources always give equal result slices."""
    rng = np.random.default_rng(seed)
    layers = (2, *sizes, 3)
    net = Network(
        layers,
        ("tanh",) * (len(layers) - 2) + ("softmax",),
        "ce",
        0.5,
        rng.choice([0.0, 1.0], size=(2, 2)),
        np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]),
        tuple(_planted(layers, rng, [1, 1, 0])),
    )
    values = run_iteration(net, net.weights)
    for step in build_steps(net):
        result = ref_value(net, values, step.output)
        if result is None:
            continue
        for axis in ("columns", "rows"):
            count = result.shape[1] if axis == "columns" else result.shape[0]
            for j, k in itertools.combinations(range(count), 2):
                same = True
                for source in sources_of(step, axis):
                    m = ref_value(net, values, source.ref)
                    if m is None:
                        continue
                    a, b = _slice(m, source, j), _slice(m, source, k)
                    same = same and a is not None and b is not None and np.array_equal(a, b)
                if same:
                    x = result[:, j] if axis == "columns" else result[j]
                    y = result[:, k] if axis == "columns" else result[k]
                    assert np.array_equal(x, y), (step.title, axis, j, k)


def test_an_edit_in_the_walk_narrates_where_the_clones_broke() -> None:
    walk = Walk(load_network("identical-columns"))
    walk.to_iteration(3)
    walk.edit_weight(0, 1, 1, 1.5)
    (brk,) = walk.symmetry[0].breaks
    assert brk.first and brk.was == "clones before the edit" and brk.still_equal == ((0, 2),)
    walk.to_iteration(4)  # the next iteration has no "before": neurons 0 and 2 are simply clones
    assert not any(s.breaks for s in walk.symmetry if s.step.output.layer == 1)


def test_the_spread_is_flat_zero_for_clones_and_positive_after_a_random_init() -> None:
    seed = load_network("identical-columns")
    walk = Walk(seed)
    for k in range(1, 4):
        walk.to_iteration(k)
        assert walk.values.cost > 0  # computing an iteration records its spread
    assert walk.spread == {1: (0.0, 0.0), 2: (0.0, 0.0), 3: (0.0, 0.0)}
    net = seed.with_init(InitSpec("normal", seed=1))
    (first, second) = neuron_spread(net.weights)
    w0 = net.weights[0]
    by_hand = min(np.linalg.norm(w0[:, j] - w0[:, k]) for j, k in itertools.combinations(range(3), 2))
    assert math.isclose(first, by_hand, rel_tol=1e-12) and second > 0
    assert neuron_spread([np.ones((3, 1)), np.ones((2, 2))]) == (math.inf,)


def test_the_spread_of_huge_weights_is_their_distance_not_zero() -> None:
    """A tester set a weight to 1e200 (e) and the layer map read d=0.000, as for clones: the squares
    overflowed. By hand: columns (1e200, 0) and (0, 1e200) are √2·1e200 apart."""
    w = np.array([[1e200, 0.0], [0.0, 1e200]])
    (d,) = neuron_spread([w, np.ones((3, 1))])
    assert math.isclose(d, math.sqrt(2) * 1e200, rel_tol=1e-12)
    # The tester's case: xor's W^0 with one bias at 1e200; the closest are then the other two.
    w0 = load_network("xor").weights[0].copy()
    w0[0, 0] = 1e200
    (d,) = neuron_spread([w0, np.ones((4, 1))])
    assert math.isclose(d, float(np.linalg.norm(w0[:, 1] - w0[:, 2])), rel_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**31),
    st.integers(2, 6),
    st.floats(min_value=-150, max_value=150),
)
def test_the_spread_scales_with_the_weights(seed: int, neurons: int, exponent: float) -> None:
    """Weights c times larger are c times farther apart, from 1e-150 to 1e150, and clones stay 0."""
    w = np.random.default_rng(seed).normal(size=(3, neurons))
    c = 10.0**exponent
    (d,) = neuron_spread([w, np.ones((neurons + 1, 1))])
    (dc,) = neuron_spread([c * w, np.ones((neurons + 1, 1))])
    assert math.isclose(dc, c * d, rel_tol=1e-9)
    clones = np.repeat(c * w[:, :1], neurons, axis=1)
    assert neuron_spread([clones, np.ones((neurons + 1, 1))]) == (0.0,)


def test_a_long_run_leaves_a_spread_point_at_each_checkpoint_for_the_plot() -> None:
    net = load_network("identical-columns").with_init(InitSpec("normal", seed=1))
    walk = Walk(net, max_checkpoints=8)
    walk.to_iteration(200)
    assert walk.values.cost > 0
    assert len(walk.spread) >= 8 and 200 in walk.spread
    # After a random init the closest neurons drift apart as they learn different things.
    assert walk.spread[200][0] > walk.spread[1][0] > 0


def test_a_quiz_answer_is_right_within_0_05_percent_as_its_prompt_says() -> None:
    """|x − v| ≤ 5e-4·|v| + 1e-9 (contract §10's formula), not half a unit of the 4th significant
    digit: 0.9 is right for 0.9002495 (0.00045 allowed), as the prompt now says (it said "4
    significant digits", and a tester took 0.9's ✓ for a bug)."""
    assert is_right(0.9, 0.9002495) and not is_right(0.8997, 0.9002495)
    assert PERCENT == "0.05 %" and TOLERANCE == "|x − v| ≤ 5e-4·|v| + 1e-9"
    assert is_right(2.2011, 2.2) and not is_right(2.2012, 2.2)
    assert is_right(-0.0007545, -0.0007542904) and not is_right(-0.000755, -0.0007542904)
    assert is_right(0.0, 0.0) and not is_right(1e-8, 0.0)


def test_the_quiz_asks_for_the_selected_cell_of_the_next_matrix_else_row_0_column_0() -> None:
    walk = Walk(load_network("identical-columns"))
    q = question(walk)
    assert (q.name, q.value) == ("n^1[o=0, j=0]", 2.2)
    assert q.verdict(2.2) == (True, "✓ right: n^1[o=0, j=0] = 2.2000000")
    q = question(walk, (Ref("n", 1), 1, 2))
    assert (q.name, q.row, q.col) == ("n^1[o=1, j=2]", 1, 2) and math.isclose(q.value, 1.6)
    right, text = q.verdict(1.7)
    assert not right
    assert text == (
        "✗ wrong: n^1[o=1, j=2] = 1.6000000, not 1.7000000\n"
        "n^1[o=1, j=2] = Σ_i [1 | a^0][o=1, i] · W^0[i, j=2] = "
        "1·1.0000000 + 0.3000000·1.0000000 + 0.3000000·1.0000000 = 1.6000000"
    )
    assert question(walk, (Ref("a", 1), 1, 2)).name == "n^1[o=0, j=0]"  # a cell of another matrix
    walk.forward(6)
    assert question(walk).name == "C"
    assert str(Score().add(True).add(False).add(True)) == "2/3 right"


def test_equal_columns_are_grouped_in_order_of_their_first_column() -> None:
    # Columns 1 and 3 are twins, 0 and 4 are twins (−0 and 0 are one value), 2 is alone: the group
    # met first (columns 0 and 4) is group 0, the C1 of the matrices' headers.
    m = np.array([[0.0, 2.0, 5.0, 2.0, -0.0], [1.5, 0.25, 5.0, 0.25, 1.5]])
    assert equal_column_groups(m) == [0, 1, None, 1, 0]
    assert equal_column_groups(np.ones((3, 1))) == [None]
    assert equal_column_groups(np.ones((2, 3))) == [0, 0, 0]


@settings(max_examples=200)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.lists(
            st.lists(st.sampled_from([0.0, 1.0, -2.5, 1e-300]), min_size=rows, max_size=rows),
            min_size=1,
            max_size=8,
        )
    )
)
def test_equal_column_groups_agree_with_comparing_every_pair(columns: list[list[float]]) -> None:
    m = np.array(columns).T
    groups = equal_column_groups(m)
    for i, j in itertools.combinations(range(m.shape[1]), 2):
        same = bool(np.array_equal(m[:, i], m[:, j]))
        assert (groups[i] is not None and groups[i] == groups[j]) == same
    firsts = [groups.index(g) for g in sorted({g for g in groups if g is not None})]
    assert firsts == sorted(firsts)  # numbered by first column


def test_after_editing_one_neurons_weight_the_others_are_still_called_clones() -> None:
    """W^1[i=0, j=0] = 1.5: neuron 0 of layer 1 (its weights out) and neuron 0 of layer 2 (its
    weights in) part from the others; neurons 1 and 2 of both layers stay clones, and the words say so."""
    walk = Walk(load_network(), resume=False)
    walk.edit_weight(1, 1, 0, 1.5)
    story = walk.narration
    assert story[0] == [
        "Columns 0–2 of n^1 are equal because columns 0–2 of W^0 (the weights in) are equal. Not all "
        "clones: their weights out (rows i=0–2 of W^1) differ; only neurons 1 and 2 are clones (equal "
        "weights in and out), and only they will stay equal."
    ]
    assert story[2][0].startswith(
        "The symmetry breaks here first: neurons 0–2 of layer 2, clones before the edit, are no longer "
        "all alike: column 0 of n^2 differs from columns 1 and 2 because"
    )
    assert story[2][0].endswith("Still equal: neurons 1 and 2.")
