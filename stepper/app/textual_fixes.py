"""Mends to Textual 8.2.8 (pinned in constraints.txt): its option lists, for keys that come fast,
and its compositor, which repainted the whole screen after a scroll.

The first was found by testers in tmux and by the fuzz, which sends keys as a terminal does
(tests/ui/test_fuzz.py): it ended the app with a traceback. (The palette's own mends are in its
class, stepper.app.commands.Palette.) The second by counting what a step repaints
(tests/ui/test_drawing_work.py).
"""

from __future__ import annotations

from textual._compositor import Compositor, ReflowResult
from textual.geometry import Size
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


_reflow = Compositor.reflow
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
