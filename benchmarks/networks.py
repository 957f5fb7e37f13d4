"""The networks the benchmarks measure, built in code (no files to ship)."""

from __future__ import annotations

import numpy as np

from stepper.engine.init import InitSpec, initial_weights
from stepper.engine.network import Network


def wide_network(layers: tuple[int, ...], observations: int) -> Network:
    rng = np.random.default_rng(0)
    targets = np.eye(layers[-1])[rng.integers(0, layers[-1], size=observations)]
    weights = initial_weights(layers, InitSpec("normal", scale=0.1, seed=0))
    return Network(
        layers,
        ("sigmoid",) * (len(layers) - 1),
        "sse",
        0.1,
        rng.uniform(0, 1, size=(observations, layers[0])),
        targets,
        tuple(weights),
        name=f"{'-'.join(map(str, layers))} × {observations}",
    )
