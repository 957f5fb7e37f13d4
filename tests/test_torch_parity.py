"""stepper's optimizers against torch.optim over several mini-batch iterations, to rtol 1e-8.

torch is not a dependency: this runs only where it is installed (`pip install torch`), and is
skipped elsewhere. The hand-worked tests in test_optimizers.py stand without it.
"""

from __future__ import annotations

import numpy as np
import pytest

from stepper.engine.batching import TrainingSpec
from stepper.engine.optimizers import OptimizerSpec
from stepper.engine.training import train
from stepper.engine.walk import Walk
from stepper.netfile import load_network

torch = pytest.importorskip("torch")

CASES = [
    OptimizerSpec("sgd", weight_decay=0.05),
    OptimizerSpec("momentum", momentum=0.8, weight_decay=0.05),
    OptimizerSpec("rmsprop", alpha=0.9, eps=1e-6, weight_decay=0.05),
    OptimizerSpec("adam", beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.05),
    OptimizerSpec("adamw", beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.05),
    OptimizerSpec("adam"),
]


def torch_optimizer(spec: OptimizerSpec, lr: float, params: list):  # type: ignore[no-untyped-def]
    """Biases in a group of their own with no decay: spec section 7 never decays the bias row."""
    weights, biases = params[1::2], params[0::2]
    groups = [{"params": weights, "weight_decay": spec.weight_decay}, {"params": biases, "weight_decay": 0.0}]
    o = torch.optim
    if spec.name == "sgd":
        return o.SGD(groups, lr=lr)
    if spec.name == "momentum":
        return o.SGD(groups, lr=lr, momentum=spec.momentum)
    if spec.name == "rmsprop":
        return o.RMSprop(groups, lr=lr, alpha=spec.alpha, eps=spec.eps)
    cls = o.AdamW if spec.name == "adamw" else o.Adam
    return cls(groups, lr=lr, betas=(spec.beta1, spec.beta2), eps=spec.eps)


@pytest.mark.parametrize("spec", CASES, ids=lambda s: s.label())
def test_matches_torch_over_several_minibatch_iterations(spec: OptimizerSpec) -> None:
    net = load_network("xor").with_optimizer(spec).with_training(TrainingSpec(batch_size=3, seed=5))
    iterations = 9
    result = train(net, iterations)
    walk = Walk(net)

    params = []
    for w in net.weights:
        params += [torch.tensor(w[0], dtype=torch.float64, requires_grad=True)]
        params += [torch.tensor(w[1:], dtype=torch.float64, requires_grad=True)]
    opt = torch_optimizer(spec, net.learning_rate, params)
    x_all = torch.tensor(net.inputs, dtype=torch.float64)
    y_all = torch.tensor(net.targets, dtype=torch.float64)
    for k in range(1, iterations + 1):
        batch = walk.history.batch(k)
        assert batch is not None
        idx = torch.tensor(batch.indices)
        a = x_all[idx]
        for l in range(net.depth):
            a = torch.sigmoid(a @ params[2 * l + 1] + params[2 * l])
        cost = ((a - y_all[idx]) ** 2).sum()  # sse: summed over the batch
        opt.zero_grad()
        cost.backward()
        opt.step()
        assert cost.item() == pytest.approx(result.costs[k - 1], rel=1e-8)
    for l, w in enumerate(result.weights):
        np.testing.assert_allclose(w[0], params[2 * l].detach().numpy(), rtol=1e-8)
        np.testing.assert_allclose(w[1:], params[2 * l + 1].detach().numpy(), rtol=1e-8)
