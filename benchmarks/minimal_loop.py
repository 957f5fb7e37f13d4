"""The yardstick: a minimal hand-written numpy training loop, as a learner would write it.

Usage: python minimal_loop.py NETWORK.toml ITERATIONS — reads the same network file (inline or CSV
data, sigmoid everywhere, sse cost, init from [init] or constant 1) and prints the final outputs.
With an [optimizer] table naming adam and a [training] batch_size, it runs Adam on mini-batches
cut from numpy.random.default_rng(seed) permutations, and the cost over all observations after each
epoch, as `stepper train` does.
"""

import itertools
import sys
import tomllib
from pathlib import Path

import numpy as np


def load(path):
    spec = tomllib.loads(Path(path).read_text())

    def data(v):
        return (
            np.loadtxt(Path(path).parent / v, delimiter=",", ndmin=2)
            if isinstance(v, str)
            else np.array(v, float)
        )

    x, y = data(spec["inputs"]), data(spec["targets"])
    init = spec.get("init", {})
    rng = np.random.default_rng(init.get("seed", 0))
    sizes = spec["layers"]
    ws, bs = [], []
    for i, o in itertools.pairwise(sizes):
        if init.get("scheme", "constant") == "constant":
            m = np.full((i + 1, o), init.get("value", 1.0))
        else:
            m = rng.normal(0.0, init.get("scale", 1.0), size=(i + 1, o))
        bs.append(m[0])
        ws.append(m[1:])
    return x, y, ws, bs, spec["learning_rate"], spec


def adam(x, y, ws, bs, lr, spec, iterations):
    batch = spec["training"]["batch_size"]
    b1, b2, eps = 0.9, 0.999, 1e-8
    params = [p for pair in zip(ws, bs) for p in pair]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng(spec["training"].get("seed", 0))
    n = len(x)
    order, epoch_costs = None, []
    for t in range(1, iterations + 1):
        k = (t - 1) % -(-n // batch)
        if k == 0:
            order = rng.permutation(n)
        idx = order[k * batch : (k + 1) * batch]
        acts = [x[idx]]
        for w, b in zip(ws, bs):
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ w + b))))
        g = 2.0 * (acts[-1] - y[idx])
        grads = [None] * len(params)
        for j in range(len(ws) - 1, -1, -1):
            d = g * acts[j + 1] * (1.0 - acts[j + 1])
            grads[2 * j], grads[2 * j + 1] = acts[j].T @ d, d.sum(axis=0)
            g = d @ ws[j].T
        for i, (p, gr) in enumerate(zip(params, grads)):
            m[i] = b1 * m[i] + (1 - b1) * gr
            v[i] = b2 * v[i] + (1 - b2) * gr * gr
            p -= lr * (m[i] / (1 - b1**t)) / (np.sqrt(v[i] / (1 - b2**t)) + eps)
        if k == -(-n // batch) - 1:
            a = x
            for w, b in zip(ws, bs):
                a = 1.0 / (1.0 + np.exp(-(a @ w + b)))
            epoch_costs.append(np.sum((a - y) ** 2))
    return epoch_costs


def main():
    x, y, ws, bs, lr, spec = load(sys.argv[1])
    if spec.get("optimizer", {}).get("name") == "adam":
        print(adam(x, y, ws, bs, lr, spec, int(sys.argv[2]))[-1:])
        acts = x
        for w, b in zip(ws, bs):
            acts = 1.0 / (1.0 + np.exp(-(acts @ w + b)))
        print(acts)
        return
    for _ in range(int(sys.argv[2])):
        acts = [x]
        for w, b in zip(ws, bs):
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ w + b))))
        cost = np.sum((acts[-1] - y) ** 2)
        g = 2.0 * (acts[-1] - y)
        for k in range(len(ws) - 1, -1, -1):
            d = g * acts[k + 1] * (1.0 - acts[k + 1])
            g = d @ ws[k].T
            ws[k] -= lr * (acts[k].T @ d)
            bs[k] -= lr * d.sum(axis=0)
    acts = x
    for w, b in zip(ws, bs):
        acts = 1.0 / (1.0 + np.exp(-(acts @ w + b)))
    print(cost)
    print(acts)


main()
