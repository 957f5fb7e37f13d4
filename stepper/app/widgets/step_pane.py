"""The step view: below 120 columns, the current step's operands and its result, whatever layers
they belong to, packed together so they are in view at once.

One layer's pane at a time cannot do that at 80x24: n^2 = [1 | a^1] · W^1 takes a^1 from layer 1
and W^1 from layer 2, and a pane shows one matrix above the other. The step view holds a matrix of
its own for every quantity of the network and shows only the step's, stacked in columns by
:func:`~stepper.app.widgets.packing.pack` (``[`` and ``]`` still show whole layers).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region, Size, Spacing
from textual.layout import ArrangeResult, Layout
from textual.widget import Widget

from stepper.app.widgets.layer_pane import pane_refs
from stepper.app.widgets.matrix import MatrixLayout, MatrixView, box_size
from stepper.app.widgets.packing import GAP, Packing, pack
from stepper.app.widgets.sized import LaidOutOnce
from stepper.engine.network import Network
from stepper.engine.steps import Ref


def scroll_top(boxes: list[tuple[int, int]], result: Region, window: int) -> int:
    """Where a step view ``window`` lines tall scrolls to: 0 if the step fits; else the result whole
    and, above it, the operands that fit whole: the top of a matrix (``boxes``: each one's top and
    bottom line), never a line inside one. Side by side at 80x24 the update's W^2 showed its last
    rows under no name, its title scrolled away. A result taller than the window: its top."""
    if result.bottom <= window:
        return 0
    if result.height >= window:
        return result.y
    least = result.bottom - window
    tops = [top for top, _ in boxes if least <= top <= result.y]
    return min((t for t in tops if not any(start < t < end for start, end in boxes)), default=result.y)


class StepLayout(MatrixLayout):
    """Places the step view's matrices as its packing says: stacks side by side, left-aligned."""

    name = "step"

    def arrange(
        self, parent: Widget, children: list[Widget], size: Size, greedy: bool = True
    ) -> ArrangeResult:
        """The packing's places, and room under the result for the scroll to stop at a matrix's
        top (scroll_top): the last lines of a taller step can be blank, never a matrix untitled."""
        placements = list(super().arrange(parent, children, size, greedy))
        if not placements or not size.height:
            return placements
        boxes = [(p.region.y, p.region.bottom) for p in placements]
        last = (getattr(parent, "order", None) or [None])[-1]  # the step's result
        result = next((p for p in placements if p.widget is last), None)
        if result is None:
            return placements
        slack = scroll_top(boxes, result.region, size.height) + size.height - max(b for _, b in boxes)
        if slack > 0:
            placements[placements.index(result)] = result._replace(margin=Spacing(0, 0, slack, 0))
        return placements

    def places(
        self, parent: Widget, views: list[MatrixView], width: int
    ) -> Iterable[tuple[MatrixView, int, int, tuple[int, int]]]:
        order = {view: i for i, view in enumerate(getattr(parent, "order", views))}
        views = sorted(views, key=lambda view: order.get(view, len(order)))
        if isinstance(parent, StepPane) and views == parent.order:  # (the step's, as fit_headers sized)
            sizes = parent.sizes(width)
        else:
            sizes = [box_size(view, width) for view in views]
        for index, x, y in pack(sizes, width).places(sizes):
            yield views[index], x, y, sizes[index]


class StepPane(VerticalScroll, LaidOutOnce, can_focus=False):
    """The current step's matrices: its operands (in the formula's order), then its result."""

    def __init__(self, net: Network, *, lazy: bool = False) -> None:
        super().__init__(id="step-pane")
        self._lazy = lazy
        self.views: dict[Ref, MatrixView] = {
            ref: MatrixView(ref, title, id=f"s-{ref.quantity}-{ref.layer}")
            for layer in range(1, net.depth + 1)
            for ref, title in pane_refs(net, layer)
        }
        for view in self.views.values():
            view.open_bottom = True
        self.order: list[MatrixView] = []  # the step's matrices, as the layout reads them
        # The operands side by side, each in its share of the width (fit_headers): set where the
        # step fits the room no other way.
        self._squeezed = False
        # Squeezed still too tall: the result as well, all of them in a row (_try_in_a_row).
        self._in_a_row = False
        self._packing = StepLayout()
        self._bar_drawn = True  # bar_shown when its scrollbar was last told to draw
        # The step's operands whose columns run over its product's summed index (show_step).
        self._summed: list[MatrixView] = []

    @property
    def layout(self) -> Layout:
        return self._packing

    @property
    def bar_shown(self) -> bool:
        """Whether its scrollbar is drawn (PlacedScrollBar): only while the step's result is cut.
        Its result whole in view, the matrices out of view are left out on purpose (those that do
        not fit whole: whole_tail, fewest_whole), and the formula names them; the view has no
        border, and its thumb stood beside nothing (after w at 80x24, an update's gradient under
        the old and new weights)."""
        if not self.order:
            return True
        result = self.order[-1].virtual_region
        top = round(self.scroll_offset.y)
        return result.y < top or result.bottom > top + self.scrollable_content_region.height

    def compose(self) -> ComposeResult:
        # ``lazy`` (a screen wide enough for the layers side by side): its matrices are mounted when
        # the view is first shown (show_step). Most networks never need it there, and a widget idle
        # out of sight still costs every wait on the screen (Pilot's, the benchmarks') and a third
        # of the start-up's mounting.
        if not self._lazy:
            yield from self.views.values()

    def show_step(self, refs: list[Ref], summed: Iterable[Ref] = ()) -> bool:
        """Show the matrices of ``refs`` (the step's operands, then its result) and no other. True
        if what is shown changed. ``summed``: the operands whose columns run over the index the
        step's product sums (explain.summed_columns): two of them show the same columns."""
        if not self.children:
            for view in self.views.values():
                view.display = False  # shown below, the step's own; placed in the same layout
            self.mount_all(self.views.values())
        order = [self.views[ref] for ref in dict.fromkeys(refs) if ref in self.views]
        operands = [self.views[ref] for ref in summed if ref in self.views and self.views[ref] in order[:-1]]
        if operands != self._summed:
            for view in self._summed:
                view.columns_with = []
            for view in operands:
                view.columns_with = [other for other in operands if other is not view]
            self._summed = operands
            # Once placed: what fits depends on their widths.
            self.call_after_refresh(self.align_summed, True)
        if order == self.order:
            return False
        self.order = order
        shown = set(order)
        for view in self.views.values():
            if view.display != (view in shown):
                view.display = view in shown
        self.refresh(layout=True)
        return True

    def sizes(self, width: int) -> list[tuple[int, int]]:
        """Each of the step's matrices' box (width, height), ``width`` columns wide: squeezed, the
        operands' boxes each at most its share of the width (a few of its columns, and the line that
        says which), so they fit side by side above the result."""
        sizes = [box_size(view, width) for view in self.order]
        operands = len(self.order) - 1
        if self._in_a_row:
            share = (width - GAP * operands) // len(self.order)
            sizes = [box_size(view, share) for view in self.order]
        elif self._squeezed and operands > 0:
            share = (width - GAP * (operands - 1)) // operands
            sizes[:-1] = [box_size(view, share) for view in self.order[:-1]]
            room = width - GAP * (operands - 1)
            if len(self._summed) > 1:
                self._share_summed(sizes, room - share * (operands - len(self._summed)))
            elif self._summed:
                self._widen_summed(sizes, room)
            else:
                self._share_unequally(sizes, room)
        return sizes

    def _share_unequally(self, sizes: list[tuple[int, int]], room: int) -> None:
        """The operands' boxes in ``room`` columns together, each a whole column at least, where an
        equal share is narrower than one of them needs and their least widths fit: side by side at
        80x24 the update's dC/dW^0 (a column 19 wide) did not fit half of 37 beside W^0 (17), and
        the old W^0 was left out, two lines blank under the new one. What is left, each an equal
        part of it, short of its whole width."""
        operands = self.order[:-1]
        least = [view.box_width_for(1) for view in operands]
        if sum(least) > room or all(size[0] >= box for size, box in zip(sizes, least, strict=False)):
            return
        widths, left = list(least), room - sum(least)
        order = sorted(range(len(widths)), key=lambda i: operands[i].box_width - widths[i])
        for place, index in enumerate(order):
            more = min(operands[index].box_width - widths[index], left // (len(widths) - place))
            widths[index] += more
            left -= more
        for index, (view, box) in enumerate(zip(operands, widths, strict=True)):
            sizes[index] = box_size(view, box)

    def _widen_summed(self, sizes: list[tuple[int, int]], room: int) -> None:
        """The one operand summed along its columns (show_step) showing more of them, all if they
        fit, where the others (summed along their rows, all in view) keep a column each in the
        ``room`` the operands have: the one their ▼ marks, that the selected cell reads. At 80x24
        n^2 = [1 | a^1] · W^1 showed a^1's j=0–2 of 4 beside all four rows of W^1, in half the
        width each, the sum's last term out of sight."""
        view = self._summed[0]
        index = self.order.index(view)
        others = [other for other in self.order[:-1] if other is not view]
        if view.state is None or not others:
            return
        least = sum(other.box_width_for(1) for other in others)
        for columns in range(view.state.cols, view.columns_for(sizes[index][0]), -1):
            box = view.box_width_for(columns)
            if box + least <= room:
                sizes[index] = box_size(view, box)
                share = (room - box) // len(others)
                for other in others:
                    sizes[self.order.index(other)] = box_size(other, share)
                return

    def _share_summed(self, sizes: list[tuple[int, int]], room: int) -> None:
        """The summed operands' boxes (show_step) in ``room`` columns together, each showing as many
        of its columns as the other, the most that fit: at 80x24 δ^2 and W^1 beside each other at
        dC/da^1, each in half the width, showed the terms of the sum that fit its half, one more
        in one than in the other where the numbers are narrower. The room left widens them (their
        titles' words) short of another column. As they were where not one column fits."""
        if any(view.state is None for view in self._summed):
            return
        most = max(view.state.cols for view in self._summed if view.state is not None)
        for columns in range(most, 0, -1):
            widths = [view.box_width_for(columns) for view in self._summed]
            if sum(widths) <= room:
                break
        else:
            return
        if all(view.columns_for(sizes[self.order.index(view)][0]) == columns for view in self._summed):
            return  # each its share shows as many: as it was
        # Short of another column each, and of what its title and all its columns need.
        caps = [min(view.box_width_for(columns + 1) - 1, view.box_width) for view in self._summed]
        caps = [max(cap, width) for cap, width in zip(caps, widths, strict=True)]
        left = room - sum(widths)
        # Each an equal part of it, those that need less first (the others share what they leave).
        order = sorted(range(len(widths)), key=lambda i: caps[i] - widths[i])
        for place, index in enumerate(order):
            more = min(caps[index] - widths[index], left // (len(widths) - place))
            widths[index] += more
            left -= more
        for view, box in zip(self._summed, widths, strict=True):
            sizes[self.order.index(view)] = box_size(view, box)

    def align_summed(self, from_start: bool = False) -> None:
        """The summed operands (show_step) showing the same columns: the keyboard's cursor's, in the
        one that has it; else the first one's, ``from_start`` from column 0 (a new step: as the Why
        pane's sum reads its terms, where one of them kept the columns of the step before; one
        alone too). And each operand's ▼ column in view, in the width it has now."""
        for view in self.order[:-1]:  # a narrower box than before: the ▼ column, in view still
            if view.state is not None and view.state.mark_col is not None:
                view.show_column(view.state.mark_col)
        if not self._summed:
            return
        lead = next((view for view in self._summed if view.has_focus), None)
        if lead is None:
            lead = self._summed[0]
            if from_start:
                lead.show_columns(0, 0)
        shown = lead.columns_in_view
        if shown is not None:
            for other in lead.columns_with:
                other.show_columns(*shown)

    def packing(self, width: int) -> Packing:
        """How the step's matrices are laid out ``width`` columns wide (for the height they need)."""
        return pack(self.sizes(width), width)

    def fit_headers(self, width: int, most: int) -> int:
        """The step's height ``width`` columns wide, its operands' column headers moved into their
        top borders, as few as it takes, for it to be at most ``most`` lines; every header on its
        own line if that is not enough. At 80x24, step 16 of the seed (δ^2 · W^1ᵀ, stacked) was a
        line or two taller than the room the Why pane's computation leaves: the step view scrolled
        δ^2's title away, and its numbers showed under no name. Left out, as they were first, the
        headers took their clone marks with them: at the updates W^1 and dC/dW^1 no longer said
        which of their columns are clones (C1), where "still clones" is the point. In the border,
        a header costs only the title's words ("W^1  weights in" → "W^1"); the result keeps its
        own line (the cursor's column). An operand with a marked column (▼) keeps its line longest.

        Still too tall, the operands go side by side above the result, each in its share of the
        width, showing the whole columns that fit (and which they are), and their headers again
        into their borders as it takes: after s, the update's W^1 and dC/dW^1 are each wider than
        half of 80 columns, three stacked boxes taller than the room, and the old W^1 was out of
        sight. Where even that does not fit, stacked as before (whole_tail)."""
        before = self._squeezed, self._in_a_row
        # Tried anew: laid out again below only if it ends up changed.
        self._squeezed = self._in_a_row = False
        self._headers_on_own_line()
        height = self._merge_headers(width, most)
        if height > most and len(self.order) > 2:  # two operands or more: side by side
            self._squeezed = True
            self._headers_on_own_line()
            height = self._merge_headers(width, most) if self._whole_columns(width) else most + 1
            if height > most and self._one_shape():
                height = self._try_in_a_row(width, most)
            if height > most:
                self._squeezed = False
                self._headers_on_own_line()
                height = self._merge_headers(width, most)
            if height > most and self._one_shape():
                height = self._fold_rules(width, most)
        if (self._squeezed, self._in_a_row) != before:
            self.refresh(layout=True)
            self.call_after_refresh(self.align_summed)  # their widths changed: what fits of them
        return height

    def _whole_columns(self, width: int) -> bool:
        """Whether each of the step's boxes, ``width`` columns wide as sizes() gives them, holds a
        whole column of its numbers at least: side by side at 80x24 (38 columns a half) the
        update's W^0 and dC/dW^0 squeezed to 18 columns each showed 0.0378350 for 0.03783507."""
        sizes = self.sizes(width)
        return all(size[0] >= view.box_width_for(1) for view, size in zip(self.order, sizes, strict=True))

    def _one_shape(self) -> bool:
        """Whether the step's matrices all have the result's shape (an update, an error term δ)."""
        result = self.order[-1].state
        return result is not None and all(
            view.state is not None and (view.state.rows, view.state.cols) == (result.rows, result.cols)
            for view in self.order
        )

    def _try_in_a_row(self, width: int, most: int) -> int:
        """The step's height with all its matrices in a row, each in its share of the width, the
        result too, where they are all of one shape (an update, an error term δ): each shows the
        cursor's column (follow_column), the one the Why pane's computation reads. At 80x24 the
        update of partial-clones' W^1 (its notice two lines) was three lines short for its
        operands side by side above the result, and showed the result alone."""
        self._in_a_row = True
        self._headers_on_own_line()
        height = self._merge_headers(width, most) if self._whole_columns(width) else most + 1
        if height > most:
            self._in_a_row = False
        else:
            for view in self.order:
                view.show_column(self.order[-1].cursor[1])
        return height

    def _fold_rules(self, width: int, most: int) -> int:
        """The step's height stacked, its operands' rules under their bias rows left out (fold_rule)
        and their headers in their borders as it takes, where that brings it to ``most`` lines;
        else as it was. An update's three weight matrices, each too wide to go beside another:
        side by side at 80x24 the seed's step 22 (clones' C1 labels) left the old W^2 out over 3
        blank lines, a line short for all three."""
        for view in self.order[:-1]:
            view.fold_rule(True)
        height = self._merge_headers(width, most)
        if height > most:
            for view in self.order[:-1]:
                view.fold_rule(False)
            height = self._merge_headers(width, most)
        return height

    def _set_squeezed(self, squeezed: bool) -> None:
        if squeezed != self._squeezed or self._in_a_row:
            self._squeezed, self._in_a_row = squeezed, False
            self.refresh(layout=True)

    def follow_column(self, col: int) -> None:
        """The result's cursor moved to column ``col``: squeezed, the operands of an entrywise step
        (the same shape as the result, no row or column marked) show that column too, the one the
        Why pane's computation reads (W^1[b, j=2] − η · dC/dW^1[b, j=2]). A product's operands
        follow their ▼ and ▶ marks already."""
        if not self._squeezed or not self.order or self.order[-1].state is None:
            return
        result = self.order[-1].state
        for view in self.order[:-1]:
            state = view.state
            entrywise = state is not None and (state.rows, state.cols) == (result.rows, result.cols)
            if entrywise and state is not None and (state.mark_row, state.mark_col) == (None, None):
                view.show_column(col)

    def _merge_headers(self, width: int, most: int) -> int:
        """The step's height with as few operands' headers in their borders as bring it to ``most``
        lines (none if that is not enough), those with a marked column (▼) last. Never one of two
        boxes side by side at the same top without the other (_level): at the seed's update step
        22, W^2's headers in its border and W^2 updated's on their own line put their rows a line
        apart, side by side; dC/dW^2's, under W^2, save the line as well. Every way is tried (three
        operands at most): the first that saves a line may not be the one that fits."""
        height = self.packing(width).height
        operands = [view for view in self.order[:-1] if view.state is not None]
        if height <= most or not operands:
            return height
        ways = [
            [view for bit, view in enumerate(operands) if chosen >> bit & 1]
            for chosen in range(1, 1 << len(operands))
        ]
        ways.sort(
            key=lambda way: (
                len(way),
                sum(view.state is not None and view.state.mark_col is not None for view in way),
            )
        )
        for way in ways:
            for view in operands:
                view.header_in_border(view in way)
            height = self.packing(width).height
            if height <= most and self._level(width):
                return height
        self._headers_on_own_line()
        return self.packing(width).height

    def _level(self, width: int) -> bool:
        """Whether boxes side by side with the same top draw their rows on the same lines: their
        headers both in their borders or both on their own line."""
        sizes = self.sizes(width)
        tops: dict[int, set[bool]] = {}
        for index, _, y in pack(sizes, width).places(sizes):
            tops.setdefault(y, set()).add(self.order[index].header_merged)
        return all(len(merged) == 1 for merged in tops.values())

    def show_headers(self) -> None:
        """Every matrix with its column headers on their own line, and the operands at their own
        width (where fit_headers is not asked: wide, the step view has the height it needs, and
        side by side it scrolls)."""
        self._set_squeezed(False)
        self._headers_on_own_line()

    def _headers_on_own_line(self) -> None:
        """Every matrix's column headers on their own line, and its rule (fold_rule), the operands'
        widths as they are."""
        for view in self.views.values():
            view.header_in_border(False)
            view.fold_rule(False)

    def whole_tail(self, width: int, most: int) -> int | None:
        """For a step too tall for the screen: the tallest window of at most ``most`` lines that ends
        at the result's last line and starts at a matrix's top, so no matrix in it loses its title
        (at 80x24 an update's dC/dW^1 showed its numbers under no name, its title scrolled away).
        None if there is none (the result alone is taller)."""
        sizes = self.sizes(width)
        if not sizes:
            return None
        boxes = {index: (y, y + sizes[index][1]) for index, _, y in pack(sizes, width).places(sizes)}
        result_top, bottom = boxes[len(sizes) - 1]
        for top in sorted({top for top, _ in boxes.values() if top <= result_top}):
            cuts_one = any(start < top < end for start, end in boxes.values())
            if bottom - top <= most and not cuts_one:
                return bottom - top
        return None

    def fewest_whole(self, width: int) -> int | None:
        """The fewest lines, ``width`` columns wide, that show the result and every matrix in them
        whole: from a matrix's top that cuts none, down to the result's last line, or from the
        step's top down to the last line of the matrices that start above the result's end (w:
        the step's least room; at 80x24 n^2 = [1 | a^1] · W^1 cut to a third showed W^1's rows
        under no name, a^1 scrolled away). None if there are no matrices."""
        sizes = self.sizes(width)
        if not sizes:
            return None
        boxes = [(y, y + sizes[index][1]) for index, _, y in pack(sizes, width).places(sizes)]
        result_top, bottom = boxes[-1]
        for top in sorted({top for top, _ in boxes if 0 < top <= result_top}, reverse=True):
            cuts_one = any(start < top < end or start < bottom < end for start, end in boxes)
            if not cuts_one:
                return bottom - top
        # From the top: down to where no matrix that starts above that line is cut.
        end = bottom
        while (longer := max((e for s, e in boxes if s < end), default=end)) > end:
            end = longer
        return end

    def scroll_to_step(self) -> None:
        """All of the step in view when it fits; else its result whole, with as much above it as fits."""
        if not self.order:
            return
        regions = [view.virtual_region_with_margin for view in self.order]
        self._scroll_for(regions[-1], [(r.y, r.bottom) for r in regions])
        # Whether its scrollbar is drawn follows where the result is (bar_shown), which changes
        # nothing the bar itself watches: it kept a thumb after the step came whole into view.
        if self.bar_shown != self._bar_drawn:
            self._bar_drawn = not self._bar_drawn
            self.vertical_scrollbar.refresh()

    def scroll_ahead(self) -> None:
        """Scroll now to where scroll_to_step will want the step once its matrices are placed: their
        places follow from the packing, and the scroll is then part of the step's layout instead of
        a second arrangement and repaint of the screen after it (on every step of a network whose
        matrices are taller than the window). A pane whose size the layout is about to change is
        put right by scroll_to_step, after the layout, as before."""
        width = self.scrollable_content_region.width
        if not self.order or width <= 0:
            return
        sizes = self.sizes(width)
        packing = pack(sizes, width)
        last = len(sizes) - 1
        x, y = next((x, y) for index, x, y in packing.places(sizes) if index == last)
        # The layout sets the same virtual size; set first, it lets the scroll reach the result.
        self.virtual_size = Size(max(width, packing.width), packing.height)
        boxes = {index: (y, y + sizes[index][1]) for index, _, y in packing.places(sizes)}
        self._scroll_for(Region(x, y, *sizes[last]), list(boxes.values()))

    def _scroll_for(self, result: Region, boxes: list[tuple[int, int]]) -> None:
        """Scrolled as scroll_top says (``boxes``: each matrix's top and bottom line)."""
        y = scroll_top(boxes, result, self.scrollable_content_region.height)
        if y != self.scroll_offset.y:
            self.scroll_to(y=y, animate=False, force=True, immediate=True)
