"""Build stepper/serve_page/fonts/StepperSymbols-*.woff: the symbols that Roboto Mono lacks, one cell wide.

In the browser the terminal draws with textual-serve's Roboto Mono, which has no ▶ ◀ ⊙ → ✓ ⋯; the
browser then takes each from whatever font the machine has, often one whose glyph is up to two
cells wide, and xterm.js draws it over its neighbours (`▶L2`, `d=0.000◀ ─`). This copies those glyphs
from DejaVu Sans Mono (Debian's fonts-dejavu-core), gives each Roboto Mono's advance (0.6 em) and
shrinks any whose ink would leave the cell, so each fits its cell on any machine. The result is
renamed, as Bitstream Vera's licence asks of a modified font; its licence is
stepper/serve_page/fonts/LICENSE-StepperSymbols.txt.

Run by hand when the glyph list changes (fontTools is not one of stepper's dependencies):
    pip install fonttools && python tools/build_symbols_font.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import textual_serve
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SOURCES = {"Regular": DEJAVU / "DejaVuSansMono.ttf", "Bold": DEJAVU / "DejaVuSansMono-Bold.ttf"}
ROBOTO = Path(textual_serve.__file__).parent / "static/fonts/RobotoMono-VariableFont_wght.ttf"
OUT = Path(__file__).resolve().parents[1] / "stepper/serve_page/fonts"
FAMILY = "Stepper Symbols"

# The blocks the app and Textual draw symbols from. Box drawing and block elements (U+2500–259F)
# are left out: xterm.js draws those itself, exactly to the cell.
RANGES = [
    (0x1D2C, 0x1D6A),  # modifier letters (ᵀ)
    (0x2016, 0x2016),  # ‖ the norm
    (0x2023, 0x2023),  # ‣
    (0x2030, 0x205E),  # ‴ and other punctuation
    (0x2070, 0x209F),  # superscripts and subscripts (⁶)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (⊙ ∇ ⋯ ⋮)
    (0x2300, 0x23FF),  # miscellaneous technical
    (0x25A0, 0x25FF),  # geometric shapes (▶ ◀ ▼ ● ○)
    (0x2713, 0x2718),  # ✓ ✗
    (0x2B58, 0x2B58),  # ⭘ (Textual's toggles)
]
# Glyphs DejaVu Sans Mono does not have, made from one it has (with a transform, if any).
DERIVED = {
    0x22EE: (0x22EF, (0, 1, -1, 0, 0, 0)),  # ⋮: ⋯ turned a quarter
    0x2B58: (0x25CB, None),  # ⭘: ○
}
ROBOTO_ADVANCE = 1229 / 2048  # Roboto Mono's advance, in em
MARGIN = 0.05  # of the advance kept clear on each side, so a symbol never touches its neighbour


def fitted(glyph_set: object, name: str, advance: int, turn: tuple[float, ...] | None) -> object:
    """The glyph, decomposed, centred in [0, advance] and shrunk (about its centre) if it is wider."""
    recording = DecomposingRecordingPen(glyph_set)
    glyph_set[name].draw(TransformPen(recording, turn) if turn else recording)  # type: ignore[index]
    bounds = BoundsPen(None)
    recording.replay(bounds)
    pen = TTGlyphPen(None)
    if bounds.bounds is None:  # a blank glyph
        return pen.glyph()
    x_min, y_min, x_max, y_max = bounds.bounds
    scale = min(1.0, advance * (1 - 2 * MARGIN) / (x_max - x_min))
    cx, cy = (x_min + x_max) / 2, (y_min + y_max) / 2
    recording.replay(TransformPen(pen, (scale, 0, 0, scale, advance / 2 - cx * scale, cy - cy * scale)))
    return pen.glyph()


def build(style: str, source_path: Path, roboto_has: set[int]) -> Path:
    source = TTFont(source_path)
    cmap = source.getBestCmap()
    glyph_set = source.getGlyphSet()
    upm = source["head"].unitsPerEm
    advance = round(ROBOTO_ADVANCE * upm)
    # What Roboto Mono has stays Roboto Mono's: the page uses this font only for the rest.
    wanted = sorted(
        c
        for lo, hi in RANGES
        for c in range(lo, hi + 1)
        if c not in roboto_has and (c in cmap or c in DERIVED)
    )
    glyphs = {".notdef": TTGlyphPen(None).glyph()}
    for code in wanted:
        base, turn = DERIVED.get(code, (code, None))
        glyphs[f"u{code:04X}"] = fitted(glyph_set, cmap[base], advance, turn)
    builder = FontBuilder(upm, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap({code: f"u{code:04X}" for code in wanted})
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (advance, 0) for name in glyphs})
    hhea = source["hhea"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    postscript = f"StepperSymbols-{style}"
    builder.setupNameTable(
        {
            "copyright": source["name"].getDebugName(0) or "",
            "familyName": FAMILY,
            "styleName": style,
            "uniqueFontIdentifier": postscript,
            "fullName": f"{FAMILY} {style}",
            "psName": postscript,
            "version": "Version 1.0",
            "description": "DejaVu Sans Mono's symbols, each fitted to Roboto Mono's cell, for stepper's "
            "served page. Licence: see LICENSE-StepperSymbols.txt.",
        }
    )
    os2 = source["OS/2"]
    builder.setupOS2(
        usWeightClass=os2.usWeightClass,
        fsSelection=os2.fsSelection,
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        xAvgCharWidth=advance,
    )
    builder.setupPost(isFixedPitch=1)
    builder.font["head"].macStyle = source["head"].macStyle
    builder.font.flavor = "woff"  # zlib-compressed; every browser reads it
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{postscript}.woff"
    builder.save(path)
    return path


def main() -> None:
    roboto_has = set(TTFont(ROBOTO).getBestCmap())
    for style, source in SOURCES.items():
        path = build(style, source, roboto_has)
        print(f"{path}: {path.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
