"""How long one decision map takes to compute (spec section 8; the issue's bound: a 41×41 map of a
2-8-8-1 network in well under 5 ms).

Prints the median and best wall time over many repeats. Usage: python benchmarks/decision_map.py
"""

from __future__ import annotations

import statistics
import time

from networks import wide_network

from stepper.engine.decision_map import decision_map


def timings(layers: tuple[int, ...], resolution: int, repeats: int) -> list[float]:
    net = wide_network(layers, 200)
    decision_map(net, net.weights, resolution)  # warm up: first-call allocations and imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        decision_map(net, net.weights, resolution)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    for layers, resolution in (((2, 8, 8, 1), 41), ((2, 8, 8, 1), 101), ((2, 3, 3, 2), 41)):
        t = timings(layers, resolution, 300)
        shape = "-".join(map(str, layers))
        print(
            f"{shape:>8}  {resolution}×{resolution} map: median {statistics.median(t) * 1e3:.3f} ms, "
            f"best {min(t) * 1e3:.3f} ms ({len(t)} runs)"
        )


if __name__ == "__main__":
    main()
