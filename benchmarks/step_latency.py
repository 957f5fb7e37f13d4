"""Key-to-idle CPU time per step in the stepper app, driven headless by Textual's Pilot (README, "Speed"),
and start-up time to the first screen.

Each figure is the best of ``--runs`` medians: the machine's other work only ever adds time.
Usage: python benchmarks/step_latency.py [--steps N] [--runs R]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from networks import wide_network

from stepper.app import StepperApp
from stepper.engine.batching import TrainingSpec
from stepper.engine.network import Network
from stepper.engine.optimizers import OptimizerSpec
from stepper.netfile import load_network


async def measure(
    net: Network, steps: int, size: tuple[int, int] = (120, 40), key: str = "n", show_map: bool = False
) -> tuple[float, float]:
    start = time.perf_counter()
    app = StepperApp(network=net)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        startup = time.perf_counter() - start
        if show_map:  # the decision map pane (m), redrawn whenever a step changes the weights
            await pilot.press("m")
            await pilot.pause()
        times = []
        for _ in range(steps):
            t = time.process_time()
            await pilot.press(key)
            await pilot.pause()
            times.append(time.process_time() - t)
    return statistics.median(times) * 1000, startup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seed = load_network()
    spiral = load_network("spiral")
    runs = [
        ("seed 2-3-3-2 × 2, 80x24", seed, (80, 24), "n", False),
        ("seed 2-3-3-2 × 2, 120x40", seed, (120, 40), "n", False),
        *(
            (net.name, net, (120, 40), "n", False)
            for net in (wide_network((64, 128, 128, 10), 32), wide_network((784, 128, 10), 256))
        ),
        ("seed, map shown, 120x40", seed, (120, 40), "n", True),
        ("spiral 2-16-16-1, key i", spiral, (120, 40), "i", False),
        ("spiral, key i, map shown", spiral, (120, 40), "i", True),
        # The update phase of Adam has six steps per matrix, on batches of 32.
        (
            "784-128-10 × 256, adam, batch 32",
            wide_network((784, 128, 10), 256)
            .with_optimizer(OptimizerSpec("adam"))
            .with_training(TrainingSpec(batch_size=32)),
            (120, 40),
            "n",
            False,
        ),
    ]
    for label, net, size, key, show_map in runs:
        median_ms, startup = min(
            asyncio.run(measure(net, args.steps, size, key, show_map)) for _ in range(args.runs)
        )
        print(f"{label:<28} median key-to-idle CPU {median_ms:7.1f} ms/step   start-up {startup:5.2f} s")


if __name__ == "__main__":
    main()
