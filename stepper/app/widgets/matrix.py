"""One matrix of the network: labelled rows and columns, its role in the step, and a cell cursor.

Drawn with Textual's line API: only the lines on screen are rendered, and of each line only the
columns in view, so a 785×128 weight matrix costs what the screen shows, not what it holds. The
matrix scrolls sideways (the row labels stay put); the pane around it scrolls down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Self

import numpy as np
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual._context import NoActiveAppError
from textual.binding import Binding
from textual.geometry import NULL_OFFSET, NULL_SPACING, Offset, Region, Size
from textual.layout import ArrangeResult, Layout, WidgetPlacement
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from stepper.app.contrast import background_of, readable
from stepper.app.widgets.sized import on_screen_now
from stepper.engine.explain import EQUAL_NOW_MARKS, equal_column_groups, equal_now_groups
from stepper.engine.quantities import WEIGHT_SHAPED, Q
from stepper.engine.quantities import row_label as row_name
from stepper.engine.steps import Ref
from stepper.formatting import SIG_DIGITS, format_number, kept_whole, wrap_kept

# Clone groups (permanent: equal weights in and out) are labelled C1, C2, ... and columns that are only
# equal in this iteration's values =a, =b, ...: a label always, never colour alone. The hues are
# drawn lighter or darker as the background needs (see clone_style).
CLONE_COLOURS = ("#ff79c6", "#5fd7ff", "#f1fa8c", "#50fa7b", "#7aa2ff", "#ff7b72")
CELL_GAP = 1
WRONG_MARK = Style(bold=True, color="red")
WRONG_CELL = Style(bold=True, color="red", reverse=True)


# Stylesheet rules per ancestors' classes and state, then per matrix class: see update_node_styles.
_RULES_KEPT: dict[tuple[object, ...], tuple[object, dict[tuple[object, ...], Any]]] = {}

# An operand's row or column that makes the selected result cell: bold and underlined, besides the
# ▶ and ▼ characters (so it reads the same without colour).
MARKED = Style(bold=True, underline=True)


def clone_mark(group: int) -> str:
    return f"C{group + 1}"


def clone_colour(group: int) -> str:
    return CLONE_COLOURS[group % len(CLONE_COLOURS)]


@lru_cache(maxsize=512)
def clone_style(group: int, base: Style, dark: bool, bold: bool = True) -> Style:
    """The clone group's colour, made readable on ``base``'s background (contrast at least 4.5).
    Kept per group and background: every clone cell of every line asked again."""
    colour = readable(clone_colour(group), background_of(base.bgcolor, dark))
    return Style(color=colour, bold=bold)


def _same(old: np.ndarray | None, new: np.ndarray | None) -> bool:
    """The same numbers: ΔW and an optimizer's state before its first update are computed afresh
    each time the walk is asked for them, so equal arrays are not always the same array (and each
    new one was a redraw of the matrix on every step, shown or not)."""
    if old is new:
        return True
    if old is None or new is None or old.shape != new.shape:
        return False
    return bool(np.array_equal(old, new, equal_nan=True))


def _marked(state: MatrixState) -> bool:
    """Whether some cell differs from the learner's numbers (and is marked ≠)."""
    return state.differs is not None and bool(state.differs.any())


@dataclass(frozen=True)
class MatrixState:
    value: np.ndarray | None  # None: not computed yet in this iteration
    role: str  # "current" | "input" | "done" | "pending"
    rows: int
    cols: int
    note: str = ""  # a line under the grid (e.g. "Jacobian, not stored")
    col_clones: tuple[int | None, ...] = ()  # each column's clone group (a neuron of its layer), if any
    row_clones: tuple[int | None, ...] = ()  # for weight matrices: each row's (row 0, the bias: None)
    differs: np.ndarray | None = None  # cells where the learner's own numbers differ (--compare)
    sizing: np.ndarray | None = None  # the values the columns are made wide enough for
    digits: int = SIG_DIGITS  # the precision key's 3, 5 or 7 (the columns' width follows)
    # The row (▶) and column (▼) of this matrix that make the selected cell of the current product.
    mark_row: int | None = None
    mark_col: int | None = None


class MatrixView(ScrollView, can_focus=True):
    """A labelled grid of numbers. Clone columns carry C1, C2, …; columns equal only now =a, =b, …"""

    # No scrollbar widgets: the sideways position is a line the view draws itself ("◂ j=3–5 of 128 ▸").
    # A scrollbar is a child widget, restyled with the view on every change of role, and each of
    # those restyles cost a new layout of the whole screen.
    DEFAULT_CSS = """
    MatrixView {
        height: auto;
        overflow: hidden hidden;
    }
    """

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Cell up", show=False),
        Binding("down", "move(1, 0)", "Cell down", show=False),
        Binding("left", "move(0, -1)", "Cell left", show=False),
        Binding("right", "move(0, 1)", "Cell right", show=False),
        # As in a table: the cursor goes to the first or last row, or a page up or down, and its
        # pane follows it. (End scrolled the pane and left the cursor at the top, out of sight,
        # where the arrows then moved it; a tester's finding.)
        Binding("home", "move_to_row(0)", "First row", show=False),
        Binding("end", "move_to_row(-1)", "Last row", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    cursor: reactive[tuple[int, int]] = reactive((0, 0), layout=False, repaint=False)

    class CellSelected(Message):
        def __init__(self, view: MatrixView, row: int, col: int) -> None:
            super().__init__()
            self.view = view
            self.ref = view.ref
            self.row = row
            self.col = col

    def __init__(self, ref: Ref, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ref = ref
        self.caption = title
        self.border_title = title
        self.state: MatrixState | None = None
        self._groups: list[int | None] = []  # groups of equal columns in the current values
        self._observed: list[int | None] = []  # their letter, for columns that are not clones
        self._headers: list[tuple[str, int | str | None]] = []
        self._cell_w = 1
        self._mark_w = 0  # 1 when a cell differs from the learner's numbers: its ≠ follows it
        self._label_w = 1
        self._label_pad = 0  # columns added to the row labels for the title (header_in_border)
        # Drawn lines, kept until something they show changes: a full repaint of the screen (after a
        # pane scrolls, say) then costs a lookup per line instead of formatting numbers again.
        self._lines: dict[int, Strip] = {}
        self._drawn_for: tuple[object, ...] = ()
        self._base = Style()  # the colours the lines are drawn in (render_lines)
        self._dark = True
        self._restyled = True  # since the lines were drawn: see notify_style_update
        self._label_for: tuple[object, int] = (None, 0)
        # No bottom border (the step view's, to save a line per matrix at 80x24): where the cursor is
        # goes into the title instead of under the grid.
        self.open_bottom = False
        self._cursor_shown = False  # the title says where the cursor is (open at the bottom, focused)
        # Lines of the grid not drawn at its top: 1 with its column headers in the top border
        # (header_in_border), beside a title shortened to leave them room.
        self._skip = 0
        # A weight matrix's rule under its bias row left out (fold_rule): the step view's last line.
        self._rule_folded = False
        self._note_lines: list[str] = []  # the note, wrapped to the box (see _wrap_note)
        self._drawing_width: int | None = None
        # The Why pane explains this matrix's cursor cell: the cell stays highlighted with the
        # keyboard elsewhere (side by side, on the half without it; the Why pane, scrolled).
        self._explained = False
        self._pressed: tuple[int, int] | None = None  # the cell a mouse press was on (on_mouse_down)
        # The matrices whose columns run over the same index as this one's (the step view's operands
        # of a product that sums along the columns of both): they show the columns this one does.
        self.columns_with: list[MatrixView] = []
        self._following = False  # scrolled by one of those: not passed back to them

    def update_node_styles(self, animate: bool = True) -> None:
        """Restyle after a class change (a new role): without animation, from rules kept per place.

        A role changes on a handful of matrices per step, and Textual's restyle matches each against
        the whole stylesheet and, to animate, builds and compares a second set of styles: together
        a quarter of a step. No matrix style has a transition, so there is nothing to animate; and
        the rules a matrix gets depend only on the stylesheet and on its own and its ancestors' types,
        ids, classes and state, so they are kept under that key (a new theme parses a new stylesheet).
        """
        try:
            stylesheet = self.app.stylesheet
        except NoActiveAppError:
            return
        # What selectors can see of each ancestor, not the ancestor itself: nothing is kept alive.
        ancestors = (
            *(
                (node._css_type_name, node.id, node.classes, node._pseudo_classes_cache_key)
                for node in self.ancestors
            ),
            frozenset(self.app.get_pseudo_classes()),  # the app's own: focus or blur, dark or light, …
        )
        kept = _RULES_KEPT.get(ancestors)
        if kept is None or kept[0] is not stylesheet.rules:
            if len(_RULES_KEPT) > 256:  # old screens and themes: never many
                _RULES_KEPT.clear()
            kept = _RULES_KEPT[ancestors] = (stylesheet.rules, {})
        stylesheet.apply(self, animate=False, cache=kept[1])

    @property
    def is_weights(self) -> bool:
        return self.ref.quantity in WEIGHT_SHAPED

    @property
    def computed(self) -> bool:
        """Numbers to show: computed in this iteration (a matrix not computed yet shows dots)."""
        return self.state is not None and self.state.value is not None

    # --- state ---------------------------------------------------------------------------------
    def show(self, state: MatrixState) -> None:
        old = self.state
        # The numbers and what labels them: when these are the same, only the role, the marks or
        # the note changed, and the groups of equal columns, the headers and the widths stand (on a
        # 784-wide input, each of a step's role changes looked at every column again).
        same_numbers = (
            old is not None
            and _same(old.value, state.value)
            and _same(old.sizing, state.sizing)
            and (old.rows, old.cols, old.col_clones, old.row_clones, old.digits)
            == (state.rows, state.cols, state.col_clones, state.row_clones, state.digits)
            and _marked(old) == _marked(state)
        )
        if (
            same_numbers
            and old is not None
            and old.differs is state.differs
            and (old.role, old.note, old.mark_row, old.mark_col)
            == (state.role, state.note, state.mark_row, state.mark_col)
        ):
            return  # nothing to redraw: the common case for most matrices on each step
        self.state = state
        if not same_numbers:
            self._number_columns(state)
        if old is None or old.role != state.role:
            # One class swap, so one restyle: each restyle costs about a millisecond.
            self.set_classes(f"-{state.role}")
            self._fit_title()
        self._size_to_text()
        if state.mark_col is not None and (old is None or old.mark_col != state.mark_col):
            # The operand's column that makes the selected cell, brought into view: at 80x24 the
            # ▼ column of W^1 stayed out of sight, right of "j=0–1 of 3" (a tester's finding).
            self.call_after_refresh(self._scroll_to_column, state.mark_col)
        self._lines.clear()
        self.refresh()

    def _size_to_text(self) -> None:
        assert self.state is not None
        grid = self._label_w + self.state.cols * (self._cell_w + CELL_GAP)
        self._note_lines = self._wrap_note(self.state.note, max(grid, len(self.short_caption) + 6))
        size = Size(grid, self._line_count() - self._skip)
        if size != self.virtual_size:
            self.virtual_size = size  # a new layout, but only when the shape of the text changes

    def header_in_border(self, merged: bool) -> bool:
        """Draw the column headers in the top border, over their columns, with the title shortened
        to its symbol before them ("╔═ W^1 ═══ j=0 C1 ══ j=1 C1╗"), or on their own line under it:
        a line saved where the step view is a line or two short for its step at 80x24
        (StepPane.fit_headers). Left out instead, the C1 marks that say which columns are clones
        went with them, at the update steps where "still clones" matters. False for a matrix
        with nothing to show yet (nothing changes then). Where the title's symbol is longer than
        the room before the first header (da^1/dn^1 over narrow columns), the row labels are made
        wider for it: the box is a few columns wider, never a line taller."""
        if merged and self.state is None:
            return False
        skip = 1 if merged else 0
        if skip == self._skip:
            return True
        self._skip = skip
        self._label_w -= self._label_pad
        self._label_pad = 0
        if merged:
            self._pad_labels_for_title()
        if self.state is not None:
            self._size_to_text()
        self._lines.clear()
        self._fit_title()
        self.refresh()
        return True

    @property
    def header_merged(self) -> bool:
        return self._skip == 1

    def fold_rule(self, folded: bool) -> None:
        """Leave out the rule under a weight matrix's bias row (its row label "b" still says which
        row is the bias), or draw it again: the line that puts an update's three weight matrices
        in the step view where even their headers in their borders leave them one line too tall
        (side by side at 80x24, the seed's step 22: the old W^2 was left out, 3 lines blank)."""
        if folded == self._rule_folded:
            return
        self._rule_folded = folded
        if self.state is not None:
            self._size_to_text()
        self._lines.clear()
        self.refresh()

    @property
    def _has_rule(self) -> bool:
        return self.is_weights and self.state is not None and self.state.rows > 1 and not self._rule_folded

    def _pad_labels_for_title(self) -> None:
        """Row labels wide enough for the title's symbol to fit before the first header."""
        self._label_pad = max(0, len(self.short_caption) - self._title_room_merged())
        self._label_w += self._label_pad

    def _title_room_merged(self) -> int:
        """How long the title can be with the headers in the top border: it starts at x=3, after
        the corner, a rule and a space, and is followed by a space and at least one rule before
        the space that leads the first header in view."""
        assert self.state is not None
        first = self._visible_columns()[0] if self.size.width else 0
        label, _ = self._headers[first]
        w = self._cell_w - self._mark_w
        if first == self.state.mark_col:
            start = CELL_GAP + w - len(label) - 1 if len(label) < w else CELL_GAP - 1  # the ▼
        else:
            start = CELL_GAP + w - len(label)
        x = self.styles.gutter.left + self._label_w + start  # the first header's first character
        return x - 6

    def _border_with_headers(self, border: Strip) -> Strip:
        """The top border (``border``, the whole line) with the header line's labels drawn over
        it, each column's where it is on its own line, with a space on either side (none after
        the last: the corner)."""
        header = self._draw_line(0)  # as it is drawn on its own line: the cursor's, ▼, colours
        text = header.text
        left = self.styles.gutter.left
        pitch = self._cell_w + CELL_GAP
        width = border.cell_length
        first, last = self._visible_columns()
        for index in range(last - first + 1):
            x0 = self._label_w + index * pitch
            cell = text[x0 : x0 + pitch]
            body = cell.strip(" ")
            if not body:
                continue
            start = x0 + max(0, cell.index(body) - 1)  # with the space before it
            end = x0 + len(cell.rstrip(" "))
            if left + end > width - 1:  # never over the corner
                break
            end += 1 if left + end < width - 1 else 0  # and the one after it
            border = Strip.join(
                [border.crop(0, left + start), header.crop(start, end), border.crop(left + end, width)]
            )
        return border

    def _number_columns(self, state: MatrixState) -> None:
        """The groups of equal columns (and their letters), the headers and the widths."""
        self._groups = (
            equal_column_groups(state.value)
            if state.value is not None and state.rows > 1
            else [None] * state.cols
        )
        # Letters for columns equal now but not clones: the clones are labelled as such.
        self._observed = equal_now_groups(self._groups, state.col_clones)
        self._headers = [self.col_label(c) for c in range(state.cols)]
        self._label_w = self._widest_label(state.rows, state.row_clones) + 1
        self._mark_w = 1 if _marked(state) else 0
        self._cell_w = self._mark_w + max(
            self._number_width(state.sizing, state.digits), *(len(h) for h, _ in self._headers)
        )
        self._label_pad = 0
        if self._skip:  # the headers in the border: the room for the title, with these columns
            self._pad_labels_for_title()

    def _fit_title(self) -> None:
        """The caption whole, or shortened by design where the matrix is narrower than it: its
        words dropped first ("W^1  weights in" → "W^1"), never cut mid-word. The current step's
        matrix is marked by ▶ as well as its border, so it is told from the focused one (and from
        the step's inputs) without colour."""
        mark = "▶ " if self.state is not None and self.state.role == "current" else ""
        room = self.outer_size.width - 6  # the border's corners, rules and the spaces around the title
        if self._skip and self.state is not None:  # the column headers in the border, after it
            room = min(room, self._title_room_merged())
        shown = self.open_bottom and self._cursor_shown
        # The first that fits. "cursor" goes first; then a one-column matrix's ", j=0" (its only
        # column: "o=1, j=0" was as long as the whole room of its box, and such titles never said
        # where the cursor was; a tester on xor's output layer); then the caption's words, but
        # never the new weights' "updated" (short_caption: "▶ W^2 · cursor i=2, j=1" beside the
        # old W^2 read as either of them; a tester); the cursor's place last, and only then (its
        # cell is in reverse video, and the Why pane names it). Chosen for the matrix's longest
        # place, so the title keeps its form as the cursor moves: it had said "cursor" on the b
        # row and not on the i rows, "b, j=0" on one row and "i=2,j=0" on the next (a tester).
        tries = self._title_tries(self.cursor_places if shown else [])
        widest = self._title_tries(self.widest_places if shown else [])
        title = mark + self.short_caption
        if self.outer_size.width:
            if self.state is not None and self._overflows:
                # Which columns are in view, at the top as well: a tall matrix's position line is
                # rows below, out of sight (spiral's 200 observations), and nothing else said that
                # 9 of its 16 columns were to the right.
                window = self._column_window()
                tries = [(caption + window, more) for caption, more in tries] + tries
                widest = [(caption + window, more) for caption, more in widest] + widest
            # A place on every cell, in one form; where the longest fits in none, the place where
            # it fits (the b row's), rather than on no row at all.
            fits = [i for i, (c, t) in enumerate(widest) if t and len(mark + c + t) <= room]
            fits += [i for i, (c, t) in enumerate(tries) if len(mark + c + t) <= room]
            if fits:
                title = mark + "".join(tries[fits[0]])
        else:
            title = mark + self.caption + (f" · cursor {self.cursor_place}" if shown else "")
        if title != self.border_title:
            self.border_title = title

    def on_resize(self) -> None:
        self._fit_title()
        if self.border_subtitle:
            self._show_cursor_place()

    @property
    def symbol(self) -> str:
        """The caption's symbol alone ("W^1", "δ^2")."""
        return self.caption.split("  ")[0].split(" = ")[0]

    @property
    def short_caption(self) -> str:
        """The caption without its words: the symbol ("W^1", "δ^2"). The updated weights keep the
        word that tells them from the weights they replace, beside them: both read "W^2" at 80x24."""
        symbol = self.symbol
        return f"{symbol} updated" if self.ref.quantity == Q.WEIGHTS_AFTER else symbol

    @property
    def content_width(self) -> int:
        """Labels and columns as wide as their widest number, and never too narrow for the shortest
        title ("▶ da^2/dn^2") to read whole."""
        return max(self.virtual_size.width, len(self.short_caption) + 6)

    @property
    def box_width(self) -> int:
        return self.content_width + 2  # with its border

    def columns_for(self, box: int) -> int:
        """How many of its columns a box ``box`` wide shows (at least one)."""
        if self.state is None:
            return 0
        room = box - self.styles.gutter.width - self._label_w
        return min(self.state.cols, max(1, room // (self._cell_w + CELL_GAP)))

    def box_width_for(self, columns: int) -> int:
        """The box's width to show ``columns`` of its columns and no more (all of them: box_width),
        never narrower than its shortest title."""
        if self.state is None or columns >= self.state.cols:
            return self.box_width
        grid = self._label_w + max(1, columns) * (self._cell_w + CELL_GAP)
        return max(grid, len(self.short_caption) + 6) + self.styles.gutter.width

    def get_content_width(self, container: Size, viewport: Size) -> int:
        # Sized to its content, not stretched.
        return self.content_width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Every line, plus one for where the columns in view are when they do not all fit.
        return self.virtual_size.height + (1 if self.virtual_size.width > width else 0)

    @property
    def _overflows(self) -> bool:
        return self.virtual_size.width > self._view_width

    @property
    def _view_width(self) -> int:
        """The width the grid is drawn in: looked up once per drawing, not once per line (each
        look walks up to the screen and asks its compositor: a tenth of a matrix's drawing)."""
        if self._drawing_width is not None:
            return self._drawing_width
        return self.scrollable_content_region.width

    @staticmethod
    def _number_width(value: np.ndarray | None, digits: int = SIG_DIGITS) -> int:
        """The widest formatted number: always one of each sign's extremes (the largest, and the
        nearest zero, whose leading zeros make it long), so no need to format them all. Not the
        smallest positive made negative: a column a character wider than any of its numbers put
        n^1 under W^0 at 80x24 after s, beside a^0 two blank lines (a tester's finding)."""
        if value is None or not value.size:
            return 1
        probes = [float(value.max()), float(value.min()), float(np.abs(value).min())]
        positive, negative = value[value > 0], value[value < 0]
        if positive.size:
            probes.append(float(positive.min()))
        if negative.size:
            probes.append(float(negative.max()))
        return max(len(format_number(x, digits)) for x in probes)

    def _line_count(self) -> int:
        state = self.state
        if state is None:
            return 0
        return 1 + state.rows + int(self._has_rule) + len(self._note_lines)

    @staticmethod
    def _wrap_note(note: str, width: int) -> list[str]:
        """The note on as many lines as the box's width needs: one line, cut at the border, read
        "≠ yours: shape 2×4, expected" in a two-column box (a tester's finding). A shape stays whole
        with its word ("expected 4×2"), and the box keeps the width of its numbers."""
        if not note:
            return []
        return wrap_kept(kept_whole(note, r"\w+ \d+×\d+"), max(1, width), break_long_words=True) or [""]

    def _widest_label(self, rows: int, row_clones: tuple[int | None, ...]) -> int:
        """The widest row label: the last row's, or a clone's (found once per shape and clones, not
        by labelling all 785 rows of a weight matrix on every step)."""
        key = (rows, row_clones)
        if self._label_for[0] != key:
            self._label_for = (key, max(len(self.row_label(r)) for r in range(rows)))
        return self._label_for[1]

    def row_label(self, r: int) -> str:
        label = row_name(self.ref.quantity, r)
        if self.is_weights and r > 0:
            clones = self.state.row_clones if self.state else ()
            g = clones[r] if r < len(clones) else None
            label += f" {clone_mark(g)}" if g is not None else ""
        return label

    def col_label(self, c: int) -> tuple[str, int | str | None]:
        """The header of column ``c``, and its clone group (or "observed" for =a, =b, …)."""
        clones = self.state.col_clones if self.state else ()
        g = clones[c] if c < len(clones) else None
        if g is not None:
            return f"j={c} {clone_mark(g)}", g
        seen = self._observed[c] if c < len(self._observed) else None
        if seen is not None:
            return f"j={c} ={EQUAL_NOW_MARKS[seen % len(EQUAL_NOW_MARKS)]}", "observed"
        return f"j={c}", None

    def _label_style(self, kind: int | str | None, base: Style) -> Style:
        """Labels are in the text colour (never dimmed: they must read at 4.5:1); clones in their
        group's colour, made readable on this background."""
        if isinstance(kind, int):
            return base + clone_style(kind, base, self._dark)
        if kind == "observed":
            return base + Style(italic=True)
        return base

    # --- where things are ----------------------------------------------------------------------
    def row_at_line(self, line: int) -> int | None:
        """The matrix row drawn on ``line``: the header is line 0, and a weight matrix's bias row
        is followed by a rule line."""
        assert self.state is not None
        row: int | None = line - 1
        if self._has_rule and line >= 2:
            row = None if line == 2 else line - 2
        return row if row is not None and 0 <= row < self.state.rows else None

    def line_of_row(self, row: int) -> int:
        return 1 + row + (1 if self._has_rule and row >= 1 else 0)

    def _column_x(self, col: int) -> int:
        """Where column ``col``'s cell starts, in the scrolled (virtual) coordinates."""
        return self._label_w + col * (self._cell_w + CELL_GAP) + CELL_GAP

    # --- drawing -------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line depends on besides the state (which clears the cache when it changes),
        # looked at once per drawing rather than once per line.
        width = self.scrollable_content_region.width
        if self._restyled:
            # Once per drawing, not per line: it walks the DOM.
            self._restyled = False
            self._base, self._dark = self.rich_style, self.app.current_theme.dark
        key = (int(self.scroll_offset.x), width, self._cursor_drawn, self._base, self._dark)
        if key != self._drawn_for:
            self._lines.clear()
            self._drawn_for = key
        self._drawing_width = width
        try:
            strips = super().render_lines(crop)
            if self._skip and crop.y == 0 and strips and self.state is not None:
                whole = super().render_lines(Region(0, 0, self.outer_size.width, 1))[0]
                strips[0] = self._border_with_headers(whole).crop(crop.x, crop.right)
            return strips
        finally:
            self._drawing_width = None

    @property
    def _cursor_drawn(self) -> bool:
        """Whether the cursor's cell (and its column's header) is highlighted."""
        return self.has_focus or self._explained

    def explain(self, explained: bool) -> None:
        """The Why pane explains this matrix's cursor cell (or no longer does)."""
        if explained != self._explained:
            self._explained = explained
            self.refresh()  # the lines are drawn again: render_lines sees the new key

    def render_line(self, y: int) -> Strip:
        line = self._lines.get(y)
        if line is None:
            line = self._lines[y] = self._draw_line(y + self._skip)
        return line

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """A matrix out of sight (scrolled out of its pane, or shown only after the layout now
        pending) is drawn afresh when it comes into view, not now. Asking the screen to repaint it
        is worse than useless: Textual takes a widget it does not see on screen for a new one and
        arranges the whole screen again, which a step did on about half its repaints (matrices are
        kept current in every pane, and change role, whether in view or not)."""
        if repaint and not (regions or layout or recompose) and self._out_of_sight():
            self._styles_cache.clear()  # its lines are drawn again when it is next in view
            self._layout_cache.clear()
            self._rich_style_cache.clear()
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _out_of_sight(self) -> bool:
        """Not on screen in the compositor's last arrangement (and that arrangement is current)."""
        if not self._is_mounted or self._closing:
            return False
        try:
            seen = on_screen_now(self.screen)
        except Exception:  # no screen (being mounted or removed): Textual's own refresh decides
            return False
        return seen is not None and self not in seen

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # A new role, theme or colour: the lines are drawn again if their colours changed
        # (render_lines looks). Most roles differ by the border alone: an operand that becomes a
        # done matrix keeps its lines.
        self._restyled = True

    def _draw_line(self, y: int) -> Strip:
        state = self.state
        width = self._view_width
        if state is None or width <= 0:
            return Strip.blank(max(width, 0))
        base = self._base
        if y >= self._line_count():
            return (
                self._position_line(width, base)
                if self._overflows and y == self._line_count()
                else Strip.blank(width, base)
            )
        # Whole columns only: a number is shown entirely or not at all (the position line under the
        # grid says which columns are in view). The row labels stay at the left edge.
        first, last = self._visible_columns()
        fixed, moving = self._line(y, first, last + 1, base)
        if self._is_rule(y):  # the rule under the bias row, to the border: a title wider than the
            # numbers left it short ("║──────────────    ║"; a tester's finding)
            moving = [Segment("─" * max(0, width - self._label_w), fixed[0].style)]
        # One strip a line, padded or cut to the width: a strip per part, joined and cut again, was
        # most of what drawing a matrix cost (a step draws several afresh).
        segments = [*fixed, *moving]
        length = sum(cell_len(segment.text) for segment in segments)
        if length < width:
            segments.append(Segment(" " * (width - length), base))
        elif length > width:
            return Strip(segments, length).crop(0, width)
        return Strip(segments, width)

    def _line(self, y: int, first: int, last: int, base: Style) -> tuple[list[Segment], list[Segment]]:
        """Line ``y`` as its fixed part (row label, or the note) and its part that scrolls sideways
        (columns ``first`` to ``last`` - 1). The screen and :meth:`text` both draw from this."""
        state = self.state
        assert state is not None
        note_at = y - (self._line_count() - len(self._note_lines))
        if note_at >= 0:
            return [Segment(self._note_lines[note_at], base + Style(italic=True))], []
        if self._is_rule(y):  # the rule under the bias row
            rule = base + Style(dim=True)
            pitch = self._cell_w + CELL_GAP
            return [Segment("─" * self._label_w, rule)], [Segment("─" * ((last - first) * pitch), rule)]
        row = None if y == 0 else self.row_at_line(y)
        if row is None:
            label = Segment(" " * self._label_w, base)
        else:
            g = state.row_clones[row] if row < len(state.row_clones) else None
            style = self._label_style(g, base)
            text = self.row_label(row).ljust(self._label_w)
            if row == state.mark_row:  # the label has a spare last character: the ▶ goes there
                text, style = text[:-1] + "▶", style + MARKED
            label = Segment(text, style)
        return [label], [seg for c in range(first, last) for seg in self._cell(row, c, base)]

    def _is_rule(self, y: int) -> bool:
        return self._has_rule and y == 2

    def _columns_that_fit(self) -> int:
        room = self._view_width - self._label_w
        return max(1, room // (self._cell_w + CELL_GAP))

    def _visible_columns(self) -> tuple[int, int]:
        """The first and last column wholly in view."""
        assert self.state is not None
        pitch = self._cell_w + CELL_GAP
        first = min(-(-int(self.scroll_offset.x) // pitch), max(0, self.state.cols - 1))
        return first, min(first + self._columns_that_fit(), self.state.cols) - 1

    @property
    def columns_in_view(self) -> tuple[int, int] | None:
        """The first and last column wholly in view, once the matrix has a value and a width."""
        return self._visible_columns() if self.state is not None and self.size.width else None

    def _column_window(self) -> str:
        """· j=7–13 of 16 ▸: the columns in view, for the title (◂ ▸ where there are more)."""
        assert self.state is not None
        first, last = self._visible_columns()
        left = "◂ " if first > 0 else ""
        right = " ▸" if last < self.state.cols - 1 else ""
        return f" · {left}{_columns_named(first, last)} of {self.state.cols}{right}"

    def _position_line(self, width: int, base: Style) -> Strip:
        """◂ j=3–5 of 128 ▸: which columns are in view; the arrows are bright where there are more."""
        assert self.state is not None
        first, last = self._visible_columns()
        more_left, more_right = first > 0, last < self.state.cols - 1
        dim, bright = base + Style(dim=True), base + Style(bold=True)
        shown = f"{_columns_named(first, last)} of {self.state.cols} columns"
        if len(shown) + 4 > width:  # a box squeezed to one column (side by side at 80x24): no cut word
            shown = shown.removesuffix(" columns")
        return Strip(
            [
                Segment("◂ ", bright if more_left else dim),
                Segment(shown, base + Style(italic=True)),
                Segment(" ▸", bright if more_right else dim),
            ]
        ).crop_extend(0, width, base)

    def _cell(self, row: int | None, c: int, base: Style) -> list[Segment]:
        """The gap before column ``c`` and its cell on ``row`` (None: the header)."""
        state = self.state
        assert state is not None
        w = self._cell_w - self._mark_w  # the number's, or the header's, width
        after = " " * self._mark_w  # where a differing cell's ≠ goes
        if row is None:
            label, kind = self._headers[c]
            header = self._label_style(kind, base)
            if self._cursor_drawn and c == self.cursor[1]:
                header += Style(reverse=True)  # the cursor's column, highlighted in the header
            if c == state.mark_col:
                if len(label) < w:  # right against its label: in the gap, it read as the left column's
                    return [
                        Segment(" " * CELL_GAP, base),
                        Segment(("▼" + label).rjust(w), header + MARKED),
                        Segment(after, base),
                    ]
                return [
                    Segment(" " * (CELL_GAP - 1) + "▼", base + MARKED),
                    Segment(label.rjust(w), header + MARKED),
                    Segment(after, base),
                ]
            return [Segment(" " * CELL_GAP + label.rjust(w) + after, header)]
        value = state.value
        wrong = state.differs is not None and bool(state.differs[row, c])
        if value is None:
            text, style = "·", Style(dim=True)
        else:
            text, style = format_number(float(value[row, c]), state.digits), Style()
            group = state.col_clones[c] if state.col_clones else None
            if group is not None:
                style = clone_style(group, base, self._dark, bold=False)
        if row == state.mark_row or c == state.mark_col:
            style += MARKED
        if wrong:
            style = WRONG_CELL
        if self._cursor_drawn and (row, c) == self.cursor:
            style = Style(reverse=True)
        # A cell that differs from the learner's numbers is marked ≠ right after it. (In the gap
        # before it, "0.9705753≠0.9705753" read as an inequality between two cells; a tester.)
        gap = Segment(" " * CELL_GAP, base)
        if wrong:
            return [gap, Segment(text.rjust(w), base + style), Segment("≠", base + WRONG_MARK)]
        cell = Segment(text.rjust(w), base + style)
        return [gap, cell, Segment(after, base)] if after else [gap, cell]

    def text(self) -> str:
        """The whole matrix as plain text, every row and column (what the screen shows in parts)."""
        if self.state is None:
            return ""
        lines = []
        for y in range(self._line_count()):
            fixed, moving = self._line(y, 0, self.state.cols, Style())
            lines.append("".join(seg.text for seg in (*fixed, *moving)).rstrip())
        return "\n".join(lines)

    # --- the cursor ----------------------------------------------------------------------------
    def on_focus(self) -> None:
        # Its cursor's column in view: another matrix may have scrolled this one (columns_with).
        if self.state is not None:
            self._scroll_to_column(self.cursor[1])
        self._announce()
        self._show_cursor_place(focused=True)  # has_focus turns True after this handler
        self.refresh()

    def on_blur(self) -> None:
        self.border_subtitle = ""
        if self.open_bottom:
            self._cursor_shown = False
            self._fit_title()
        self.refresh()

    @property
    def cursor_place(self) -> str:
        """The cursor's cell as the labels name it: "o=1, j=0", "b, j=2", "i=0, j=1"."""
        return self.cursor_places[0]

    @property
    def cursor_places(self) -> list[str]:
        """The cursor's place, then shorter ways to say it where they say as much: a matrix of one
        column names the row alone ("o=1": j=0 is all there is); last, without its space: at 80x24
        the new W^2's box had room for "▶ W^2 updated · i=2,j=1", not for "i=2, j=1", and its i
        rows' titles said nowhere where the cursor was."""
        return self._places(*self.cursor)

    @property
    def widest_places(self) -> list[str]:
        """The places of the cell whose labels are longest (the last row and column), by which the
        title and the words under the matrix choose how to say the cursor's place."""
        if self.state is None:
            return self.cursor_places
        return self._places(self.state.rows - 1, self.state.cols - 1)

    def _places(self, row: int, col: int) -> list[str]:
        where = row_name(self.ref.quantity, row)
        places = [f"{where}, j={col}"]
        if self.state is not None and self.state.cols == 1:
            places.append(where)
        return [*places, places[-1].replace(", ", ",")]

    def _title_tries(self, places: list[str]) -> list[tuple[str, str]]:
        """The title's captions and what follows them, as _fit_title tries them in turn."""
        tries = []
        if places:
            *spaced, close = places
            tries += [(self.caption, f" · cursor {places[0]}")]
            tries += [(self.caption, f" · {place}") for place in spaced]
            tries += [(self.short_caption, f" · cursor {places[0]}")]
            tries += [(self.short_caption, f" · {place}") for place in spaced]
            tries += [(self.caption, f" · {close}"), (self.short_caption, f" · {close}")]
        return [*tries, (self.caption, ""), (self.short_caption, "")]

    def land_on(self, row: int, col: int) -> None:
        """The cursor on cell (row, col) as the keyboard arrives here (Tab), with its row in view:
        after the refresh, once the pane has scrolled this matrix into view for the focus."""
        if self.state is None:
            return
        self.cursor = (min(row, self.state.rows - 1), min(col, self.state.cols - 1))
        self.call_after_refresh(self._scroll_to_row, self.cursor[0])

    def _show_cursor_place(self, focused: bool = False) -> None:
        """Keyboard focus is told by words under the matrix (or, open at the bottom, in its title),
        not by the border's colour alone."""
        if self.state is None or not (focused or self.has_focus):
            return
        if self.open_bottom:
            self._cursor_shown = True
            self._fit_title()
        else:
            # Whole: "cursor" goes first where the box is narrower (it read "cursor b, j…"; a tester),
            # then a one-column matrix's j=0, as in the title (_fit_title).
            # Chosen for the longest place, as the title is: it keeps its form as the cursor moves.
            places, widest = self.cursor_places, self.widest_places
            tries = [f"cursor {places[0]}", *places]
            room = self.outer_size.width - 6  # the corners, rules and spaces around the subtitle
            fits = [i for i, t in enumerate([f"cursor {widest[0]}", *widest]) if len(t) <= room]
            fits += [i for i, t in enumerate(tries) if len(t) <= room]  # else as this one fits
            if not self.outer_size.width:  # not laid out yet: whole
                fits = [0]
            self.border_subtitle = tries[fits[0]] if fits else tries[-1]

    def action_move(self, dr: int, dc: int) -> None:
        if self.state is None:
            return
        r, c = self.cursor
        self.cursor = (min(max(r + dr, 0), self.state.rows - 1), min(max(c + dc, 0), self.state.cols - 1))
        if dr:  # moved by the keyboard: the pane follows (a step placing the cursor scrolls its own way)
            self._scroll_to_row(self.cursor[0])

    def action_move_to_row(self, row: int) -> None:
        if self.state is not None:
            self.cursor = (row % self.state.rows, self.cursor[1])
            self._scroll_to_row(self.cursor[0])

    def action_page(self, direction: int) -> None:
        pane = self.parent
        rows = pane.scrollable_content_region.height if isinstance(pane, Widget) else 0
        self.action_move(direction * max(1, rows - 3), 0)  # less the header and the border

    def _scroll_to_row(self, row: int) -> None:
        """Keep the cursor's row in view, in the pane around the matrix."""
        pane = self.parent
        if not isinstance(pane, Widget) or not pane.is_scrollable or not self.region:
            return
        top = self.virtual_region.y + self.styles.gutter.top  # the border's line above the grid
        line = top + self.line_of_row(row) - self._skip
        if line - self.virtual_region.y < pane.scrollable_content_region.height:
            # Near the top: the title and the column headers too (Home came back to o=0 with
            # them out of sight above; a tester's finding).
            region = Region(self.virtual_region.x, self.virtual_region.y, 1, line - self.virtual_region.y + 1)
        else:
            region = Region(self.virtual_region.x, line, 1, 1)
        pane.scroll_to_region(region, animate=False, immediate=True, force=True)

    def watch_cursor(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        # Only the lines the cursor left and reached, and the header that highlights its column,
        # are drawn again: never the whole matrix.
        width = self.size.width
        for line in {0, self.line_of_row(old[0]), self.line_of_row(new[0])}:
            shown = line - self._skip
            if shown >= 0:  # (not the header, where it is not drawn)
                self._lines.pop(shown, None)
                self.refresh(Region(0, shown, width, 1))
        if self._skip and old[1] != new[1]:
            self.refresh()  # the header that highlights the cursor's column is in the top border
        self._scroll_to_column(new[1])
        self._show_cursor_place()
        self._announce()

    def show_column(self, col: int) -> None:
        """Column ``col`` brought into view, once the matrix is placed (its width may be changing)."""
        self.call_after_refresh(self._scroll_to_column, col)

    def _scroll_to_column(self, col: int) -> None:
        """Keep the cursor's column in view, sideways, scrolling by whole columns."""
        if self.state is None:
            return
        first, last = self._visible_columns()
        if col < first:
            self._scroll_to_first(col)
        elif col > last:
            self._scroll_to_first(col - self._columns_that_fit() + 1)

    def _scroll_to_first(self, first: int) -> None:
        assert self.state is not None
        first = min(max(0, first), max(0, self.state.cols - self._columns_that_fit()))
        self.scroll_to(x=first * (self._cell_w + CELL_GAP), animate=False, force=True, immediate=True)

    def watch_scroll_x(self, old: float, new: float) -> None:
        super().watch_scroll_x(old, new)
        self.refresh()  # the position line and every row show other columns now
        self._fit_title()  # and so does the title
        shown = self.columns_in_view if self.columns_with and not self._following else None
        if shown is not None:
            for other in self.columns_with:
                other.show_columns(*shown)

    def show_columns(self, first: int, last: int) -> None:
        """Columns ``first`` to ``last`` in view, those of a matrix whose columns run over the same
        index (columns_with): all of them where as many fit, else as many as fit from ``first``. At
        80x24 dC/da^1 = δ^2 · W^1ᵀ showed δ^2's j=1–2 beside W^1's j=0–1, terms of its sum that
        cannot be lined up (a tester's finding)."""
        if self.state is None or not self.size.width:
            return
        self._following = True
        try:
            self._scroll_to_first(first)  # (moved left where it shows more: the last ones in view)
        finally:
            self._following = False

    def on_mouse_down(self, event: events.MouseDown) -> None:
        # The cell under the pointer as it is pressed: the focus the press gives this matrix can
        # change the step view before the click arrives (the Why pane's lead is now this cell's,
        # and δ^2 got its column headers back at 80x24 step 16), and the click then fell a row off.
        self._pressed = self._cell_at(event.get_content_offset(self))

    def on_click(self, event: events.Click) -> None:
        # Where in the grid: the event's offset counts the border too (a click on o=0 chose o=1,
        # and one on the last row nothing).
        offset = event.get_content_offset(self)
        if self.state is None or offset is None:
            return
        if self._overflows and offset.y + self._skip == self._line_count():
            # The position line: its left half pages left, its right half right, by whole columns.
            page = self._columns_that_fit()
            first, _ = self._visible_columns()
            self._scroll_to_first(first - page if offset.x < self.size.width // 2 else first + page)
            return
        cell, self._pressed = self._pressed or self._cell_at(offset), None
        if cell is not None:
            self.focus()
            self.cursor = cell

    def _cell_at(self, offset: Offset | None) -> tuple[int, int] | None:
        """The cell at ``offset`` in the content (the grid's lines less those not drawn), if any."""
        if self.state is None or offset is None or offset.x < self._label_w:
            return None
        row = self.row_at_line(offset.y + self._skip)
        col = (int(self.scroll_offset.x) + offset.x - self._label_w) // (self._cell_w + CELL_GAP)
        return (row, col) if row is not None and 0 <= col < self.state.cols else None

    def _announce(self) -> None:
        if self.state is not None:
            self.post_message(self.CellSelected(self, *self.cursor))


def box_size(view: MatrixView, room: int) -> tuple[int, int]:
    """The matrix's width and height with its border, in ``room`` columns at most (narrower, it
    shows the columns that fit and a line saying which)."""
    gutter = view.styles.gutter
    width = min(view.box_width, room)
    inner = max(1, width - gutter.width)
    height = view.get_content_height(Size(room, 0), Size(room, 0), inner) + gutter.height
    return width, height


class MatrixLayout(Layout):
    """A pane's matrices placed where :meth:`places` says, each at its boxed size (Textual's own
    layouts put a widget in the next cell, whatever it is). The step view and the layer panes
    differ only in where."""

    def arrange(
        self, parent: Widget, children: list[Widget], size: Size, greedy: bool = True
    ) -> ArrangeResult:
        parent.pre_layout(self)
        views = [child for child in children if isinstance(child, MatrixView)]
        return [
            WidgetPlacement(Region(x, y, *box), NULL_OFFSET, NULL_SPACING, view)
            for view, x, y, box in self.places(parent, views, size.width)
        ]

    def places(
        self, parent: Widget, views: list[MatrixView], width: int
    ) -> Iterable[tuple[MatrixView, int, int, tuple[int, int]]]:
        """Each matrix, where its box's top left corner goes, and the box's width and height."""
        raise NotImplementedError


def _columns_named(first: int, last: int) -> str:
    """j=3–5, or j=2 for one column (it read "j=2–2 of 3" at 80x24; a tester's finding)."""
    return f"j={first}" if first == last else f"j={first}–{last}"
