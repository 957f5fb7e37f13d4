"""The decision map pane: the network's output over the input plane with the observations on it, and
one small map per hidden neuron (docs/commands.md), as TensorFlow Playground draws them.

Drawn with Textual's line API: only the lines on screen are drawn, each once until what it shows
changes. In colour, each character is two pixels (an upper half block: its colour above, its
background below) on a diverging orange–white–blue scale. In the 16-colour themes and under NO_COLOR
each character is one grid cell of a character ramp instead, so the map still reads. Maps are
computed once per set of weights (a step that changes no weight redraws nothing).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from stepper.app.widgets.matrix import clone_mark, clone_style
from stepper.engine.decision_map import (
    DecisionMap,
    decision_map,
    observation_cells,
    target_classes,
    value_range,
)
from stepper.engine.network import Network
from stepper.exports.map_svg import colour_scale
from stepper.exports.map_text import NEGATIVE, POSITIVE, RAMP, ramp_levels

LEVELS = 33  # colours on the scale (odd: one is the exact middle)
# Dots darker than any colour of the map, so they show on it; ● and ○ tell the targets apart anyway.
DOT_HIGH, DOT_LOW = Style(color="#021c3d", bold=True), Style(color="#4a1500", bold=True)
NAN_STYLE = Style(color="red", bold=True)
MAX_BIG = 81  # pixels across the output map, at most
SMALL = 12  # pixels across a neuron's map (at 80 columns: 10)
GAP = 2
LEGEND_WIDTH = 16
RIGHT_WIDTH = 40  # the legend's lines, beside the output maps
CACHE = 8  # sets of weights whose maps are kept (stepping back and forth hits them)


SCALE = [Color.from_rgb(*rgb) for rgb in colour_scale(LEVELS)]


@dataclass(frozen=True)
class Tile:
    """One map on screen: a title, and the values (R×R, y upwards) of one neuron on its scale."""

    title: str
    title_style: str
    values: np.ndarray
    lo: float
    hi: float
    marks: dict[tuple[int, int], bool] | None = None  # (text row, column) → target is high


@dataclass(frozen=True)
class _Later:
    """``count`` lines drawn by ``build()`` only when one of them is on screen."""

    count: int
    build: Callable[[], list[list[Segment]]]


@dataclass(frozen=True)
class MapState:
    """What the pane shows: the network, the weights now, and the clone group of every hidden neuron."""

    net: Network
    weights: tuple[np.ndarray, ...]
    clones: dict[int, tuple[int | None, ...]]
    iteration: int


class DecisionMapView(ScrollView, can_focus=True):
    """Output maps on top, with a legend; then each hidden layer's neurons, clones marked C1, C2, …"""

    DEFAULT_CSS = """
    DecisionMapView {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state: MapState | None = None
        self._maps: OrderedDict[tuple[object, ...], DecisionMap] = OrderedDict()
        self._content: list[list[Segment] | None] = []  # None: not drawn yet (see _Later)
        self._blocks: dict[int, tuple[int, Callable[[], list[list[Segment]]], list[Segment]]] = {}
        self._laid_out_for: tuple[object, ...] = ()
        self._lines: dict[int, Strip] = {}
        self._output_map: DecisionMap | None = None
        # The cache's keys hold ids: keeping each map's weights alive keeps those ids unique.
        self._keep: dict[tuple[object, ...], tuple[np.ndarray, ...]] = {}

    # --- state ---------------------------------------------------------------------------------
    def show(self, state: MapState) -> None:
        """New weights (or a new network): redrawn only if they changed."""
        old = self.state
        if (
            old is not None
            and old.net is state.net
            and old.clones == state.clones
            and all(a is b for a, b in zip(old.weights, state.weights))
        ):
            self.state = state
            return
        self.state = state
        self._laid_out_for = ()
        if self.display:
            self._layout()
            self.refresh()

    def map_for(self, resolution: int) -> DecisionMap:
        """The map of the current weights at ``resolution``, from the cache when it is there."""
        assert self.state is not None
        key = (id(self.state.net), *map(id, self.state.weights), resolution)
        found = self._maps.get(key)
        if found is not None:
            self._maps.move_to_end(key)
            return found
        made = decision_map(self.state.net, self.state.weights, resolution)
        self._maps[key] = made
        self._keep[key] = self.state.weights
        while len(self._maps) > CACHE:
            old, _ = self._maps.popitem(last=False)
            self._keep.pop(old, None)
        return made

    def on_resize(self) -> None:
        self._laid_out_for = ()
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._laid_out_for = ()  # a theme change: colours or the character ramp
        self._lines.clear()

    @property
    def ramp(self) -> bool:
        """Characters instead of colours: NO_COLOR, or a theme of the terminal's own 16 colours."""
        return bool(self.app.no_color) or self.app.theme.startswith("ansi")

    # --- layout: the whole content as lines of segments, for this width --------------------------
    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        height = self.scrollable_content_region.height
        key = (width, height, self.ramp)
        if self.state is None or width <= 0 or key == self._laid_out_for:
            return
        self._laid_out_for = key
        self._content, self._blocks = [], {}
        self._build(width, height)
        self._lines.clear()
        size = Size(width, len(self._content))
        if size != self.virtual_size:  # a new size means a new layout: only when it changes
            self.virtual_size = size
        self.refresh()

    def _build(self, width: int, height: int) -> None:
        """The output maps on the left, as tall as the pane; the legend and the hidden neurons'
        maps on their right when there is room for them, else below."""
        assert self.state is not None
        net = self.state.net
        outputs = net.layers[-1]
        ramp = self.ramp
        # In colour a character is 1 grid column and 2 grid rows (half blocks); as a ramp it is
        # half a grid column and 1 row, so that both keep the map square.
        cw, per_line = (2, 1) if ramp else (1, 2)
        small = (SMALL if width >= 100 else 10) // cw
        small -= small % per_line
        tall = min(MAX_BIG, per_line * max(height - 1, 4))  # the title line, then the map
        # Beside the output maps: the legend (about 40 columns) and the hidden neurons' maps; or
        # below them, the legend's 4 lines still on screen. Whichever leaves the bigger map.
        room = width - max(RIGHT_WIDTH, small * cw) - GAP * outputs
        big_beside = min(tall, room // outputs // cw)
        across = (width - GAP * (outputs - 1)) // outputs // cw
        # Below, if the pane is tall enough, the first row of hidden maps stays in view too.
        first_row = 2 + small // per_line if net.depth > 1 else 0  # a layer's heading, titles, maps
        left_h = height - 5 - (first_row if height - 5 - first_row >= 12 else 0)
        big_below = min(across, per_line * max(left_h, 4), MAX_BIG)
        beside = big_beside >= big_below
        big = max(8, big_beside if beside else big_below)
        big -= big % per_line
        left = self._outputs(big, ramp)
        left_w = big * cw * outputs + GAP * (outputs - 1)
        right = self._legend(ramp) + self._hidden(small, ramp, width - left_w - GAP if beside else width)
        if not beside:
            self._content += [*left, []]
            self._expand(right, [])
            return
        self._expand(right, [])
        content = self._content
        content += [[]] * (len(left) - len(content))
        for k, line in enumerate(left):  # on screen: the maps beside them are drawn now
            content[k] = [*line, Segment(" " * GAP), *self._line(k)]
        pad = [Segment(" " * (left_w + GAP))]
        for k in range(len(left), len(content)):
            if content[k] is not None:
                content[k] = pad + content[k]  # type: ignore[operator]
            else:
                start, build, _ = self._blocks[k]
                self._blocks[k] = (start, build, pad)

    def _expand(self, items: list[list[Segment] | _Later], prefix: list[Segment]) -> None:
        """Append lines; those of a _Later are placeholders, drawn when they come on screen."""
        for item in items:
            if isinstance(item, _Later):
                start = len(self._content)
                self._content += [None] * item.count
                for k in range(start, start + item.count):
                    self._blocks[k] = (start, item.build, prefix)
            else:
                self._content.append(prefix + item)

    def _line(self, k: int) -> list[Segment]:
        """Line k of the content, drawing the block it belongs to if it is still a placeholder."""
        if k >= len(self._content):
            return []
        line = self._content[k]
        if line is None:
            start, build, prefix = self._blocks[k]
            for n, drawn in enumerate(build()):
                self._content[start + n] = prefix + drawn
            line = self._content[k]
        return line  # type: ignore[return-value]

    def _outputs(self, big: int, ramp: bool) -> list[list[Segment]]:
        assert self.state is not None
        net = self.state.net
        dmap = self.map_for(big)
        self._output_map = dmap
        lo, hi = value_range(net.activations[-1], dmap.outputs)
        cells = observation_cells(dmap, net.inputs)
        classes = target_classes(net.targets)
        tiles = []
        for j in range(net.layers[-1]):
            marks = {(int(i), int(jj)): bool(c) for i, jj, c in zip(*cells, classes[:, j])}
            tiles.append(Tile(f"a^{net.depth}_{j} output", "bold", dmap.outputs[:, :, j], lo, hi, marks))
        return self._tile_row(tiles, big, ramp)

    def _hidden(self, small: int, ramp: bool, width: int) -> list[list[Segment] | _Later]:
        """Per hidden layer a heading, then rows of small maps, drawn when they come on screen."""
        assert self.state is not None
        net = self.state.net
        if net.depth < 2:
            return []
        sdmap = self.map_for(small)
        per_row = max(1, (width + GAP) // (small * (2 if ramp else 1) + GAP))
        lines: list[list[Segment] | _Later] = []
        for layer, values in enumerate(sdmap.hidden, start=1):
            act = net.activations[layer - 1]
            lo, hi = value_range(act, values)
            groups = self.state.clones.get(layer, (None,) * net.layers[layer])
            lines.append([Segment(f"layer {layer} · {act} · {lo:.3g}…{hi:.3g}", Style(bold=True))])
            tiles = []
            for n in range(net.layers[layer]):
                g = groups[n] if n < len(groups) else None
                title = f"a^{layer}_{n}" + (f" {clone_mark(g)}" if g is not None else "")
                # The clone's colour, readable on this pane's background (as in the matrices).
                style = ""
                if g is not None:
                    style = str(clone_style(g, self.rich_style, self.app.current_theme.dark))
                tiles.append(Tile(title, style, values[:, :, n], lo, hi))
            for k in range(0, len(tiles), per_row):
                row = tiles[k : k + per_row]
                count = 1 + small // (1 if ramp else 2)  # the titles, then the map's lines
                lines.append(_Later(count, partial(self._tile_row, row, small, ramp)))
        return lines

    def _tile_row(self, tiles: list[Tile], size: int, ramp: bool) -> list[list[Segment]]:
        """Tiles side by side: their titles, then their maps line by line."""
        size *= 2 if ramp else 1  # in characters
        gap = Segment(" " * GAP)
        title: list[Segment] = []
        for k, tile in enumerate(tiles):
            if k:
                title.append(gap)
            title.append(Segment(tile.title[:size].ljust(size), Style.parse(tile.title_style or "none")))
        drawn = [self._tile_lines(tile, ramp) for tile in tiles]
        lines = [title]
        for y in range(len(drawn[0])):
            line: list[Segment] = []
            for k, tile_lines in enumerate(drawn):
                if k:
                    line.append(gap)
                line += tile_lines[y]
            lines.append(line)
        return lines

    def _tile_lines(self, tile: Tile, ramp: bool) -> list[list[Segment]]:
        """One tile's map: R columns; R/2 lines in colour (half blocks), R lines as a ramp."""
        values = tile.values
        r = values.shape[0]
        marks = tile.marks or {}
        out: list[list[Segment]] = []
        if ramp:
            levels = ramp_levels(values, tile.lo, tile.hi)
            for i in range(r - 1, -1, -1):  # y upwards: the last grid row is the top line
                line = []
                for j in range(r):
                    k = levels[i, j]
                    cell = Segment("?" if k < 0 else RAMP[k], NAN_STYLE if k < 0 else None)
                    if (i, j) in marks:  # the mark, then the map: two characters per grid column
                        line.append(Segment(POSITIVE if marks[(i, j)] else NEGATIVE, Style(bold=True)))
                    else:
                        line.append(cell)
                    line.append(cell)
                out.append(_merge(line))
            return out
        levels = _colour_levels(values, tile.lo, tile.hi)
        # A text line shows grid rows (top, bottom) = (r−1−2t, r−2−2t); marks are per grid row.
        line_marks: dict[int, dict[int, bool]] = {}
        for (i, j), high in marks.items():
            line_marks.setdefault((r - 1 - i) // 2, {})[j] = high
        for t in range(r // 2):
            top, bottom = levels[r - 1 - 2 * t], levels[r - 2 - 2 * t]
            # Runs of one colour pair become one segment: a map redrawn every iteration of a run
            # is mostly a few broad areas.
            pair = top * (LEVELS + 1) + bottom
            cuts = [0, *(np.flatnonzero(pair[1:] != pair[:-1]) + 1).tolist(), r]
            here = line_marks.get(t, {})
            for j in here:
                cuts += [j, j + 1]  # a mark is a run of its own
            cuts = sorted(set(cuts))
            line = []
            for start, end in itertools.pairwise(cuts):
                mark = here.get(start)
                if mark is not None:
                    style = _dot(mark, int(top[start]))
                    line.append(Segment(POSITIVE if mark else NEGATIVE, style))
                else:
                    line.append(
                        Segment("▀" * (end - start), _half_block(int(top[start]), int(bottom[start])))
                    )
            out.append(line)
        return out

    def _legend(self, ramp: bool) -> list[list[Segment]]:
        """The output scale, what the dots mean and the axes: a few short lines."""
        assert self.state is not None
        net, dmap = self.state.net, self._output_map
        assert dmap is not None  # the legend is drawn with the maps, after set_state made them
        act = net.activations[-1]
        lo, hi = value_range(act, dmap.outputs)
        low, high = f"{lo:.3g}", f"{hi:.3g}"
        if ramp:
            scale = [Segment(f"{low} "), Segment(f"'{RAMP}'"), Segment(f" {high}  a^{net.depth} ({act})")]
        else:
            bar = [
                Segment(" ", Style(bgcolor=SCALE[round(k / (LEGEND_WIDTH - 1) * (LEVELS - 1))]))
                for k in range(LEGEND_WIDTH)
            ]
            scale = [Segment(f"{low} "), *_merge(bar), Segment(f" {high}  a^{net.depth} ({act})")]
        dots = [
            # On the colours they are drawn on in the map, where the network has it right.
            Segment(POSITIVE, DOT_HIGH + Style(bgcolor=SCALE[-1]) if not ramp else Style(bold=True)),
            Segment(" target high  "),
            Segment(NEGATIVE, DOT_LOW + Style(bgcolor=SCALE[0]) if not ramp else Style(bold=True)),
            Segment(" target low"),
        ]
        x0, x1, y0, y1 = (f"{v:.3g}" for v in (dmap.x[0], dmap.x[-1], dmap.y[0], dmap.y[-1]))
        axes = [Segment(f"x^0 {x0}…{x1} →  x^1 {y0}…{y1} ↑", Style(dim=True))]
        return [scale, dots, axes, []]

    # --- drawing: only the lines on screen -----------------------------------------------------
    def render_line(self, y: int) -> Strip:
        line_no = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if not self._laid_out_for:
            self._layout()
        strip = self._lines.get(line_no)
        if strip is None:
            base = self.rich_style
            segments = self._line(line_no)
            strip = Strip(segments).apply_style(base).crop_extend(0, width, base)
            self._lines[line_no] = strip
        return strip

    def text(self) -> str:
        """What the pane shows, as plain text (for tests and exports)."""
        lines = (self._line(k) for k in range(len(self._content)))
        return "\n".join("".join(s.text for s in line).rstrip() for line in lines)


def _colour_levels(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Each value's colour on the scale 0..LEVELS−1 (−1: not a number)."""
    return ramp_levels(values, lo, hi, LEVELS)


_HALF_BLOCKS: dict[tuple[int, int], Style] = {}
_DOTS: dict[tuple[bool, int], Style] = {}


def _dot(high: bool, level: int) -> Style:
    """An observation's dot on the map's colour at its cell (made once per pair, then looked up)."""
    style = _DOTS.get((high, level))
    if style is None:
        bg = SCALE[max(level, 0)]
        style = _DOTS[(high, level)] = (DOT_HIGH if high else DOT_LOW) + Style(bgcolor=bg)
    return style


def _half_block(top: int, bottom: int) -> Style:
    style = _HALF_BLOCKS.get((top, bottom))
    if style is None:
        fg = SCALE[top] if top >= 0 else Color.parse("red")
        bg = SCALE[bottom] if bottom >= 0 else Color.parse("red")
        style = _HALF_BLOCKS[(top, bottom)] = Style(color=fg, bgcolor=bg)
    return style


def _merge(segments: list[Segment]) -> list[Segment]:
    """Neighbouring segments of one style as one: fewer segments to draw, same picture."""
    return list(Segment.simplify(segments))
