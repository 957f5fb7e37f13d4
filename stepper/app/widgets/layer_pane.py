"""Everything that belongs to one layer l: W^{l-1} coming in, n^l, a^l, the backward quantities,
the gradient of W^{l-1} and its update."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.layout import Layout
from textual.widget import Widget

from stepper.app.widgets.matrix import MatrixLayout, MatrixView, box_size
from stepper.app.widgets.sized import LaidOutOnce
from stepper.engine.network import Network
from stepper.engine.quantities import PREVIOUS_STATE, Q, Quantity
from stepper.engine.steps import Ref, update_steps
from stepper.formatting import counted


def pane_refs(net: Network, layer: int) -> list[tuple[Ref, str]]:
    """The matrices of layer ``layer``'s pane, in the order an iteration computes them."""
    l = layer
    refs: list[tuple[Ref, str]] = []
    if l == 1:
        refs.append((Ref(Q.A, 0), "a^0  input"))
    refs += [
        (Ref(Q.WEIGHTS, l - 1), f"W^{l - 1}  weights in"),
        (Ref(Q.N, l), f"n^{l}  pre-activation"),
        (Ref(Q.A, l), f"a^{l}  {net.activation(l).name}"),
    ]
    if l == net.depth:
        refs.append((Ref(Q.TARGETS, l), "y  targets"))
    refs += [
        (Ref(Q.DC_DA, l), f"dC/da^{l}"),
        (Ref(Q.DA_DN, l), f"da^{l}/dn^{l}"),
        (Ref(Q.DELTA, l), f"δ^{l} = dC/dn^{l}"),
        (Ref(Q.GRAD, l - 1), f"dC/dW^{l - 1}"),
    ]
    # The optimizer's terms (decay, state, ΔW), as the engine's update steps list them; plain sgd
    # has none, and shows ΔW beside the update that makes it.
    terms = [
        step["output"]
        for step in update_steps(net.optimizer, net.learning_rate, l - 1, "")
        if step["output"].quantity != Q.WEIGHTS_AFTER
    ]
    if not terms:
        refs.append((Ref(Q.CHANGE, l - 1), f"ΔW^{l - 1} = −η·dC/dW^{l - 1}"))
    before = {state: prev for prev, state in PREVIOUS_STATE.items()}
    for ref in terms:
        if ref.quantity in before:
            # The state the update starts from, beside the new one: m^0 ← β1·m^0 + … showed only
            # the new m^0, and the learner checking it had the old one nowhere but in the Why pane.
            prev = Ref(before[ref.quantity], ref.layer)
            refs.append((prev, prev.symbol))
        label = TERM_LABELS.get(ref.quantity, "")
        if ref.quantity == Q.V:
            label = "velocity" if net.optimizer.name == "momentum" else "2nd moment"
        refs.append((ref, f"{ref.symbol}  {label}".rstrip()))
    refs.append((Ref(Q.WEIGHTS_AFTER, l - 1), f"W^{l - 1}  updated"))
    return refs


# Short names for the optimizer's matrices, beside their symbols.
TERM_LABELS: dict[Quantity, str] = {
    Q.G: "gradient + λ·W",
    Q.DECAY: "decoupled decay",
    Q.S: "mean square",
    Q.M: "1st moment",
    Q.M_HAT: "m bias-corrected",
    Q.V_HAT: "v bias-corrected",
    Q.CHANGE: "step",
}


def grid_rows(views: Sequence[MatrixView], columns: int) -> list[list[MatrixView]]:
    """``views`` in rows of ``columns``, in order; but an optimizer's state before the update never
    ends a row when its new state comes next: it starts the next row, beside it (the learner
    compares them; ``v^0 (before)`` ended one row at 200x60 and ``v^0`` started the next)."""
    rows: list[list[MatrixView]] = []
    for view, after in zip(views, [*views[1:], None]):
        new = PREVIOUS_STATE.get(view.ref.quantity)
        pair = new is not None and after is not None and after.ref == Ref(new, view.ref.layer)
        if not rows or len(rows[-1]) >= columns - (1 if pair else 0):
            rows.append([])
        rows[-1].append(view)
    return rows


def row_height(row: Sequence[MatrixView]) -> int:
    """A grid row's height: its tallest matrix's, border included."""
    return max(v.virtual_size.height + 2 for v in row)


def column_widths(views: Sequence[MatrixView], columns: int) -> list[int]:
    """Each grid column's width, its widest matrix's box (as :func:`grid_rows` fills the columns)."""
    widths = [0] * columns
    for row in grid_rows(views, columns):
        for i, view in enumerate(row):
            widths[i] = max(widths[i], view.box_width)
    return widths


def columns_that_fit(views: Sequence[MatrixView], inner: int) -> int:
    """The most grid columns whose matrices show whole in ``inner`` columns: equal columns where
    the widest matrix fits each; else columns each as wide as their own widest matrix. Side by
    side at 200x60 the clones' half had one column (93 // 48) and 60 empty columns beside it."""
    widest = max((v.box_width for v in views), default=0)
    if not widest:
        return 1
    equal = max(1, min(len(views), inner // widest))
    for columns in range(len(views), equal, -1):
        if sum(column_widths(views, columns)) <= inner:
            return columns
    return equal


class PaneGrid(MatrixLayout):
    """A layer pane's matrices in ``pane.grid_columns`` columns, left-aligned in their cells, each
    row as tall as its tallest matrix, in rows as :func:`grid_rows` makes them (Textual's grid
    places a widget in the next cell whatever it is). The columns are equal where the widest
    matrix fits each; else each as wide as its own widest matrix, the spare room shared out."""

    name = "pane-grid"

    def places(
        self, parent: Widget, views: list[MatrixView], width: int
    ) -> Iterable[tuple[MatrixView, int, int, tuple[int, int]]]:
        columns = max(1, getattr(parent, "grid_columns", 1))
        # Where each column starts: as Textual divides a width into equal fractions.
        edges = [width * index // columns for index in range(columns + 1)]
        widths = column_widths(views, columns)
        if columns > 1 and max(widths) > width // columns and sum(widths) <= width:
            spare = width - sum(widths)
            edges = [0]
            for i, w in enumerate(widths):
                edges.append(edges[-1] + w + spare * (i + 1) // columns - spare * i // columns)
        y = 0
        for row in grid_rows(views, columns):
            boxes = [box_size(view, edges[i + 1] - edges[i]) for i, view in enumerate(row)]
            for i, (view, box) in enumerate(zip(row, boxes)):
                yield view, edges[i], y, box
            y += max(height for _, height in boxes)


class LayerPane(VerticalScroll, LaidOutOnce, can_focus=False):
    def __init__(self, net: Network, layer: int) -> None:
        super().__init__(id=f"layer-{layer}", classes="layer-pane")
        self.layer_index = layer
        self.kind = "output" if layer == net.depth else "hidden"
        self.size_ = net.layers[layer]
        self.show_width(self.size_)
        # Beside the other layers, a pane's share of the width follows how many columns its matrices
        # have (plus one for the row labels): a 3-neuron layer is not squeezed for a 2-neuron one.
        self.columns = max(net.layers[layer], net.layers[0] if layer == 1 else 0)
        # Enough for row labels and 9-character numbers, inside the pane's and matrices' borders.
        self.min_width = 4 + 10 * self.columns + 6
        self.views = [
            MatrixView(ref, title, id=f"m-{ref.quantity}-{ref.layer}-{layer}")
            for ref, title in pane_refs(net, layer)
        ]
        self.grid_columns = 2  # lay_out sets it for the pane's width
        self._grid = PaneGrid()
        # Shown by [ or ] (the walk view's pinned layer): the whole layer, nothing folded for the
        # step (the help calls it the layer's whole pane; at 80x24 it was folded all the same).
        self.whole = False

    @property
    def layout(self) -> Layout:
        return self._grid

    def show_width(self, distinct: int) -> None:
        """The title says how many neurons the layer has, and how many of them differ."""
        width = f"{self.size_} neuron{'s' if self.size_ != 1 else ''}"
        if distinct != self.size_:
            width += f", {distinct} distinct"
        kind = "Output layer" if self.kind == "output" else "Layer"
        self.border_title = f"{kind} {self.layer_index} · {width}"

    @staticmethod
    def in_step(view: MatrixView) -> bool:
        """Whether ``view`` takes part in the current step: its result or an operand."""
        return view.has_class("-current") or view.has_class("-input")

    def needed_width(self) -> int:
        """Columns to show every matrix whole: the widest, plus its border, the pane's border and
        scrollbar (never less than the pane's title needs)."""
        widest = max((v.box_width for v in self.views if v.state is not None), default=0)
        return max(widest, len(str(self.border_title)) + 4) + 3

    def matrix_needs(self) -> list[tuple[int, int]]:
        """For each matrix, the pane's width that shows it whole (its box, the pane's border and
        scrollbar), and how many matrices it is from the nearest of the current step's in this
        pane (the pane scrolls to those: the nearest are in view with them); as many as the pane
        has when none of the step's is here."""
        views = [v for v in self.views if v.state is not None]
        steps = [i for i, v in enumerate(views) if self.in_step(v)]
        far = [min((abs(i - j) for j in steps), default=len(views)) for i in range(len(views))]
        return [(v.box_width + 3, distance) for v, distance in zip(views, far, strict=True)]

    def step_needed_width(self) -> int:
        """Columns to show the current step's matrices in this pane whole (the others may scroll
        sideways); the whole pane's need when none of them is here."""
        part = [v.box_width for v in self.views if self.in_step(v)]
        return max(part) + 3 if part else self.needed_width()

    def lay_out(self, width: int) -> bool:
        """Lay the matrices out in a pane ``width`` columns wide, in as many grid columns as the widest
        matrix allows: every matrix shows all its columns wherever the pane is wide enough for it,
        and a wide screen's room is used, not left empty beside one column. (Not a matrix spanning
        two columns: the grid would place it in the second and cut it.) True if the layout changed."""
        inner = width - 3  # the pane's border and its scrollbar
        sizes = [v.box_width for v in self.views if v.state is not None]
        if not sizes or inner <= 0:
            return False
        columns = columns_that_fit([v for v in self.views if v.state is not None], inner)
        if self.grid_columns == columns:
            return False
        self.grid_columns = columns
        self.refresh(layout=True)
        return True

    def step_width(self, window: int) -> int:
        """The width that shows the current step's matrices in this pane two across, when one above
        the other they are taller than a ``window`` lines high (an update's four weight matrices);
        else 0."""
        part = [v for v in self.views if self.in_step(v)]
        if window <= 0 or len(part) < 2 or sum(v.virtual_size.height + 2 for v in part) <= window:
            return 0
        return 2 * max(v.box_width for v in part) + 3

    def step_fits(self, width: int, window: int) -> bool:
        """Whether the current step's matrices in this pane, laid out in as many grid columns as fit
        ``width``, are at most ``window`` lines high (folded together, as fold_for_step does)."""
        part = [v for v in self.views if self.in_step(v)]
        widest = max((v.box_width for v in self.views if v.state is not None), default=0)
        if window <= 0 or not part or not widest:
            return True
        columns = min(len(part), columns_that_fit([v for v in self.views if v.state is not None], width - 3))
        return sum(row_height(row) for row in grid_rows(part, columns)) <= window

    def folded_for(self, window: int) -> list[MatrixView]:
        """The matrices fold_for_step folds away in a window ``window`` lines high."""
        views = [v for v in self.views if v.state is not None]
        columns = self.grid_columns
        fold: list[MatrixView] = []
        if window > 0 and not self.whole and sum(self.in_step(v) for v in views) > 1:

            def fits() -> bool:
                return self._fits([v for v in views if v not in fold], columns, window)

            # The pane lists its matrices in the order the iteration computes them.
            for view in views:
                if fits():
                    break
                if not self.in_step(view):
                    fold.append(view)
            # Folding one moves every matrix after it a cell on in the grid: one folded early may
            # not be needed once later ones are.
            for view in reversed(fold[:-1]):
                fold.remove(view)
                if not fits():
                    fold.append(view)
        return fold

    def height_for(self, window: int) -> int:
        """The lines the pane's matrices take, folded for a window ``window`` lines high, its
        border included (with nothing to fold, every matrix: the whole pane)."""
        return self.height_without(self.folded_for(window))

    def height_without(self, fold: list[MatrixView]) -> int:
        """The lines the pane's matrices take with those in ``fold`` folded away, its border included."""
        views = [v for v in self.views if v.state is not None and v not in fold]
        return sum(row_height(row) for row in grid_rows(views, self.grid_columns)) + 2

    def fold_for_step(self, window: int | None = None) -> bool:
        """Fold away as few of the matrices that take no part in the current step as it takes for
        those between its first and last matrix in this pane to fit the window (an update's W^l is
        at the top of the pane, its gradient near the bottom), with no matrix above them cut at the
        window's top (see _fits); unfold them otherwise. The oldest fold first: those computed just
        before the step stay beside it (adam's last update showed its W^l, ΔW^l and W^l updated
        alone, m, v, m̂ and v̂ folded away with room to spare). True if the layout changed.
        ``window``: the pane's height inside its border, for a pane not laid out yet."""
        window = self.scrollable_content_region.height if window is None else window
        views = [v for v in self.views if v.state is not None]
        fold = self.folded_for(window)
        changed = False
        for view in views:
            if view.display == (view in fold):
                view.display = view not in fold
                changed = True
        if changed:
            # Said under the pane: the learner knows matrices are out of sight, and the key that
            # shows them (a tester read "6 matrices folded for this step" and found no way to see
            # them; the help says what folded means). No longer than those words: whole in a half.
            # (Content: "[" read as markup opens a tag.)
            folded = counted(len(fold), "matrix", "matrices")
            self.border_subtitle = Content(f"{folded} folded · [ unfolds") if fold else ""
        return changed

    @property
    def folded(self) -> bool:
        """Whether some of its matrices are folded away for the step (fold_for_step)."""
        return any(not v.display for v in self.views)

    def _fits(self, shown: list[MatrixView], columns: int, window: int) -> bool:
        """Whether, with the matrices ``shown`` in ``columns`` columns, the grid's rows from the
        current step's first matrix to its last fit ``window`` lines, each row as tall as its
        tallest matrix (an average over the columns took adam's update at 200x60, side by side, for
        one that fits: W^0 before it was scrolled away above W^0 after); and the pane, scrolled to
        put the first of them at its top (scroll_to_step), has its window start at a row's top.
        Below the step there may be too little to scroll that far: the scroll stops at the end,
        and a matrix above the step showed its last lines under no name (adam's dC/dW^1 at 200x60,
        at ΔW^1 of the second iteration)."""
        rows = grid_rows(shown, columns)
        part = [i for i, row in enumerate(rows) if any(self.in_step(v) for v in row)]
        if not part:
            return True
        tops = [0, *accumulate(row_height(row) for row in rows)]
        first, last = part[0], part[-1]
        if tops[last + 1] - tops[first] > window:
            return False
        end = tops[-1] - window  # the farthest the pane scrolls
        return end >= tops[first] or end <= 0 or end in tops

    def shows_whole(self, view: MatrixView) -> bool:
        """Whether all of ``view`` is inside the pane's scrolled window."""
        region = view.virtual_region_with_margin
        top = self.scroll_offset.y
        return top <= region.y and region.bottom <= top + self.scrollable_content_region.height

    def scroll_to_step(self) -> None:
        """Bring the current step's matrices in this pane into view: its result and its operands.

        When they do not all fit, the result whole and as many operands above it as fit. Scrolled to
        put the first of them at the top: the next steps' matrices come below, so the pane moves
        once per few steps instead of on every one. A pane that shows them all already stays put.
        """
        if not self.display:
            return
        current = [v.virtual_region_with_margin for v in self.views if v.has_class("-current")]
        inputs = [v.virtual_region_with_margin for v in self.views if v.has_class("-input")]
        if not current and not inputs:
            return
        height = self.scrollable_content_region.height
        everything = Region.from_union(current + inputs)
        top = self.scroll_offset.y
        # A matrix's title is its top line: the window starts at a row's top, where it can.
        tops = sorted({v.virtual_region_with_margin.y for v in self.views if v.display})
        if top <= everything.y and everything.bottom <= top + height and (top in tops or top <= 0):
            return  # all in view already
        if everything.height <= height or not current:
            y = everything.y
        else:
            result = current[-1]  # the step's own result
            y = result.y if result.height >= height else max(everything.y, result.bottom - height)
            # The operand cut there goes out of sight whole: no numbers under no name.
            y = min((t for t in tops if t >= y), default=y)
        self.scroll_to(y=y, animate=False, force=True, immediate=True)

    def compose(self) -> ComposeResult:
        yield from self.views
