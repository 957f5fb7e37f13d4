"""`stepper train` against a minimal numpy loop, as whole processes (start-up included).

Runs both alternately several times on the seed network (20,000 iterations), on a 784-128-10
sigmoid network with 256 observations read from CSV (full-batch gradient descent), on the same with
Adam on mini-batches of 32, and on the full-batch network with its 256 observations written inline in
the TOML (so reading 200,000 numbers and writing the JSON count), and prints the median times and
their ratio.
Usage: python benchmarks/train_speed.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def big_network(folder: Path, optimizer: str = "") -> Path:
    rng = np.random.default_rng(0)
    np.savetxt(folder / "x.csv", rng.uniform(0, 1, size=(256, 784)), delimiter=",")
    labels = rng.integers(0, 10, size=256)
    np.savetxt(folder / "y.csv", np.eye(10)[labels], delimiter=",")
    path = folder / f"mnist-like{optimizer}.toml"
    path.write_text(
        'layers = [784, 128, 10]\nactivation = "sigmoid"\ncost = "sse"\nlearning_rate = 0.01\n'
        'inputs = "x.csv"\ntargets = "y.csv"\n[init]\nscheme = "normal"\nscale = 0.05\nseed = 0\n' + optimizer
    )
    return path


def inline_network(folder: Path) -> Path:
    """The CSV network's data written into the TOML file itself, as lists of rows."""
    rng = np.random.default_rng(0)
    inputs = rng.uniform(0, 1, size=(256, 784))
    targets = np.eye(10)[rng.integers(0, 10, size=256)]

    def rows(matrix: np.ndarray) -> str:
        return "[" + ",\n".join(str(row) for row in matrix.tolist()) + "]"

    path = folder / "mnist-like-inline.toml"
    path.write_text(
        'layers = [784, 128, 10]\nactivation = "sigmoid"\ncost = "sse"\nlearning_rate = 0.01\n'
        f"inputs = {rows(inputs)}\ntargets = {rows(targets)}\n"
        '[init]\nscheme = "normal"\nscale = 0.05\nseed = 0\n'
    )
    return path


def seed_network(folder: Path) -> Path:
    from stepper.netfile import example_text

    path = folder / "seed.toml"
    path.write_text(example_text("identical-columns"))
    return path


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(label: str, network: Path, iterations: int, repeats: int, fmt: str = "text") -> None:
    ours = [sys.executable, "-m", "stepper", "train", str(network), "--iterations", str(iterations)]
    ours += ["--format", fmt]
    base = [sys.executable, str(HERE / "minimal_loop.py"), str(network), str(iterations)]
    t_ours, t_base = [], []
    for _ in range(repeats):
        t_ours.append(timed(ours))
        t_base.append(timed(base))
    ratios = [a / b for a, b in zip(t_ours, t_base)]
    print(
        f"{label:<34} stepper {statistics.median(t_ours):6.3f} s   numpy loop "
        f"{statistics.median(t_base):6.3f} s   ratio {statistics.median(ratios):.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        compare("seed 2-3-3-2 × 2, 20,000 iterations", seed_network(folder), 20_000, args.repeats)
        compare("784-128-10 × 256, 200 iterations", big_network(folder), 200, args.repeats)
        adam = '[optimizer]\nname = "adam"\n[training]\nbatch_size = 32\nseed = 0\n'
        compare("… adam, batches of 32, 400 iterations", big_network(folder, adam), 400, args.repeats)
        compare("784-128-10 × 256 inline, 100 it, json", inline_network(folder), 100, args.repeats, "json")


if __name__ == "__main__":
    main()
