"""TensorFlow Playground's four 2-D classification data sets, generated from a seed in numpy.

The shapes follow playground's src/dataset.ts (classifyCircleData, classifyXORData,
classifyTwoGaussData, classifySpiralData): the same radii, centres, padding and noise scales, so a
Playground user finds the pictures they know. The random numbers come from
``numpy.random.default_rng(seed)`` instead of Math.random, so a seed gives the same points on every
machine. Labels are 1 (Playground's 1) and 0 (its −1); a network file can choose other values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

GENERATORS = ("circle", "xor", "gauss", "spiral")
MAX_NOISE = 0.5  # Playground's slider: 0 to 50 %


@dataclass(frozen=True)
class DataSpec:
    generator: str
    points: int = 200
    noise: float = 0.0
    seed: int = 0


def generate(spec: DataSpec) -> tuple[Array, Array]:
    """(inputs, labels): inputs (points × 2), labels (points,) of 0.0 and 1.0."""
    rng = np.random.default_rng(spec.seed)
    make = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}[spec.generator]
    inputs, labels = make(rng, spec.points, spec.noise)
    return inputs.astype(np.float64), labels.astype(np.float64)


def _halves(points: int) -> tuple[int, int]:
    """Positive and negative counts: Playground makes n/2 of each; an odd n gives the extra one to
    the positives so that exactly ``points`` come out."""
    return points - points // 2, points // 2


def _circle(rng: np.random.Generator, points: int, noise: float) -> tuple[Array, Array]:
    radius = 5.0

    def ring(count: int, r_lo: float, r_hi: float) -> tuple[Array, Array]:
        r = rng.uniform(r_lo, r_hi, count)
        angle = rng.uniform(0, 2 * np.pi, count)
        xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        # The label is judged on the point moved by noise; the point itself stays where it was.
        moved = xy + rng.uniform(-radius, radius, (count, 2)) * noise
        return xy, (np.hypot(moved[:, 0], moved[:, 1]) < radius * 0.5).astype(float)

    pos, neg = _halves(points)
    inner, inner_labels = ring(pos, 0.0, radius * 0.5)
    outer, outer_labels = ring(neg, radius * 0.7, radius)
    return np.vstack([inner, outer]), np.concatenate([inner_labels, outer_labels])


def _xor(rng: np.random.Generator, points: int, noise: float) -> tuple[Array, Array]:
    xy = rng.uniform(-5, 5, (points, 2))
    xy += np.where(xy > 0, 0.3, -0.3)  # Playground's padding keeps points off the axes
    moved = xy + rng.uniform(-5, 5, (points, 2)) * noise
    return xy, (moved[:, 0] * moved[:, 1] >= 0).astype(float)


def _gauss(rng: np.random.Generator, points: int, noise: float) -> tuple[Array, Array]:
    variance = 0.5 + noise / 0.5 * 3.5  # Playground: noise 0..0.5 → variance 0.5..4
    pos, neg = _halves(points)
    positive = rng.normal(2.0, np.sqrt(variance), (pos, 2))
    negative = rng.normal(-2.0, np.sqrt(variance), (neg, 2))
    return np.vstack([positive, negative]), np.concatenate([np.ones(pos), np.zeros(neg)])


def _spiral(rng: np.random.Generator, points: int, noise: float) -> tuple[Array, Array]:
    def arm(count: int, delta: float) -> Array:
        i = np.arange(count)
        r = i / count * 5
        t = 1.75 * i / count * 2 * np.pi + delta
        jitter = rng.uniform(-1, 1, (count, 2)) * noise
        return np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter

    pos, neg = _halves(points)
    return np.vstack([arm(pos, 0.0), arm(neg, np.pi)]), np.concatenate([np.ones(pos), np.zeros(neg)])
