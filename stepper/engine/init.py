"""Weight initialisation schemes.

Every scheme fills augmented matrices (bias row first). Random schemes draw from numpy's PCG64
generator seeded with ``seed``, layer by layer, so the same seed gives the same weights on every
machine: tests/test_init_draws.py pins the draws for the numpy releases we test.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

SCHEMES = ("constant", "uniform", "normal", "xavier", "he")

SCHEME_HELP = {
    "constant": "every weight and bias = value (the seed's: all 1, so hidden neurons are clones)",
    "uniform": "every weight and bias drawn from U(−scale, scale)",
    "normal": "every weight and bias drawn from N(0, scale²)",
    "xavier": "weights from U(±√(6/(fan_in+fan_out))), biases 0 (Glorot)",
    "he": "weights from N(0, 2/fan_in), biases 0 (for ReLU layers)",
}


@dataclass(frozen=True)
class InitSpec:
    scheme: str = "constant"
    value: float = 1.0
    scale: float = 1.0
    seed: int = 0

    def describe(self) -> str:
        if self.scheme == "constant":
            return f"constant {self.value:g}"
        if self.scheme in ("uniform", "normal"):
            return f"{self.scheme} (scale {self.scale:g}, seed {self.seed})"
        return f"{self.scheme} (seed {self.seed})"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"scheme": self.scheme}
        if self.scheme == "constant":
            out["value"] = self.value
        else:
            if self.scheme in ("uniform", "normal"):
                out["scale"] = self.scale
            out["seed"] = self.seed
        return out


def initial_weights(layers: tuple[int, ...], init: InitSpec) -> list[Array]:
    """One augmented matrix (size_l + 1) × size_{l+1} per layer l = 0..L-1."""
    rng = np.random.default_rng(init.seed)
    weights: list[Array] = []
    for fan_in, fan_out in itertools.pairwise(layers):
        shape = (fan_in + 1, fan_out)
        if init.scheme == "constant":
            w = np.full(shape, init.value, dtype=np.float64)
        elif init.scheme == "uniform":
            w = rng.uniform(-init.scale, init.scale, size=shape)
        elif init.scheme == "normal":
            w = rng.normal(0.0, init.scale, size=shape)
        elif init.scheme == "xavier":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            w = rng.uniform(-limit, limit, size=shape)
            w[0] = 0.0
        elif init.scheme == "he":
            w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
            w[0] = 0.0
        else:  # validated when the network file is read
            raise ValueError(f"unknown init scheme {init.scheme!r}")
        weights.append(w)
    return weights
