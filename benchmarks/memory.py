"""Peak memory after 10,000 iterations of 784-128-10 with 256 observations, with full step-back.

The walk keeps a bounded set of weight checkpoints (64 by default) and recomputes any other
iteration from the nearest one; this script goes to iteration 10,001, steps back to iteration 1,
checks that it is exactly the initial state, and prints the peak resident memory of the process.
Usage: python benchmarks/memory.py [--iterations K]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from networks import wide_network

from stepper.engine.walk import Walk


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=10_000)
    args = parser.parse_args()
    net = wide_network((784, 128, 10), 256)
    walk = Walk(net)
    start = time.perf_counter()
    walk.to_iteration(args.iterations + 1)
    walk.values  # noqa: B018 - computes the iteration, as the app shows it
    elapsed = time.perf_counter() - start
    after = walk.history.weights_at(args.iterations + 1)
    walk.to_iteration(1)
    back = walk.history.weights_at(1)
    exact = all(np.array_equal(a, b) for a, b in zip(back, net.weights))
    again = walk.history.weights_at(args.iterations + 1)
    exact = exact and all(np.array_equal(a, b) for a, b in zip(after, again))
    print(
        f"784-128-10 × 256, {args.iterations} iterations in {elapsed:.1f} s: "
        f"peak memory {peak_mb():.0f} MB, {walk.history.checkpoint_count} checkpoints, "
        f"back to iteration 1 and forward again {'exact' if exact else 'NOT EXACT'}"
    )


if __name__ == "__main__":
    main()
