"""The "Why" pane's text: the current step's formula and reason, the product laid out, the selected cell."""

from __future__ import annotations

from textual.widgets import Static

from stepper.app.widgets.sized import LaidOutOnce, WhyPane


class Explanation(Static, LaidOutOnce):
    """A Static whose height only grows, so most new texts need a repaint but no new layout.

    A new layout re-arranges and repaints the whole screen, and on the seed network that was most of
    the time a step took: the text changes on every step, and its height on most of them. Keeping the
    tallest height seen so far (the pane scrolls) means a layout happens a few times per network, not
    per step. ``reset_height`` starts over, for a new network or terminal size. Its pane is sized by
    the screen, so its growing moves no other widget (LaidOutOnce).
    """

    DEFAULT_CSS = "Explanation { height: auto; }"

    def show(self, markup: str) -> None:
        self.update(markup, layout=False)
        if not self.content_size.width:
            self.refresh(layout=True)
            return
        self._fit()

    def on_resize(self) -> None:
        # Narrower by its pane's scrollbar, come with a longer text: its lines wrap again, and the
        # rows the pane scrolls over are counted again (under load the last line was out of reach).
        if self.content_size.width:
            self._fit()

    def _fit(self) -> None:
        """The pane told how many rows the text takes at this width; the text as tall as that."""
        # Textual's own Widget passes its styles here too (widget.py), though the annotation asks for the
        # RulesMap (a TypedDict) they act as: the one ignore that stays, as the mismatch is Textual's.
        needed = self.visual.get_height(self.styles, self.content_size.width)  # type: ignore[arg-type]
        if isinstance(self.parent, WhyPane):
            self.parent.show_rows(needed + self.styles.gutter.height)
        if needed > self.content_size.height:
            self.styles.min_height = needed  # a style change, so Textual lays out again

    def reset_height(self) -> None:
        self.styles.min_height = None
