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
# Lines of the output map at least, in a short pane and a tall one (where a map 16 pixels across
# would leave spiral's 200 observations nothing to be seen on): below it, maps scroll.
MIN_LINES, MIN_LINES_TALL, TALL = 8, 12, 30
SMALL = 12  # pixels across a neuron's map (at 80 columns: 10)
GAP = 2
LEGEND_WIDTH = 16
RIGHT_WIDTH = 40  # the legend's lines, beside the output maps
BIG_DOTS, SMALL_DOTS = (POSITIVE, NEGATIVE), ("•", "◦")
DOTS_SHARE = 12  # smaller dots once more than 1 character in 12 of the map would be one
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
    glyphs: tuple[str, str] = (POSITIVE, NEGATIVE)  # a high target's mark, a low one's


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
        self._glyphs = BIG_DOTS
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
        counts = net.layers[1:-1]

        def hidden_lines(room: int) -> int:
            """Lines the hidden layers take in ``room`` columns: per layer a heading, rows of maps."""
            per_row = max(1, (room + GAP) // (small * cw + GAP))
            return sum(1 + -(-n // per_row) * (1 + small // per_line) for n in counts)

        def fits(big: int, beside: bool) -> int:
            """Lines the whole content takes with output maps ``big`` pixels across (0: too wide)."""
            left_w = big * cw * outputs + GAP * (outputs - 1)
            left_h = 1 + big // per_line
            if beside:
                room = width - left_w - GAP
                if room < max(RIGHT_WIDTH, small * cw):
                    return 0
                return max(left_h, 4 + hidden_lines(room))
            if left_w > width:
                return 0
            return left_h + 1 + 4 + hidden_lines(width)

        # The biggest output maps with which every neuron's map is whole on screen, beside or below
        # them. When they cannot all be (many neurons, a short pane), the output maps take their
        # smallest size and the pane says how many maps are below: the size only shrinks as the
        # pane does (a notice above it must not make the map bigger).
        smallest = (MIN_LINES_TALL if height >= TALL else MIN_LINES) * per_line
        best: tuple[int, bool] | None = None
        for big in range(MAX_BIG - MAX_BIG % per_line, smallest - 1, -per_line):
            for beside in (True, False):
                lines = fits(big, beside)
                if 0 < lines <= height:
                    best = (big, beside)
                    break
            if best:
                break
        if best is None:
            beside = fits(smallest, True) > 0
            across = width // outputs // cw  # a pane too narrow even for the smallest maps
            big = smallest if fits(smallest, beside) else max(8, across - across % per_line)
        else:
            big, beside = best
        left = self._outputs(big, ramp)
        left_w = big * cw * outputs + GAP * (outputs - 1)
        right = self._legend(ramp) + self._hidden(small, ramp, width - left_w - GAP if beside else width)
        if not beside:
            self._content += [*left, []]
        top = len(self._content)
        self._expand(right, [])
        self._say_what_is_below(top + 3, height)
        if not beside:
            return
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

    def _say_what_is_below(self, line: int, height: int) -> None:
        """On the legend's empty last line: how many neurons' maps are not whole on screen."""
        starts = {start: build for start, build, _ in self._blocks.values()}
        below = 0
        for start, build in starts.items():
            count = sum(1 for k in self._blocks if self._blocks[k][0] == start)
            if start + count > height and isinstance(build, partial):
                below += len(build.args[0])
        if below and line < len(self._content):
            more = f"▾ {below} more map{'s' * (below != 1)} below — scroll"
            self._content[line] = [Segment(more, Style(bold=True))]

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
        # Many observations (spiral's 200) would bury the map under ● and ○: smaller dots then,
        # still told apart without colour, leaving the map around them to be seen.
        marked = len(set(zip(*cells)))
        self._glyphs = SMALL_DOTS if marked * DOTS_SHARE > big * big // (1 if ramp else 2) else BIG_DOTS
        tiles = []
        for j in range(net.layers[-1]):
            marks = {(int(i), int(jj)): bool(c) for i, jj, c in zip(*cells, classes[:, j])}
            title = f"a^{net.depth}_{j} output"
            tiles.append(Tile(title, "bold", dmap.outputs[:, :, j], lo, hi, marks, self._glyphs))
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
                        line.append(Segment(tile.glyphs[0 if marks[(i, j)] else 1], Style(bold=True)))
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
                    line.append(Segment(tile.glyphs[0 if mark else 1], style))
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
            Segment(self._glyphs[0], DOT_HIGH + Style(bgcolor=SCALE[-1]) if not ramp else Style(bold=True)),
            Segment(" target high  "),
            Segment(self._glyphs[1], DOT_LOW + Style(bgcolor=SCALE[0]) if not ramp else Style(bold=True)),
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
