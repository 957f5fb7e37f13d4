"""The decision map pane: the network's output over the input plane with the observations on it, and
one small map per hidden neuron (docs/commands.md), as TensorFlow Playground draws them.

Drawn with Textual's line API. Where the maps go is planned once per size and network shape
(map_layout.py), so that every map is whole on screen when it can be. Maps are computed once per set
of weights (a step that changes no weight redraws nothing), and a map's lines are drawn only when
one of them comes on screen, from numpy arrays: a segment per run of one colour, not per cell.
In colour, each character is two pixels (an upper half block: its colour above, its background
below) on a diverging orange–white–blue scale. In the 16-colour themes and under NO_COLOR each grid
cell is two characters of a character ramp instead, so the map still reads.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from stepper.app.widgets.map_layout import GAP, GROUP_GAP, Arrangement, Plan, Shape, bands, per_row, plan
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
LEGEND_WIDTH, NARROW_LEGEND_WIDTH = 16, 8  # the colour bar's characters
BIG_DOTS, SMALL_DOTS = (POSITIVE, NEGATIVE), ("•", "◦")
DOTS_SHARE = 12  # smaller dots once more than 1 character in 12 of the map would be one
CACHE = 8  # sets of weights whose maps are kept (stepping back and forth hits them)

SCALE = [Color.from_rgb(*rgb) for rgb in colour_scale(LEVELS)]
RAMP_CHARS = np.array([*RAMP, "?"])  # index −1 (not a number) is "?"

Line = list[Segment]


class Palette:
    """The pane's styles, each combined once with the pane's own (its background and text colour)."""

    def __init__(self, base: Style, dark: bool) -> None:
        self.base, self.dark = base, dark
        self.bold = base + Style(bold=True)
        self.nan = base + NAN_STYLE
        self._half: dict[tuple[int, int], Style] = {}
        self._dots: dict[tuple[bool, int], Style] = {}
        self._styles: dict[Style, Style] = {}

    def of(self, style: Style) -> Style:
        found = self._styles.get(style)
        if found is None:
            found = self._styles[style] = self.base + style
        return found

    def half_block(self, top: int, bottom: int) -> Style:
        style = self._half.get((top, bottom))
        if style is None:
            fg = SCALE[top] if top >= 0 else Color.parse("red")
            bg = SCALE[bottom] if bottom >= 0 else Color.parse("red")
            style = self._half[(top, bottom)] = self.base + Style(color=fg, bgcolor=bg)
        return style

    def dot(self, high: bool, level: int) -> Style:
        """An observation's dot on the map's colour at its cell."""
        style = self._dots.get((high, level))
        if style is None:
            bg = SCALE[max(level, 0)]
            style = self._dots[(high, level)] = (
                self.base + (DOT_HIGH if high else DOT_LOW) + Style(bgcolor=bg)
            )
        return style

    def blank(self, width: int) -> Line:
        return [Segment(" " * width, self.base)] if width > 0 else []


@dataclass(frozen=True)
class Tile:
    """One map on screen: its titles (full, and short for a narrow map), and the values (R×R, y
    upwards) of one neuron on its scale; ``marks`` (R×R): 0, or 1 / 2 for an observation whose target
    is high / low."""

    titles: tuple[str, ...]
    title_style: Style
    values: np.ndarray
    lo: float
    hi: float
    marks: np.ndarray | None = None
    glyphs: tuple[str, str] = BIG_DOTS
    neuron: bool = True  # a hidden neuron's map (counted when below the pane's bottom)


# --- blocks: lines of a fixed width, drawn when asked for ---------------------------------------------
class Block:
    width: int
    height: int

    def line(self, y: int) -> Line:
        """Line y, exactly ``width`` cells."""
        raise NotImplementedError

    def neuron_tiles(self, top: int) -> Iterator[int]:
        """The bottom line (exclusive) of each neuron's map in this block, which starts at ``top``."""
        return iter(())


class Text(Block):
    def __init__(self, lines: list[Line], width: int, pal: Palette) -> None:
        self.width, self.height, self.pal = width, len(lines), pal
        self.lines = [self._fit(line) for line in lines]

    def _fit(self, line: Line) -> Line:
        line = list(Segment.apply_style(line, self.pal.base))
        used = sum(cell_len(s.text) for s in line)
        if used > self.width:
            return list(Segment.adjust_line_length(line, self.width, self.pal.base))
        return line + self.pal.blank(self.width - used)

    def set_line(self, y: int, line: Line) -> None:
        self.lines[y] = self._fit(line)

    def line(self, y: int) -> Line:
        return self.lines[y]


class TileBlock(Block):
    def __init__(self, tile: Tile, px: int, ramp: bool, pal: Palette) -> None:
        self.tile, self.ramp, self.pal = tile, ramp, pal
        self.width = px * (2 if ramp else 1)
        self.height = 1 + px // (1 if ramp else 2)
        self._lines: list[Line] | None = None

    def line(self, y: int) -> Line:
        if self._lines is None:
            tile, w = self.tile, self.width
            title = next((t for t in tile.titles if len(t) <= w), tile.titles[-1][:w])
            head = [Segment(title.ljust(w), self.pal.of(tile.title_style))]
            draw = ramp_tile if self.ramp else colour_tile
            self._lines = [head, *draw(tile, self.pal)]
        return self._lines[y]

    def neuron_tiles(self, top: int) -> Iterator[int]:
        if self.tile.neuron:
            yield top + self.height


class Row(Block):
    """Blocks side by side, ``gap`` columns apart, their tops aligned."""

    def __init__(self, blocks: Sequence[Block], gap: int, pal: Palette) -> None:
        self.blocks, self.gap, self.pal = blocks, gap, pal
        self.width = sum(b.width for b in blocks) + gap * max(0, len(blocks) - 1)
        self.height = max((b.height for b in blocks), default=0)

    def line(self, y: int) -> Line:
        out: Line = []
        for k, block in enumerate(self.blocks):
            if k:
                out += self.pal.blank(self.gap)
            out += block.line(y) if y < block.height else self.pal.blank(block.width)
        return out

    def neuron_tiles(self, top: int) -> Iterator[int]:
        for block in self.blocks:
            yield from block.neuron_tiles(top)


class Column(Block):
    """Blocks one under another, their left edges aligned."""

    def __init__(self, blocks: Sequence[Block], pal: Palette) -> None:
        self.blocks, self.pal = blocks, pal
        self.width = max((b.width for b in blocks), default=0)
        self.height = sum(b.height for b in blocks)
        self._tops = [sum(b.height for b in blocks[:k]) for k in range(len(blocks))]

    def line(self, y: int) -> Line:
        for top, block in zip(self._tops, self.blocks):
            if top <= y < top + block.height:
                line = block.line(y - top)
                return line + self.pal.blank(self.width - block.width)
        return self.pal.blank(self.width)

    def neuron_tiles(self, top: int) -> Iterator[int]:
        for start, block in zip(self._tops, self.blocks):
            yield from block.neuron_tiles(top + start)


# --- a tile's map lines, vectorised ---------------------------------------------------------------------
def _runs(codes: np.ndarray) -> tuple[list[int], list[int], list[int]]:
    """Runs of equal codes along each row: (row, first column, end column) of each, row by row."""
    change = np.ones(codes.shape, dtype=bool)
    change[:, 1:] = codes[:, 1:] != codes[:, :-1]
    rows, starts = np.nonzero(change)
    same_row = np.append(rows[1:] == rows[:-1], False)
    ends = np.where(same_row, np.append(starts[1:], 0), codes.shape[1])
    return rows.tolist(), starts.tolist(), ends.tolist()


def _marks(tile: Tile, shape: tuple[int, ...]) -> np.ndarray:
    return tile.marks if tile.marks is not None else np.zeros(shape[:2], dtype=np.int8)


def colour_tile(tile: Tile, pal: Palette) -> list[Line]:
    """R columns, R/2 lines of upper half blocks: a segment per run of one (top, bottom) colour pair;
    an observation's dot takes its character, on the colour of the grid row above."""
    levels = ramp_levels(tile.values, tile.lo, tile.hi, LEVELS)[::-1]  # top grid row first
    marks = _marks(tile, levels.shape)[::-1]
    n = levels.shape[0] // 2
    top, bottom = levels[0 : 2 * n : 2], levels[1 : 2 * n : 2]
    mark = np.where(marks[0 : 2 * n : 2] != 0, marks[0 : 2 * n : 2], marks[1 : 2 * n : 2])
    codes = ((top + 1) * (LEVELS + 1) + (bottom + 1)) * 3 + mark
    rows, starts, ends = _runs(codes)
    tops, bottoms, dots = (
        top[rows, starts].tolist(),
        bottom[rows, starts].tolist(),
        mark[rows, starts].tolist(),
    )
    lines: list[Line] = [[] for _ in range(n)]
    glyphs = tile.glyphs
    for t, j, end, a, b, m in zip(rows, starts, ends, tops, bottoms, dots):
        if m:
            lines[t].append(Segment(glyphs[m - 1] * (end - j), pal.dot(m == 1, a)))
        else:
            lines[t].append(Segment("▀" * (end - j), pal.half_block(a, b)))
    return lines


def ramp_tile(tile: Tile, pal: Palette) -> list[Line]:
    """2R columns, R lines: two ramp characters per grid cell, an observation's mark the first."""
    levels = ramp_levels(tile.values, tile.lo, tile.hi)[::-1]
    marks = _marks(tile, levels.shape)[::-1]
    r = levels.shape[0]
    chars = RAMP_CHARS[levels]
    grid = np.empty((r, 2 * r), dtype="<U1")
    grid[:, 1::2] = chars
    grid[:, 0::2] = np.where(marks == 1, tile.glyphs[0], np.where(marks == 2, tile.glyphs[1], chars))
    kinds = np.zeros((r, 2 * r), dtype=np.int8)  # 0 plain, 1 a mark (bold), 2 not a number (red)
    kinds[:, 1::2] = np.where(levels < 0, 2, 0)
    kinds[:, 0::2] = np.where(marks != 0, 1, kinds[:, 1::2])
    styles = (pal.base, pal.bold, pal.nan)
    texts = ["".join(row) for row in grid.tolist()]
    rows, starts, ends = _runs(kinds)
    kind = kinds[rows, starts].tolist()
    lines: list[Line] = [[] for _ in range(r)]
    for t, j, end, k in zip(rows, starts, ends, kind):
        lines[t].append(Segment(texts[t][j:end], styles[k]))
    return lines


@dataclass(frozen=True)
class MapState:
    """What the pane shows: the network, the weights now, and the clone group of every hidden neuron."""

    net: Network
    weights: tuple[np.ndarray, ...]
    clones: dict[int, tuple[int | None, ...]]
    iteration: int


@lru_cache(maxsize=64)
def _plan(shape: Shape) -> Plan:
    return plan(shape)


class DecisionMapView(ScrollView, can_focus=True):
    """Output maps with a legend, and each hidden layer's neurons, clones marked C1, C2, …"""

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
        self._content: Block | None = None
        self._laid_out_for: tuple[object, ...] = ()
        self._lines: dict[int, Strip] = {}
        self._output_map: DecisionMap | None = None
        self._glyphs = BIG_DOTS
        self.plan: Plan | None = None
        self._pal: Palette | None = None
        self._sized_for: tuple[Size, Size, Size] | None = None
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

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual's ScrollView updates and repaints its scrollbar at every layout of the screen (that
        # is, at most steps: a status line changes), since the virtual size the screen passes is not
        # the one this view sets. Only a change of size or of that virtual size needs it.
        key = (size, self.virtual_size, container_size)
        if key == self._sized_for:
            return False
        self._sized_for = key
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self) -> None:
        self._laid_out_for = ()
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._laid_out_for = ()  # a theme change: colours or the character ramp
        self._lines.clear()
        self._pal = None

    @property
    def ramp(self) -> bool:
        """Characters instead of colours: NO_COLOR, or a theme of the terminal's own 16 colours."""
        return bool(self.app.no_color) or self.app.theme.startswith("ansi")

    # --- layout ------------------------------------------------------------------------------------
    def _layout(self) -> None:
        # The whole width, whether a scrollbar shows now or not: one is needed only if not every
        # map fits, and then the content leaves a column for it.
        width, height = self.content_region.width, self.content_region.height
        key = (width, height, self.ramp)
        if self.state is None or width <= 0 or key == self._laid_out_for:
            return
        self._laid_out_for = key
        self._content = self._build(width, height)
        self._lines.clear()
        size = Size(width if self.plan is None or self.plan.fits else width - 1, self._content.height)
        if size != self.virtual_size:  # a new size means a new layout: only when it changes
            self.virtual_size = size
        self.refresh()

    def _build(self, width: int, height: int) -> Block:
        """The blocks of the content, placed as the plan for this size and network says."""
        assert self.state is not None
        net, ramp = self.state.net, self.ramp
        pal = self._palette()
        # Sized on a coarse map (the numbers in the legend and headings are about as long at any
        # resolution), then written with the maps drawn.
        coarse = self.map_for(21)
        glyphs = self._dot_glyphs(coarse, ramp)
        legend = {narrow: self._legend(coarse, ramp, narrow, glyphs) for narrow in (False, True)}
        shape = Shape(
            width,
            height,
            net.layers[-1],
            tuple(net.layers[1:-1]),
            ramp,
            _extent(legend[False]),
            _extent(legend[True]),
            tuple(len(f"layer {layer}") for layer in range(1, net.depth)),  # the shortest heading
        )
        p = self.plan = _plan(shape)
        if not p.fits and width > 1:  # the maps scroll: a column for the scrollbar
            width -= 1
            shape = replace(shape, width=width)
            p = self.plan = _plan(shape)
        outputs = Row([TileBlock(t, p.big, ramp, pal) for t in self._output_tiles(p.big, glyphs)], GAP, pal)
        assert self._output_map is not None
        lines = self._legend(self._output_map, ramp, p.narrow_legend, glyphs)
        lines += [] if p.fits else [[]]  # the last: how many maps are below
        room = width if p.arrangement is not Arrangement.BESIDE else width - outputs.width - GAP
        key = Text(lines, max(1, min(_extent(lines)[0], room)), pal)
        groups = self._hidden_blocks(p, room, shape, pal)
        hidden: list[Block] = [
            Row([groups[layer] for layer in band], GROUP_GAP, pal)
            for band in bands(p.small, p.gap, room, shape)
        ]
        if p.arrangement is Arrangement.BESIDE:
            content: Block = Column([Row([outputs, Column([key, *hidden], pal)], GAP, pal)], pal)
        elif p.arrangement is Arrangement.LEGEND_BESIDE:
            content = Column([Row([outputs, key], GAP, pal), *hidden], pal)
        else:
            content = Column([outputs, key, *hidden], pal)
        if not p.fits:
            below = sum(1 for bottom in content.neuron_tiles(0) if bottom > height)
            if below:
                more = f"▾ {below} more {'' if p.narrow_legend else 'map' + 's' * (below != 1) + ' '}below"
                more += "" if p.narrow_legend else " — scroll"
                key.set_line(len(lines) - 1, [Segment(more, pal.bold)])
        return content

    def _palette(self) -> Palette:
        """The styles, kept from one set of weights to the next (until the theme changes)."""
        if self._pal is None:  # rich_style is costly: asked once per theme, not once per line
            self._pal = Palette(self.rich_style, self.app.current_theme.dark)
        return self._pal

    def _dot_glyphs(self, dmap: DecisionMap, ramp: bool) -> tuple[str, str]:
        """Many observations (spiral's 200) would bury the map under ● and ○: smaller dots then,
        still told apart without colour, leaving the map around them to be seen."""
        assert self.state is not None
        net = self.state.net
        marked = len(set(zip(*observation_cells(dmap, net.inputs))))
        # Judged on a map about as big as the pane's smallest: 21 across, ~400 characters.
        self._glyphs = SMALL_DOTS if marked * DOTS_SHARE > 21 * 21 // (1 if ramp else 2) else BIG_DOTS
        return self._glyphs

    def _output_tiles(self, big: int, glyphs: tuple[str, str]) -> list[Tile]:
        assert self.state is not None
        net = self.state.net
        dmap = self._output_map = self.map_for(big)
        lo, hi = value_range(net.activations[-1], dmap.outputs)
        rows, cols = observation_cells(dmap, net.inputs)
        classes = target_classes(net.targets)
        tiles = []
        for j in range(net.layers[-1]):
            marks = np.zeros((big, big), dtype=np.int8)
            marks[rows, cols] = np.where(classes[:, j], 1, 2)
            title = f"a^{net.depth}_{j} output"
            tiles.append(
                Tile(
                    (title, f"a^{net.depth}_{j}"),
                    Style(bold=True),
                    dmap.outputs[:, :, j],
                    lo,
                    hi,
                    marks,
                    glyphs,
                    False,
                )
            )
        return tiles

    def _headings(self, dmap: DecisionMap) -> list[tuple[str, ...]]:
        """Each hidden layer's heading: its number, activation and the range of its maps' scale,
        or less of it where the maps are narrow."""
        assert self.state is not None
        net = self.state.net
        out: list[tuple[str, ...]] = []
        for layer, values in enumerate(dmap.hidden, start=1):
            act = net.activations[layer - 1]
            lo, hi = value_range(act, values)
            out.append(
                (f"layer {layer} · {act} · {lo:.3g}…{hi:.3g}", f"layer {layer} · {act}", f"layer {layer}")
            )
        return out

    def _hidden_blocks(self, p: Plan, room: int, shape: Shape, pal: Palette) -> list[Block]:
        """Per hidden layer a heading, then rows of small maps, each drawn when it comes on screen."""
        assert self.state is not None
        net = self.state.net
        sdmap = self.map_for(p.small)
        headings = self._headings(sdmap)
        out: list[Block] = []
        for layer, values in enumerate(sdmap.hidden, start=1):
            lo, hi = value_range(net.activations[layer - 1], values)
            groups = self.state.clones.get(layer, (None,) * net.layers[layer])
            tiles = []
            for n in range(net.layers[layer]):
                g = groups[n] if n < len(groups) else None
                mark = f" {clone_mark(g)}" if g is not None else ""
                # The clone's colour, readable on this pane's background (as in the matrices).
                style = clone_style(g, pal.base, pal.dark) if g is not None else Style()
                titles = (f"a^{layer}_{n}{mark}", f"j={n}{mark}", f"{n}{mark}")
                tiles.append(
                    TileBlock(Tile(titles, style, values[:, :, n], lo, hi), p.small, shape.ramp, pal)
                )
            across = per_row(len(tiles), p.small, p.gap, room, shape)
            rows: list[Block] = [Row(tiles[k : k + across], p.gap, pal) for k in range(0, len(tiles), across)]
            forms = headings[layer - 1]
            width = max(rows[0].width, min(len(forms[-1]), room))  # as map_layout.group_size has it
            heading = next((h for h in forms if cell_len(h) <= width), forms[-1])
            head = Text([[Segment(heading, pal.bold)]], width, pal)
            out.append(Column([head, *rows], pal))
        return out

    def _legend(self, dmap: DecisionMap, ramp: bool, narrow: bool, glyphs: tuple[str, str]) -> list[Line]:
        """The output scale, what the dots mean and the axes: wide, 3 lines; narrow, 6 short ones."""
        assert self.state is not None
        net = self.state.net
        act = net.activations[-1]
        lo, hi = value_range(act, dmap.outputs)
        low, high, name = f"{lo:.3g}", f"{hi:.3g}", f"a^{net.depth} ({act})"
        if ramp:
            bar = [Segment(f"'{RAMP}'")]
        else:
            n = NARROW_LEGEND_WIDTH if narrow else LEGEND_WIDTH
            bar = list(
                Segment.simplify(
                    Segment(" ", Style(bgcolor=SCALE[round(k / (n - 1) * (LEVELS - 1))])) for k in range(n)
                )
            )
        scale = [Segment(f"{low} "), *bar, Segment(f" {high}")]
        # On the colours they are drawn on in the map, where the network has it right.
        high_dot = Style(bold=True) if ramp else DOT_HIGH + Style(bgcolor=SCALE[-1])
        low_dot = Style(bold=True) if ramp else DOT_LOW + Style(bgcolor=SCALE[0])
        x0, x1, y0, y1 = (f"{v:.3g}" for v in (dmap.x[0], dmap.x[-1], dmap.y[0], dmap.y[-1]))
        dim = Style(dim=True)
        if narrow:
            return [
                scale,
                [Segment(name)],
                [Segment(glyphs[0], high_dot), Segment(" target high")],
                [Segment(glyphs[1], low_dot), Segment(" target low")],
                [Segment(f"x^0 {x0}…{x1} →", dim)],
                [Segment(f"x^1 {y0}…{y1} ↑", dim)],
            ]
        return [
            [*scale, Segment(f"  {name}")],
            [
                Segment(glyphs[0], high_dot),
                Segment(" target high  "),
                Segment(glyphs[1], low_dot),
                Segment(" target low"),
            ],
            [Segment(f"x^0 {x0}…{x1} →  x^1 {y0}…{y1} ↑", dim)],
        ]

    # --- drawing: only the lines on screen -----------------------------------------------------
    def render_line(self, y: int) -> Strip:
        line_no = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if not self._laid_out_for:
            self._layout()
        strip = self._lines.get(line_no)
        if strip is None:
            content = self._content
            if content is None or line_no >= content.height:
                return Strip.blank(width, self._palette().base)
            segments = content.line(line_no)
            strip = Strip(segments, content.width).extend_cell_length(width, self._palette().base)
            self._lines[line_no] = strip
        return strip

    def text(self) -> str:
        """What the pane shows, as plain text (for tests and exports)."""
        content = self._content
        if content is None:
            return ""
        lines = (content.line(k) for k in range(content.height))
        return "\n".join("".join(s.text for s in line).rstrip() for line in lines)


def _extent(lines: list[Line]) -> tuple[int, int]:
    """(columns, lines) of a few lines of segments."""
    return max((sum(cell_len(s.text) for s in line) for line in lines), default=0), len(lines)
