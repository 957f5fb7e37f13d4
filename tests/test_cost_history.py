"""The walk's cost history: compact (a numpy array, not a dict of floats) and exact."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from stepper.engine.history import CostHistory, WeightHistory
from stepper.engine.training import train
from stepper.netfile import load_network

operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(1, 3000), st.lists(st.floats(allow_nan=True), max_size=40)),
        st.tuples(st.just("forget"), st.integers(1, 3000), st.just([])),
    ),
    max_size=30,
)


@given(operations)
def test_it_behaves_as_a_dict_of_the_costs_it_was_given(ops) -> None:
    history, model = CostHistory(), {}
    for op, at, costs in ops:
        if op == "put":
            history.put(at, costs)
            model.update({at + i: c for i, c in enumerate(costs)})
        else:
            history.forget_from(at)
            model = {k: c for k, c in model.items() if k < at}
    assert history.last == max(model, default=0)
    assert len(history) == len(model)
    for k in range(1, history.last + 2):
        assert (k in history) == (k in model)
        if k in model:
            assert history[k] == model[k] or (math.isnan(history[k]) and math.isnan(model[k]))
    finite = [model[k] for k in sorted(model) if math.isfinite(model[k])]
    assert history.finite(history.last).tolist() == finite


def test_a_long_walk_keeps_its_costs_in_about_9_bytes_each() -> None:
    net = load_network()
    history = WeightHistory(net)
    history.weights_at(20_001)
    assert history.costs.last == 20_000
    assert history.costs.nbytes <= 2 * 20_001 * 9  # the array doubles as it grows
    # and they are train's costs, bit for bit
    assert history.costs.finite(20_000).tolist() == train(net, 20_000).costs


def test_a_long_walk_finds_the_same_divergence_as_train() -> None:
    # The history checks n and the weights every CHECK_EVERY iterations, as train does, and
    # replays to the first non-finite one: the same iteration, and nothing computed past it.
    net = load_network("diverging")
    history = WeightHistory(net)
    history.weights_at(5000)
    result = train(net, 5000)
    assert result.diverged is not None and history.diverged_at == result.diverged.iteration
    assert history.costs.last == result.diverged.iteration
    assert max(history._checkpoints) <= result.diverged.iteration + 1
