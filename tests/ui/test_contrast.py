"""Every letter and digit on screen reads at WCAG 4.5:1 against what is drawn behind it, in every
theme the app offers and under NO_COLOR (issue 12: titles of matrices not computed yet were drawn
almost in the background colour, and NO_COLOR drew the current matrix grey on grey)."""

from __future__ import annotations

import pytest

from stepper.app import StepperApp
from tests.ui.contrast import DASHED, _backgrounds, border_runs, contrast, screenshot, unreadable

# Pending, input, current and focused matrices, clone colours, the notice, the Why pane, the footer.
KEYS = ("f", "n", "n", "n", "down")


async def unreadable_on_screen(keys: tuple[str, ...], theme: str | None = None, size=(120, 40)) -> list:
    """The runs of text below 4.5:1 anywhere on screen: over a dialog, the dialog's and those of the
    screen behind it (Textual's faded backdrop put them at about 2:1)."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        if theme is not None:
            app.theme = theme
        await pilot.press(*keys)
        await pilot.pause()
        bad = unreadable(screenshot(app))
        return [(r.text, r.fg, r.bg, round(r.ratio, 2)) for r in bad]


def test_contrast_is_the_wcag_ratio() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just too faint
    assert contrast("#121212", "#121212") == 1.0


async def unreadable_in_every_theme(keys: tuple[str, ...], size: tuple[int, int]) -> dict[str, list]:
    """The runs of text below 4.5:1 in each theme, the same screen drawn in each in turn (one app:
    a theme is set after the start in any case, and a start per theme was a minute of the run)."""
    app = StepperApp()
    found = {}
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys)
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            bad = unreadable(screenshot(app))
            if bad:
                found[theme] = [(r.text, r.fg, r.bg, round(r.ratio, 2)) for r in bad]
    return found


async def test_every_theme_is_readable() -> None:
    assert await unreadable_in_every_theme(KEYS, (120, 40)) == {}


async def test_every_theme_is_readable_at_80_columns() -> None:
    """The narrow notice (its dim "h: report" hint) and one layer at a time: in ansi-dark the hint was
    a faint yellow at 3.5:1, unmeasured because the ANSI themes leave the terminal's own
    background behind it."""
    assert await unreadable_in_every_theme((), (80, 24)) == {}


async def test_no_color_is_readable_with_a_16_colour_theme_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR with ansi-dark (chosen in the palette, so kept for the next run) was black on black:
    Textual draws each colour as a grey of its luminance, and the terminal's own colours have none
    it knows (a fresh tester). Under NO_COLOR the 16-colour themes are not offered."""
    from stepper.app.settings import save_setting

    save_setting("theme", "ansi-dark")
    monkeypatch.setenv("NO_COLOR", "1")
    app = StepperApp()
    assert not [name for name in app.available_themes if name.startswith("ansi")]
    monkeypatch.setenv("NO_COLOR", "1")  # Textual takes it out of the environment as it reads it
    assert await unreadable_on_screen(KEYS, size=(80, 24)) == []


# Every modal screen, over the step view with matrices in each role (the quiz's own key, t, last).
MODALS = (
    ("x", ".dialog"),
    ("R", ".dialog"),
    ("o", ".dialog"),
    ("O", ".dialog"),
    ("g", ".dialog"),
    ("ctrl+s", ".dialog"),
    ("h", "#health-body"),
    ("question_mark", "#help-body"),
    ("t", "#quiz-dialog"),
)


@pytest.mark.parametrize(
    "keys",
    [(), KEYS, ("u",), ("v", "i", "f"), *((*KEYS, key) for key, _ in MODALS)],
    ids=["start", "backward", "update", "side-by-side", *(f"over-{key}" for key, _ in MODALS)],
)
async def test_no_color_is_readable(keys, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole screens, a modal's and the step view behind it too (issue 12: the backdrop's fade put
    the text behind a dialog at about 4.1:1 under NO_COLOR, 2:1 in the colour themes)."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert await unreadable_on_screen(keys, size=(80, 24)) == []


@pytest.mark.parametrize("theme", sorted(set(StepperApp().available_themes) - {"ansi-dark", "ansi-light"}))
async def test_matrices_not_computed_yet_have_visible_borders(theme: str) -> None:
    """Their dashed border reads at 3:1 (WCAG's for a component) against what is behind it: it was
    drawn almost in the background colour (issue 12's tester)."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await pilot.press("n", "n")
        await pilot.pause()
        runs = border_runs(app.export_screenshot(), DASHED)
        assert runs, "no matrix drawn with a dashed border"
        assert min(run.ratio for run in runs) >= 3.0, [(r.fg, r.bg, round(r.ratio, 2)) for r in runs[:3]]


async def test_every_matrix_border_reads_at_3_to_1_in_every_theme() -> None:
    """The frames of computed matrices outside the step were $panel: about 1.0:1 in 256 colours
    (a tester's finding), so W^0 had no visible box. Every role's border reads at 3:1 (WCAG, for
    a component) against the matrix's background, in every theme with colours of its own."""
    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "n", "n", "n")  # computed, pending, operand and current matrices
        for theme in sorted(set(app.available_themes) - {"ansi-dark", "ansi-light"}):
            app.theme = theme
            await pilot.pause()
            roles = set()
            for view in app.screen.view.all_matrices:
                if view.state is None or not view.display:
                    continue
                roles.add(view.state.role)
                (_, background), colour = view.background_colors, view.styles.border_top[1]
                ratio = contrast((background + colour).hex, background.hex)
                assert ratio >= 3.0, (theme, view.caption, view.state.role, round(ratio, 2))
            assert roles >= {"done", "pending", "input", "current"}


async def test_not_computed_computed_and_current_differ_by_the_border_s_shape() -> None:
    from stepper.app.widgets.matrix import MatrixView

    app = StepperApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n")
        await pilot.pause()
        shapes = {}
        for view in app.query(MatrixView):
            if view.state is not None:  # (focus changes the colour only, not the shape)
                shapes.setdefault(view.state.role, set()).add(view.styles.border_top[0])
        assert shapes["pending"] == {"dashed"}
        assert shapes["current"] == {"heavy"} and shapes["input"] == {"double"}
        assert not shapes["pending"] & (shapes.get("done", set()) | shapes["current"] | shapes["input"])
        # Focused, still its role's shape: a focused pending matrix turned round, as if computed.
        matrices = app.screen.view.matrices
        pending = next(v for v in matrices if v.state and v.state.role == "pending" and v.region)
        pending.focus()
        await pilot.pause()
        assert app.focused is pending and pending.styles.border_top[0] == "dashed"


# Tall, a dialog is drawn with full-height fields and choices (short, compact ones): one of each
# kind of field is measured there too (a choice and a text field, the export's path, the quiz's
# answer), not every dialog again, which doubled the test's time for the same styles.
TALL = ("x", "R", "O", "t")


@pytest.mark.parametrize(
    ("key", "frame", "size"),
    [
        *((key, frame, (80, 24)) for key, frame in MODALS),
        *((key, frame, (120, 40)) for key, frame in MODALS if key in TALL),
    ],
    ids=[*(f"{key}-80x24" for key, _ in MODALS), *(f"{key}-120x40" for key, _ in MODALS if key in TALL)],
)
async def test_every_theme_s_modal_screens_and_the_screen_behind_are_readable(key, frame, size) -> None:
    """Dialogs, the health report, help and the quiz, and the step view behind each: a selected
    prefilled name read at 4.0:1 (ansi-light) and 4.49:1 (textual-light), a focused compact field
    was solid blue in the ANSI themes (2.6:1), the health report's title on its warning border 1.4:1
    (textual-light), and Textual's faded backdrop put the text behind every modal screen at about
    2:1 (issue 12: a teacher talks about the numbers behind the dialog). On a tall screen solarized's
    fields read at 4.1:1 and a focused choice at 4.45:1 in atom-one-dark. One app, every theme."""
    app = StepperApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*KEYS)
        bad = []
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.query(frame), (theme, key)  # the modal screen is up
            bad += [(theme, r.text, r.fg, r.bg, round(r.ratio, 2)) for r in unreadable(screenshot(app))]
            await pilot.press("escape")
            await pilot.pause()
        assert bad == []


@pytest.mark.parametrize(
    ("theme", "no_color"),
    [("textual-dark", False), ("textual-dark", True), ("textual-light", False), ("gruvbox", False)],
    ids=["textual-dark", "NO_COLOR", "textual-light", "gruvbox"],
)
async def test_a_scrollbar_thumb_stands_out_from_its_track(
    theme: str, no_color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thumb says there is more of the Why text below: at 3:1 or more against its track (WCAG,
    for a component). It was 1.5:1 in the default theme, and grey 235 on black, 1.4:1, under
    NO_COLOR (a fresh tester)."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = StepperApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.press("n")  # n^1's cell, the product laid out: taller than the pane
        await pilot.pause()
        bar = app.screen.query_one("#explain").vertical_scrollbar
        cells = _backgrounds(screenshot(app))
        region = bar.region
        colours = {
            cells[line, col]
            for line in range(region.y, region.bottom)
            for col in range(region.x + 1, region.right)  # after the gap before it (WhyPane.BAR_GAP)
        }
        assert len(colours) == 2, colours  # the track and the thumb
        assert contrast(*colours) >= 3, colours
