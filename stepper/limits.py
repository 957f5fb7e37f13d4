"""How large an input may be, checked before anything is allocated (docs/network-files.md,
"Limits and bad input").

A file is refused from its size, a network from its shape: what one iteration and a walk through
its training would hold in memory is estimated from the layer sizes, the depth and the number of
observations, and a network whose estimate is above :data:`MAX_MEMORY` is refused with the
estimate in the message. The limits leave room for every network the README talks about
(784-128-10 × 256 observations needs about 70 MB).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

# Files, by kind (bytes).
MAX_NETWORK_FILE_BYTES = 64 * 2**20  # a saved 784-128-10 × 256 session is about 7 MB
MAX_CSV_BYTES = 256 * 2**20
MAX_MINE_JSON_BYTES = 64 * 2**20  # the learner's numbers as JSON: about 4 × that in Python objects
MAX_MINE_NPZ_BYTES = 256 * 2**20  # ... as .npz: the file, and the arrays' data once unpacked
MAX_NPZ_MEMBERS = 4096
MAX_NESTING = 32  # brackets inside brackets; the formats need at most 4
MAX_INTEGER_DIGITS = 30  # a whole number in a network file or trace JSON

# Networks.
MAX_LAYERS = 64  # layers, inputs included: each is a pane and 7 steps per iteration
MAX_LAYER_SIZE = 4096
MAX_PARAMETERS = 5_000_000
MAX_OBSERVATIONS = 100_000
MAX_CELLS_PER_LAYER = 4_000_000  # observations × neurons of one layer
MAX_MEMORY = 2**30  # the estimate of one iteration plus a walk's checkpoints

# Work.
MAX_ITERATIONS = 10_000_000  # --iterations, a session's iteration, the app's "go to"
MAX_COMPARE_ITERATIONS = 100_000  # the last iteration a file of the learner's numbers may give

CHECKPOINTS = 64  # weight checkpoints a walk keeps (stepper.engine.history)


def parameters(layers: Sequence[int]) -> int:
    """Weights and biases: Σ (size_l + 1) · size_{l+1}."""
    return sum((a + 1) * b for a, b in itertools.pairwise(layers))


def memory_estimate(layers: Sequence[int], observations: int) -> int:
    """Bytes (float64) held at once by one iteration and a walk through training.

    One iteration keeps W, dC/dW and the updated W (3 × the parameters) and, per layer, n, a,
    dC/da, da/dn and δ for every observation, plus a temporary of that size (6 × observations ×
    neurons). A walk adds its checkpoints of the weights and the values of the iteration shown."""
    per_iteration = 3 * parameters(layers) + 6 * observations * sum(layers)
    walk = CHECKPOINTS * parameters(layers)
    return 8 * (2 * per_iteration + walk)  # the iteration shown and the one being computed


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB" if size >= 2**20 else f"{size / 2**20:.1f} MiB"
