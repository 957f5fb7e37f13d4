"""Mends to Textual 8.2.8 (pinned in constraints.txt): its option lists, for keys that come fast,
and its compositor, which repainted the whole screen after a scroll and cut every container's lines
at every edge of the widgets in front of it.

The first was found by testers in tmux and by the fuzz, which sends keys as a terminal does
(tests/ui/test_fuzz.py): it ended the app with a traceback. (The palette's own mends are in its
class, stepper.app.commands.Palette.) The second by counting what a step repaints
(tests/ui/test_drawing_work.py).
"""

from __future__ import annotations

from collections.abc import Callable

from textual._compositor import Compositor, ReflowResult
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import OptionList

_move_page = OptionList._move_page


def _move_page_once_laid_out(self: OptionList, direction: int) -> None:
    """PageUp or PageDown in a list whose options are in but not yet laid out in lines (ctrl+p
    then PageDown at once; in the optimizer dialog, Up, Tab, PageUp) looked up the line of an
    option that has none yet: a KeyError. Before the list is drawn there is no page to move by."""
    if not self.scrollable_content_region:
        return
    _move_page(self, direction)  # type: ignore[arg-type]


def apply() -> None:
    OptionList._move_page = _move_page_once_laid_out  # type: ignore[method-assign]
    Compositor.reflow = _reflow_noting  # type: ignore[method-assign]
    Compositor.reflow_visible = _reflow_visible_from_drawn  # type: ignore[method-assign]
    Compositor._render_chops = _render_chops_in_front_first  # type: ignore[method-assign,assignment]


_reflow = Compositor.reflow
_render_chops = Compositor._render_chops  # Textual's own, kept for the test that compares the two
_reflow_visible = Compositor.reflow_visible


# A scroll repaints what moved: the compositor compares where the widgets are now with where they
# were (its map of the last arrangement, `_visible_map`). But that map is dropped whenever anything
# asks for the whole map (a widget's region, after a layout), and a scroll then compared with
# nothing: every widget counted as moved and the whole screen was repainted, on a third of the
# seed's steps at 120x40 (each scrolls a pane to the current matrix), sending the whole screen
# again over SSH. So the last arrangement is kept aside and a scroll compares with it.


def _reflow_noting(self: Compositor, parent: Widget, size: Size) -> ReflowResult:
    result = _reflow(self, parent, size)
    self._stepper_drawn = self._full_map  # type: ignore[attr-defined]  # as laid out
    return result


def _reflow_visible_from_drawn(self: Compositor, parent: Widget, size: Size) -> set[Widget]:
    if self._visible_map is None:  # dropped since the last arrangement: that one is the screen
        self._visible_map = getattr(self, "_stepper_drawn", None)
    exposed = _reflow_visible(self, parent, size)
    self._stepper_drawn = self._visible_map  # type: ignore[attr-defined]  # as scrolled
    return exposed


# The compositor paints a line front to back, in pieces ("chops") between the edges of the widgets
# on it; the first widget to paint a piece wins. Textual cut every widget's line at every edge
# within it, the pieces already painted by widgets in front included: the screen, the walk view,
# the layers' row and each layer pane were cut at each of their matrices' edges on every line they
# span, and the pieces thrown away. On the seed's steps that was several hundred strips a step, each
# with its caches: about a sixth of a step. Only the pieces still to paint are cut now. The screen
# it draws is the same (tests/ui/test_drawing_work.py compares the two on every step of a walk).


def _render_chops_in_front_first(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> list[dict[int, Strip | None]]:
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            edges = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            todo = [index for index, cut in enumerate(edges[:-1]) if line.get(cut, 0) is None]
            if len(todo) == len(edges) - 1:
                for cut, piece in zip(edges, strip.divide([cut - x for cut in edges[1:]])):
                    line[cut] = piece
            else:
                for index in todo:
                    line[edges[index]] = strip.crop(edges[index] - x, edges[index + 1] - x)
    return chops
