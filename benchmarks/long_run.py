"""`g 200000` in the app (a worker filling the walk's history, with progress and the growing cost
curve) against `stepper train --iterations 200000`, both on the seed network, wall time.

The app's run should stay within 1.5× of train's. Also prints the bytes the walk's cost history
holds per iteration. Usage: python benchmarks/long_run.py [--iterations N]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time

from stepper.app import StepperApp


async def app_run(iterations: int) -> tuple[float, float]:
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("g", *str(iterations), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        elapsed = time.perf_counter() - start
        assert app.walk.iteration == iterations, app.walk.iteration
        costs = app.walk.history.costs
        return elapsed, costs.nbytes / max(1, costs.last)


def train_run(iterations: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "stepper", "train", "--iterations", str(iterations)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=200_000)
    args = parser.parse_args()
    train = train_run(args.iterations)
    app, per_iteration = asyncio.run(app_run(args.iterations))
    print(f"stepper train --iterations {args.iterations}: {train:.1f} s (whole process)")
    print(f"app, g {args.iterations}: {app:.1f} s  ({app / train:.2f}× train)")
    print(f"cost history: {per_iteration:.1f} bytes per iteration")


if __name__ == "__main__":
    main()
