"""The yardstick: a minimal hand-written numpy training loop, as a learner would write it.

Usage: python minimal_loop.py NETWORK.toml ITERATIONS — reads the same network file (inline or CSV
data, sigmoid everywhere, sse cost, init from [init] or constant 1) and prints the final outputs.
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
    return x, y, ws, bs, spec["learning_rate"]


def main():
    x, y, ws, bs, lr = load(sys.argv[1])
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
