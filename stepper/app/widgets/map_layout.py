"""Where the decision map pane puts its maps: the output maps, the legend and one small map per hidden
neuron, sized so that all of them are whole on screen whenever they can be.

Pure arithmetic on sizes (no drawing): the pane asks for a :class:`Plan` once per size and network
shape, not once per step. Sizes are in pixels across a map: in colour a character is 1 pixel wide and
2 tall (half blocks), as a character ramp 1 grid cell is 2 characters wide and 1 tall, so both keep
a map square.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

MAX_BIG = 81  # pixels across an output map, at most
# Lines of an output map at least, in a short pane and a tall one (where a map 16 pixels across
# would leave spiral's 200 observations nothing to be seen on); a pane shorter than that gets the
# tallest maps that fit. When not every map can be whole on screen, the rest scroll.
MIN_LINES, MIN_LINES_TALL, TALL = 8, 12, 30
LEAST_LINES, SHORT_PANE = 7, 12  # lines of an output map at least in a pane shorter than SHORT_PANE
GAP = 2  # columns between the output maps, and between the blocks beside each other
GROUP_GAP = 3  # columns between two layers' maps side by side
# Pixels across a neuron's map: the largest, the smallest preferred (its title "a^1_0 C1" whole),
# and the smallest at all (tried only when nothing else puts every map on screen).
SMALL_COLOUR = (16, 8, 4)
SMALL_RAMP = (8, 4, 3)
FALLBACK_SMALL_COLOUR, FALLBACK_SMALL_RAMP = 10, 5


class Arrangement(Enum):
    BESIDE = "beside"  # legend and neurons' maps in a column right of the output maps
    LEGEND_BESIDE = "legend beside"  # legend right of the output maps, neurons' maps below both
    BELOW = "below"  # output maps, legend under them, neurons' maps under that


@dataclass(frozen=True)
class Shape:
    """What the pane must hold, in characters and lines."""

    width: int
    height: int
    outputs: int
    hidden: tuple[int, ...]  # neurons per hidden layer
    ramp: bool
    legend_wide: tuple[int, int]  # (columns, lines) of the legend laid out wide …
    legend_narrow: tuple[int, int]  # … and in a narrow column
    headings: tuple[int, ...]  # columns of each hidden layer's heading

    @property
    def cw(self) -> int:
        """Characters per pixel across."""
        return 2 if self.ramp else 1

    @property
    def per_line(self) -> int:
        """Pixels per line down."""
        return 1 if self.ramp else 2


@dataclass(frozen=True)
class Plan:
    big: int  # pixels across an output map
    small: int  # pixels across a neuron's map
    gap: int  # columns between neurons' maps
    arrangement: Arrangement
    narrow_legend: bool
    fits: bool  # every map whole on screen (else the pane says how many are below)


def tile_size(px: int, shape: Shape) -> tuple[int, int]:
    """(columns, lines) of a map ``px`` pixels across, with its title line."""
    return px * shape.cw, 1 + px // shape.per_line


def outputs_width(big: int, shape: Shape) -> int:
    return shape.outputs * big * shape.cw + GAP * (shape.outputs - 1)


def per_row(n: int, small: int, gap: int, room: int, shape: Shape) -> int:
    """Neurons' maps of one layer side by side in ``room`` columns."""
    tw, _ = tile_size(small, shape)
    return max(1, min(n, (room + gap) // (tw + gap)))


def group_size(layer: int, small: int, gap: int, room: int, shape: Shape) -> tuple[int, int]:
    """(columns, lines) of one hidden layer's block: its heading, then rows of maps."""
    n = shape.hidden[layer]
    tw, th = tile_size(small, shape)
    across = per_row(n, small, gap, room, shape)
    width = max(across * tw + (across - 1) * gap, min(shape.headings[layer], room))
    return width, 1 + -(-n // across) * th


def bands(small: int, gap: int, room: int, shape: Shape) -> list[list[int]]:
    """The hidden layers in bands: as many layers side by side as fit in ``room`` columns."""
    out: list[list[int]] = []
    used = 0
    for layer in range(len(shape.hidden)):
        w, _ = group_size(layer, small, gap, room, shape)
        if out and used + GROUP_GAP + w <= room:
            out[-1].append(layer)
            used += GROUP_GAP + w
        else:
            out.append([layer])
            used = w
    return out


def hidden_lines(small: int, gap: int, room: int, shape: Shape) -> int:
    return sum(
        max(group_size(layer, small, gap, room, shape)[1] for layer in band)
        for band in bands(small, gap, room, shape)
    )


def maps_within(small: int, gap: int, room: int, top: int, shape: Shape) -> int:
    """How many neurons' maps laid out from line ``top`` in ``room`` columns end within the pane."""
    _, th = tile_size(small, shape)
    count = 0
    for band in bands(small, gap, room, shape):
        for layer in band:
            n = shape.hidden[layer]
            across = per_row(n, small, gap, room, shape)
            rows = max(0, min(-(-n // across), (shape.height - top - 1) // th))
            count += min(n, rows * across)
        top += max(group_size(layer, small, gap, room, shape)[1] for layer in band)
    return count


def legend_form(room: int, shape: Shape) -> tuple[bool, int] | None:
    """(narrow?, lines) of the widest legend that fits ``room`` columns, or None."""
    if shape.legend_wide[0] <= room:
        return False, shape.legend_wide[1]
    if shape.legend_narrow[0] <= room:
        return True, shape.legend_narrow[1]
    return None


def lines_needed(
    big: int, small: int, gap: int, arrangement: Arrangement, shape: Shape
) -> tuple[int, bool] | None:
    """(lines, narrow legend?) the whole content takes; None if it cannot be laid out so."""
    ow = outputs_width(big, shape)
    _, oh = tile_size(big, shape)
    if ow > shape.width:
        return None
    tw, _ = tile_size(small, shape)
    if arrangement is Arrangement.BELOW:
        legend = legend_form(shape.width, shape)
        if legend is None:
            return None
        return oh + legend[1] + hidden_lines(small, gap, shape.width, shape), legend[0]
    room = shape.width - ow - GAP
    legend = legend_form(room, shape)
    if legend is None:
        return None
    if arrangement is Arrangement.LEGEND_BESIDE:
        return max(oh, legend[1]) + hidden_lines(small, gap, shape.width, shape), legend[0]
    if shape.hidden and room < tw:
        return None
    return max(oh, legend[1] + hidden_lines(small, gap, room, shape)), legend[0]


def plan(shape: Shape) -> Plan:
    """The biggest output maps with which every map is whole on screen. When nothing fits, the
    output maps take their smallest size and the neurons' maps scroll below. The output maps' size
    only shrinks as the pane does (a notice above it must not make the map bigger)."""
    pl = shape.per_line
    largest, preferred, least = SMALL_RAMP if shape.ramp else SMALL_COLOUR
    tall = MIN_LINES_TALL if shape.height >= TALL else MIN_LINES
    across = (shape.width - GAP * (shape.outputs - 1)) // shape.outputs // shape.cw
    # At least 2 pixels across: a map is computed on a grid of at least 2×2 (a 1-pixel map in a
    # 30x12 terminal was refused as a resolution of 1 and closed the app).
    top = max(2, min(MAX_BIG - MAX_BIG % pl, across - across % pl))
    smallest = min(top, max(2, min(tall, shape.height - 1)) * pl)
    # Neurons' maps of the preferred size, or at least a third as wide as the output maps: the
    # biggest output maps within that, then the biggest neurons' maps. Both only shrink as the pane
    # does, since a shorter pane only rules sizes out.
    tries: list[tuple[int, list[int]]] = []
    # In a short pane (80x24's), output maps down to LEAST_LINES when that puts every map on screen:
    # a pane 10 lines high scrolled six neurons' maps away that 8 lines showed (a line less for
    # each output map). Not in a taller one, where the output maps keep their size.
    short = shape.height < SHORT_PANE
    lowest = min(smallest, max(2, LEAST_LINES * pl)) if short else smallest
    for big in range(top, lowest - 1, -pl):
        floor = max(least, min(preferred, -(-big // 3)))
        evens = dict.fromkeys(s - s % pl for s in range(min(largest, big), floor - 1, -1))
        tries.append((big, [s for s in evens if s >= floor] if shape.hidden else [preferred]))
    for big, sizes in tries:
        for small in sizes:
            for gap in (GAP, 1):
                for arrangement in Arrangement:
                    found = lines_needed(big, small, gap, arrangement, shape)
                    if found is not None and found[0] <= shape.height:
                        return Plan(big, small, gap, arrangement, found[1], True)
    # Nothing fits: the smallest output maps, the neurons' maps below them (they scroll). (In a short
    # pane the smallest that were tried: a line taller, the pane may fit every map with them.)
    smallest = lowest
    small = FALLBACK_SMALL_RAMP if shape.ramp else FALLBACK_SMALL_COLOUR
    small = max(2, min(small, shape.width // shape.cw) // pl * pl)
    # Of the ways to lay them out, the one that shows the most neurons' maps whole.
    options = []
    for arrangement in Arrangement:
        found = lines_needed(smallest, small, GAP, arrangement, shape)
        if found is None:
            continue
        narrow, legend_lines = found[1], (shape.legend_narrow if found[1] else shape.legend_wide)[1] + 1
        _, oh = tile_size(smallest, shape)
        if arrangement is Arrangement.BESIDE:
            room, top = shape.width - outputs_width(smallest, shape) - GAP, legend_lines
        elif arrangement is Arrangement.LEGEND_BESIDE:
            room, top = shape.width, max(oh, legend_lines)
        else:
            room, top = shape.width, oh + legend_lines
        options.append((maps_within(small, GAP, room, top, shape), -found[0], arrangement, narrow))
    if not options:  # too narrow for anything but the maps one under another
        return Plan(smallest, small, 1, Arrangement.BELOW, True, False)
    _, _, arrangement, narrow = max(options, key=lambda o: (o[0], o[1]))
    return Plan(smallest, small, GAP, arrangement, narrow, False)
