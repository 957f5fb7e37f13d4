"""Widgets whose new size moves no other widget: no second layout of the screen when it changes."""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import Any, cast

from rich.console import RenderableType
from rich.style import Style
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Region, Size
from textual.message import Message
from textual.renderables.blank import Blank
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget


def on_screen_now(screen: Screen[Any]) -> Container[Widget] | None:
    """The widgets the screen's last arrangement shows, while it is current (None: no arrangement,
    or one Textual has to rebuild, so nobody can tell yet). Textual takes a repaint asked by a widget
    it does not see for a new widget and rebuilds that arrangement for the whole screen: a matrix out
    of sight does not ask (MatrixView.refresh) and the screen drops what still comes
    (SteppingScreen._on_timer_update)."""
    compositor = screen._compositor
    if compositor.root is None or compositor._full_map_invalidated:
        return None
    return compositor.visible_widgets


class LaidOutOnce(Widget):
    """A widget sized by the screen's layout (a share of the width, a height in the tcss), or the
    content of one: a new size of its content, or of it, moves no other widget.

    Textual lays the whole screen out a second time whenever a widget's content changes size after
    a layout, which matters to containers sized by their content. A step that shows other matrices,
    or a Why text of another length, changes the content of the layers' area, the step view and the
    Why pane on almost every step: for these, the layout that just ran has placed everything, and
    the second one was a second arrangement and repaint of the whole screen, for nothing. A
    scrollbar that comes or goes still lays the widget out again (show_vertical_scrollbar does).
    This overrides a private method of Textual's Widget; Textual is pinned in constraints.txt. Put
    it after the Textual class (``LayerPane(VerticalScroll, LaidOutOnce)``): Textual's CSS types
    follow the first base, and a VerticalScroll must stay one to its stylesheet.
    """

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # Textual's, made as Textual makes it, but one that does not lay the screen out again when
        # the pane's new height resizes it (the step view's height follows each step at 80x24).
        if self._vertical_scrollbar is None:
            bar = PlacedScrollBar(vertical=True, name="vertical", thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar


class PlacedScrollBar(ScrollBar, LaidOutOnce):
    """A scrollbar is placed by its pane's arrangement: its new size moves nothing else.

    Its drawing is kept by what it shows. A step folds and scrolls the layer panes, so their
    scrollbars are drawn again on most steps, and Textual draws one through a Rich renderable: a
    tenth of a step's time at 120x40, for the few states the steps of an iteration cycle through.

    A pane whose ``BAR_GAP`` is set has that many of the bar's first columns blank, in its own
    background: a gap between its text and the thumb, inside the bar's width.
    """

    def render(self) -> RenderableType:
        parent = self.parent
        if isinstance(parent, Widget) and (
            self.window_virtual_size <= self.window_size or not getattr(parent, "bar_shown", True)
        ):
            # Nothing to scroll (or nothing the pane wants scrolled to: bar_shown): the pane's own
            # background, as an empty gutter would be.
            base, background = parent.background_colors
            # (A Visual, as Textual's own scrollbar corner draws; ScrollBar.render's type says Rich.)
            return cast(RenderableType, Blank(base + background))
        return super().render()

    def render_lines(self, crop: Region) -> list[Strip]:
        parent = self.parent
        if not isinstance(parent, Widget):
            return super().render_lines(crop)
        styles = parent.styles
        key = (
            self.size,
            self.window_size,
            self.window_virtual_size,
            self.position,
            self.thickness,
            self.vertical,
            self.grabbed,
            self.mouse_over,
            parent.background_colors,
            styles.scrollbar_background,
            styles.scrollbar_color,
            styles.scrollbar_background_hover,
            styles.scrollbar_color_hover,
            styles.scrollbar_background_active,
            styles.scrollbar_color_active,
            self.screen.styles.scrollbar_color.a == 0,
            tuple(self.get_line_filters()),
            gap := getattr(parent, "BAR_GAP", 0),
            getattr(parent, "bar_shown", True),
        )
        whole = _BARS_DRAWN.get(key)
        if whole is None:
            if len(_BARS_DRAWN) > 256:  # other panes, sizes and themes: never many at once
                _BARS_DRAWN.clear()
            # Drawn anew for this key: a drawing Textual kept from before may be of another one
            # (the pane's bar_shown changes nothing the bar watches), and kept here under this
            # key it drew a thumb for a step view with nothing to scroll.
            self._render_content()
            self._styles_cache.clear()
            whole = super().render_lines(self.size.region)
            if gap and self.vertical and self.size.width > gap:
                base, background = parent.background_colors
                blank = Strip.blank(gap, Style(bgcolor=(base + background).rich_color))
                for line_filter in self.get_line_filters():
                    blank = blank.apply_filter(line_filter, base + background)
                whole = [Strip.join([blank, line.crop(gap, self.size.width)]) for line in whole]
            _BARS_DRAWN[key] = whole
        x1, x2 = crop.column_span
        lines = whole[crop.y : crop.bottom]
        return lines if (x1, x2) == (0, self.size.width) else [line.crop(x1, x2) for line in lines]


# A scrollbar's lines by what it shows (PlacedScrollBar.render_lines): strips are never changed.
_BARS_DRAWN: dict[tuple[object, ...], list[Strip]] = {}


class LayersRow(Horizontal, LaidOutOnce):
    """The layers' area: the panes (or the step view) and the decision map, side by side."""

    class Resized(Message):
        """Its height is known now: which layers fit side by side depends on it."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class WhyPane(VerticalScroll, LaidOutOnce):
    """The Why pane: its text scrolls inside a height the stylesheet (or the step view) sets.

    Its text keeps the tallest height it has had (Explanation), so that a shorter text is not a new
    layout; the pane scrolls, and shows a scrollbar, only as far as the text itself goes. Else a
    thumb said there was more below the text, and scrolling there showed blank lines."""

    # The scrollbar's first column blank, its thumb in the second: a thumb right after a full line
    # read as part of its text (a tester's finding at 80x24, step 22). Inside the bar's two
    # columns, so the text keeps its width and wraps as before.
    BAR_GAP = 1

    # The rows the text itself takes (None: not known yet, the content's height is).
    text_rows: int | None = None

    def show_rows(self, rows: int) -> None:
        if rows == self.text_rows:
            return
        self.text_rows = rows
        self._bar_to_text()
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def _bar_to_text(self) -> None:
        bar = self._vertical_scrollbar
        if bar is None or self.text_rows is None:
            return
        rows = min(self.virtual_size.height, self.text_rows)
        if rows <= bar.window_size and bar.window_virtual_size <= bar.window_size:
            return  # no thumb before or after: not a repaint of the bar on each step's new text
        bar.window_virtual_size = rows

    @property
    def max_scroll_y(self) -> int:
        most = super().max_scroll_y
        if self.text_rows is None:
            return most
        return min(most, max(0, self.text_rows - self.scrollable_content_region.height))

    def allow_focus(self) -> bool:
        # A Tab stop only where the keyboard has something to do here, scroll: with nothing to
        # scroll, Tab went from the matrices to a pane that took the keys and did nothing with
        # them (a tester's "Tab stop that shows nothing"). Focused, it stays in the focus chain
        # (Tab and Shift+Tab move on from it) when its new text has nothing to scroll.
        return super().allow_focus() and (self.max_scroll_y > 0 or self.has_focus)

    @property
    def allow_vertical_scroll(self) -> bool:
        # Nothing to scroll: the arrows go on to the screen (the cell cursor), as from any pane
        # without a scrollbar, instead of scrolling nowhere.
        return super().allow_vertical_scroll and self.max_scroll_y > 0

    # Textual gives the scrollbar the content's height where it arranges the pane and where its
    # size changes: here, the text's. (Private methods of Textual's Widget, as LaidOutOnce's;
    # Textual is pinned in constraints.txt.)
    def _arrange_scrollbars(self, region: Region) -> Iterable[tuple[Widget, Region]]:
        for bar, place in super()._arrange_scrollbars(region):
            self._bar_to_text()
            yield bar, place

    def _scroll_update(self, virtual_size: Size) -> None:
        super()._scroll_update(virtual_size)
        self._bar_to_text()
