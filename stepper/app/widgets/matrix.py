"""One matrix of the network, with its labels, state and a cell cursor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from stepper.engine.explain import equal_column_groups
from stepper.engine.steps import WEIGHT_SHAPED, Ref
from stepper.formatting import format_number

# Clone groups (permanent: equal weights in and out) are labelled C1, C2, ... and columns that are only
# equal in this iteration's values =a, =b, ...: a label always, never colour alone.
CLONE_STYLES = ("bold magenta", "bold cyan", "bold yellow", "bold green", "bold blue", "bold red")
OBSERVED_MARKS = "abcdefgh"
OBSERVED_STYLE = "italic"
CELL_GAP = 1


def clone_mark(group: int) -> str:
    return f"C{group + 1}"


def clone_style(group: int) -> str:
    return CLONE_STYLES[group % len(CLONE_STYLES)]


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


class MatrixView(Widget, can_focus=True):
    """A labelled grid of numbers. Equal columns share a letter and colour in the header."""

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Cell up", show=False),
        Binding("down", "move(1, 0)", "Cell down", show=False),
        Binding("left", "move(0, -1)", "Cell left", show=False),
        Binding("right", "move(0, 1)", "Cell right", show=False),
    ]

    cursor: reactive[tuple[int, int]] = reactive((0, 0))

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
        self.border_title = title
        self.state: MatrixState | None = None
        self._groups: list[int | None] = []  # groups of equal columns in the current values
        self._observed: list[int | None] = []  # their letter, for columns that are not clones
        self._col_x: list[tuple[int, int, int]] = []  # (start, end, column) of rendered cells

    @property
    def is_weights(self) -> bool:
        return self.ref.quantity in WEIGHT_SHAPED

    def show(self, state: MatrixState) -> None:
        old = self.state
        if (
            old is not None
            and old.value is state.value
            and old.differs is state.differs
            and (old.role, old.note, old.col_clones, old.row_clones)
            == (state.role, state.note, state.col_clones, state.row_clones)
        ):
            return  # nothing to redraw: the common case for most matrices on each step
        self.state = state
        self._groups = (
            equal_column_groups(state.value)
            if state.value is not None and state.rows > 1
            else [None] * state.cols
        )
        # Letters for columns equal now but not clones: the clones are labelled as such.
        clones = state.col_clones or (None,) * state.cols
        observed = sorted({g for g, c in zip(self._groups, clones) if g is not None and c is None})
        self._observed = [
            observed.index(g) if g is not None and c is None else None for g, c in zip(self._groups, clones)
        ]
        if old is None or old.role != state.role:
            # One class swap, so one restyle: each restyle costs about a millisecond.
            self.set_classes(f"-{state.role}")
        # The height only changes the first time (rows and note lines are fixed per matrix).
        self.refresh(layout=old is None or old.note != state.note)

    def row_label(self, r: int) -> str:
        if self.is_weights:
            if r == 0:
                return "b"
            clones = self.state.row_clones if self.state else ()
            g = clones[r] if r < len(clones) else None
            return f"i={r - 1}" + (f" {clone_mark(g)}" if g is not None else "")
        return f"o={r}"

    def col_label(self, c: int) -> tuple[str, str]:
        """The header of column ``c`` and its style."""
        clones = self.state.col_clones if self.state else ()
        g = clones[c] if c < len(clones) else None
        if g is not None:
            return f"j={c} {clone_mark(g)}", clone_style(g)
        seen = self._observed[c] if c < len(self._observed) else None
        if seen is not None:
            return f"j={c} ={OBSERVED_MARKS[seen % len(OBSERVED_MARKS)]}", OBSERVED_STYLE
        return f"j={c}", "dim"

    def _visible_cols(self, width: int, cell_w: int, label_w: int) -> list[int | None]:
        """The columns that fit, with None for a one-character "…" where the middle is left out."""
        cols = self.state.cols if self.state else 0
        room = width - label_w
        if cols * (cell_w + CELL_GAP) <= room:
            return list(range(cols))
        keep = max(1, (room - CELL_GAP - 1) // (cell_w + CELL_GAP))
        head = (keep + 1) // 2
        tail = keep - head
        return [*range(head), None, *range(cols - tail, cols)]

    def render(self) -> Text:
        state = self.state
        if state is None:
            return Text("")
        value = state.value
        label_w = max(len(self.row_label(r)) for r in range(state.rows)) + 1
        # Only the columns that fit are formatted: the widest number is one of the extremes.
        if value is not None and value.size:
            probes = [float(value.max()), float(value.min()), float(np.abs(value).min())]
            nonzero = np.abs(value[value != 0])
            if nonzero.size:
                probes.append(float(nonzero.min()) * (-1 if (value < 0).any() else 1))
            cell_w = max(len(format_number(x)) for x in probes)
        else:
            cell_w = 1
        headers = [self.col_label(c) for c in range(state.cols)]
        cell_w = max(cell_w, *(len(h) for h, _ in headers))
        visible = self._visible_cols(self.content_size.width or 80, cell_w, label_w)
        shown = [c for c in visible if c is not None]
        if value is not None:
            cells = {c: [format_number(float(x)) for x in value[:, c]] for c in shown}
        else:
            cells = {c: ["·"] * state.rows for c in shown}
        clones = state.col_clones or (None,) * state.cols
        out = Text(no_wrap=True, overflow="ellipsis")
        # Header: j=0 with the group letter of equal columns.
        out.append(" " * label_w)
        self._col_x = []
        x = label_w
        for c in visible:
            out.append(" " * CELL_GAP)
            x += CELL_GAP
            if c is None:
                out.append("…")
                x += 1 - cell_w
            else:
                label, style = headers[c]
                out.append(label.rjust(cell_w), style=style)
                self._col_x.append((x, x + cell_w, c))
            x += cell_w
        focused = self.has_focus
        for r in range(state.rows):
            out.append("\n")
            row_label = self.row_label(r)
            row_clones = state.row_clones
            g_row = row_clones[r] if r < len(row_clones) else None
            out.append(row_label.ljust(label_w), style=clone_style(g_row) if g_row is not None else "dim")
            for c in visible:
                # A cell that differs from the learner's numbers is marked ≠ in the gap before it.
                wrong = state.differs is not None and bool(state.differs[r, c]) if c is not None else False
                out.append("≠" if wrong else " " * CELL_GAP, style="bold red" if wrong else "")
                if c is None:
                    out.append("…", style="dim")
                    continue
                style = "dim" if value is None else ""
                if clones[c] is not None and value is not None:
                    style = clone_style(clones[c]).replace("bold ", "")
                if wrong:
                    style = "bold red reverse"
                if focused and (r, c) == self.cursor:
                    style = "reverse"
                out.append(cells[c][r].rjust(cell_w), style=style)
            if r == 0 and self.is_weights and state.rows > 1:
                out.append("\n" + "─" * (x), style="dim")
        if state.note:
            out.append("\n" + state.note, style="italic dim")
        return out

    def on_focus(self) -> None:
        self._announce()
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, dr: int, dc: int) -> None:
        if self.state is None:
            return
        r, c = self.cursor
        self.cursor = (min(max(r + dr, 0), self.state.rows - 1), min(max(c + dc, 0), self.state.cols - 1))

    def watch_cursor(self) -> None:
        self._announce()
        self.refresh()

    def on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.state is None:
            return
        row = self._row_at(event.y)
        for start, end, col in self._col_x:
            if start <= event.x < end and row is not None:
                self.focus()
                self.cursor = (row, col)
                return

    def _row_at(self, y: int) -> int | None:
        """The matrix row drawn on content line ``y``: the header is line 0, and a weight matrix's
        bias row is followed by a rule line."""
        assert self.state is not None
        row = y - 1
        if self.is_weights and self.state.rows > 1 and y >= 2:
            row = None if y == 2 else y - 2
        return row if row is not None and 0 <= row < self.state.rows else None

    def _announce(self) -> None:
        if self.state is not None:
            self.post_message(self.CellSelected(self, *self.cursor))
