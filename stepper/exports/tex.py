"""``stepper trace --format markdown | latex``: a trace to paste into a question, or to typeset.

Markdown is for Q&A sites with MathJax: a heading per step, the step's formula, the product laid out
as operands and result, every matrix as ``$$\\begin{pmatrix} … \\end{pmatrix}$$``. LaTeX is a whole
amsmath document with the same content. Both read the engine's step descriptions and values.
"""

from __future__ import annotations

import math
import re

import numpy as np

from stepper.engine.divergence import Divergence, steps_shown
from stepper.engine.explain import product_operands
from stepper.engine.iteration import IterationValues
from stepper.engine.network import Network
from stepper.engine.steps import Step
from stepper.exports.text import end_line, network_line
from stepper.formatting import ROUNDING, format_number

MAX_SIDE = 12  # larger matrices show their first and last rows/columns around ⋯ and ⋮

# A display: one formula, or a product's three parts (left operand, right operand, result).
Display = str | tuple[str, str, str]

# Displays that never run off the page. A product sits on one line when it fits, else each operand
# on its own line; a line still wider than the text (a 12-column matrix of long numbers) is scaled
# down to the text width rather than cut off.
_PREAMBLE = [
    r"\newsavebox\stepperbox",
    r"\newcommand\stepperfit[1]{\sbox\stepperbox{$\displaystyle #1$}%",
    r"  \ifdim\wd\stepperbox>\linewidth\resizebox{\linewidth}{!}{\usebox\stepperbox}%",
    r"  \else\usebox\stepperbox\fi}",
    r"\newcommand\stepperdisplay[1]{\par\smallskip{\centering\stepperfit{#1}\par}\smallskip}",
    r"\newcommand\stepperproduct[3]{\sbox\stepperbox{$\displaystyle #1 \cdot #2 = #3$}%",
    r"  \ifdim\wd\stepperbox>\linewidth",
    r"    \stepperdisplay{#1}\stepperdisplay{\cdot #2}\stepperdisplay{= #3}%",
    r"  \else\stepperdisplay{#1 \cdot #2 = #3}\fi}",
]

# Unicode of stepper's notation (docs/notation.md) → LaTeX math, after words and superscripts are done.
_SYMBOLS = [
    ("→", r" \to "),
    ("×", r"\times "),
    ("²", "^{2}"),
    ("½", r"\tfrac{1}{2}"),
    ("·", r" \cdot "),
    ("⊙", r" \odot "),
    ("−", "-"),
    ("←", r" \leftarrow "),
    ("Σ", r"\sum "),
    ("η", r"\eta"),
    ("δ", r"\delta"),
    ("β1", r"\beta_1"),
    ("β2", r"\beta_2"),
    ("λ", r"\lambda "),
    ("μ", r"\mu "),
    ("α", r"\alpha "),
    ("ε", r"\varepsilon "),
    ("Δ", r"\Delta "),
    ("|", r" \mid "),
]
FUNCTIONS = {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "diag", "mean"}


def _words(match: re.Match[str]) -> str:
    words = match.group(0)
    if words in FUNCTIONS:
        escaped = words.replace("_", r"\_")
        return rf"\operatorname{{{escaped}}}"
    return rf"\text{{ {words} }}"


def latex_math(formula: str) -> str:
    """A formula in stepper's notation as LaTeX math: ``n^1 = [1 | a^0] · W^0`` →
    ``n^{1} = [1 \\mid a^{0}] \\cdot W^{0}``."""
    text = formula.replace(" without bias row", "@NOBIAS@")
    # The optimizer's hatted moments and square roots, before words and superscripts.
    text = text.replace("m̂", "@MHAT@").replace("v̂", "@VHAT@")
    text = re.sub(r"√([^\s)+]+)", r"@SQRT@{\1}", text)
    # Derivatives first, while "dC/da^3" and "da^3/dn^3" are still whole.
    text = re.sub(r"\bd(\w)\^(\{?\w+\}?)/d(\w)\^(\{?\w+\}?)", r"@PARTIAL@ \1^\2/@PARTIAL@ \3^\4", text)
    text = re.sub(r"\bdC/d(\w)\^", r"@PARTIAL@ C/@PARTIAL@ \1^", text)
    # Words: function names upright, anything else of three letters or more as text.
    text = re.sub(r"(?<![\\A-Za-z@])[A-Za-z_]{3,}|\b(?:of|by|no)\b(?![A-Za-z@])", _words, text)
    text = re.sub(r"\bln\b", r"\\ln", text)
    text = re.sub(r"\^(\d+|[A-Za-z])(?![0-9A-Za-z{])", r"^{\1}", text)
    text = re.sub(r"\^\{([^}]*)\}ᵀ", r"^{\1\\top}", text)  # a^{3}ᵀ: one superscript, not two
    text = text.replace("ᵀ", r"^{\top}")
    for a, b in _SYMBOLS:
        text = text.replace(a, b)
    text = text.replace("@NOBIAS@", r"_{\text{no bias row}}").replace("@PARTIAL@", r"\partial")
    text = text.replace("@MHAT@", r"\hat{m}").replace("@VHAT@", r"\hat{v}").replace("@SQRT@", r"\sqrt")
    text = re.sub(r"\(\\eta = ([^)]*)\)", r"\\qquad (\\eta = \1)", text)
    return re.sub(r" {2,}", " ", text).strip()


def latex_text(text: str) -> str:
    """Plain words with the odd symbol (δ^3, →) for LaTeX text mode."""
    out = text.replace("\\", r"\textbackslash{}")
    for ch in "&%$#_{}":
        out = out.replace(ch, "\\" + ch)
    out = re.sub(r"(\S*\^\S+|δ\S*|[mv]̂|[ΣηΔ·⊙ᵀ−βλμαε√²½])", lambda m: f"${latex_math(m.group(1))}$", out)
    return out.replace("→", r"$\to$").replace("×", r"$\times$").replace("—", "---")


def tex_number(x: float) -> str:
    """A number inside math: inf and NaN as symbols (a bare "inf" would set as i·n·f)."""
    if math.isnan(x):
        return r"\mathrm{NaN}"
    if math.isinf(x):
        return r"\infty" if x > 0 else r"-\infty"
    return format_number(x)


def _cells(matrix: np.ndarray) -> list[list[str]]:
    rows, cols = matrix.shape
    keep_r = list(range(rows)) if rows <= MAX_SIDE else [*range(MAX_SIDE - 2), -1, rows - 1]
    keep_c = list(range(cols)) if cols <= MAX_SIDE else [*range(MAX_SIDE - 2), -1, cols - 1]
    out = []
    for r in keep_r:
        if r == -1:
            out.append([r"\vdots" if c != -1 else r"\ddots" for c in keep_c])
        else:
            out.append([r"\cdots" if c == -1 else tex_number(float(matrix[r, c])) for c in keep_c])
    return out


def pmatrix(matrix: np.ndarray) -> str:
    body = r" \\ ".join(" & ".join(row) for row in _cells(np.atleast_2d(matrix)))
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def _step_blocks(net: Network, step: Step, values: IterationValues) -> tuple[str, list[Display]]:
    """The step's heading text and its displays."""
    ref = step.output
    heading = f"Step {step.number}: {step.phase.value} · {step.title}"
    maths: list[Display] = [rf"{latex_math(step.formula)} \qquad {latex_math(step.shapes)}"]
    product = product_operands(net, step, values)
    if ref.quantity == "cost":
        maths.append(rf"C = {tex_number(values.cost)}")
    elif product is not None:
        left, right, result = (latex_math(n) for n in product.names)
        maths.append(
            (
                rf"\underbrace{{{pmatrix(product.left)}}}_{{{left}}}",
                rf"\underbrace{{{pmatrix(product.right)}}}_{{{right}}}",
                rf"\underbrace{{{pmatrix(product.result)}}}_{{{result}}}",
            )
        )
    else:
        matrix = values.quantity(ref.quantity)[ref.layer]
        if matrix is None:
            maths.append(r"\text{(a Jacobian per observation: applied in the next step, not stored)}")
        else:
            maths.append(rf"{latex_math(ref.symbol)} = {pmatrix(matrix)}")
    return heading, maths


def _start_blocks(net: Network, values: IterationValues) -> list[Display]:
    maths: list[Display] = [rf"W^{{{l}}} = {pmatrix(w)}" for l, w in enumerate(values.weights)]
    maths += [rf"a^{{0}} = {pmatrix(values.a[0])}", rf"y = {pmatrix(values.targets)}"]
    return maths


def _markdown(display: Display) -> str:
    """One MathJax display: a product on one line (the page scrolls sideways if it must)."""
    return display if isinstance(display, str) else r"{} \cdot {} = {}".format(*display)


def _latex(display: Display) -> str:
    """One display of the LaTeX document, through the macros of :data:`_PREAMBLE`."""
    if isinstance(display, str):
        return rf"\stepperdisplay{{{display}}}"
    return r"\stepperproduct{{{}}}{{{}}}{{{}}}".format(*display)


def trace_markdown(
    net: Network,
    iterations: list[IterationValues],
    steps: tuple[Step, ...],
    first: int = 1,
    diverged: Divergence | None = None,
) -> str:
    out = [
        f"# stepper trace: {network_line(net)}",
        "",
        "Notation: row o is an observation, column j a neuron; in a weight matrix W^l row 0 is the "
        f"bias row b and row i + 1 holds the weights from neuron i. {ROUNDING}",
    ]
    for k, values in enumerate(iterations, start=first):
        out += ["", f"## Iteration {k}", "", "Weights at the start of the iteration, inputs and targets:", ""]
        out += [line for m in _start_blocks(net, values) for line in (f"$${_markdown(m)}$$", "")]
        for step in steps_shown(steps, diverged, k):
            heading, maths = _step_blocks(net, step, values)
            out += [f"### {heading}", ""]
            out += [line for m in maths for line in (f"$${_markdown(m)}$$", "")]
            out += [step.why, ""]
        out += [end_line(k, values, diverged)]
    return "\n".join(out) + "\n"


def trace_latex(
    net: Network,
    iterations: list[IterationValues],
    steps: tuple[Step, ...],
    first: int = 1,
    diverged: Divergence | None = None,
) -> str:
    widest = max(
        [1] + [min(np.atleast_2d(m).shape[1], MAX_SIDE) for v in iterations for m in (*v.weights, *v.a)]
    )
    out = [
        r"\documentclass[10pt]{article}",
        # Landscape when a matrix has more than 6 columns: a 10-wide layer's matrices fit at full size.
        rf"\usepackage[a4paper,margin=2cm{',landscape' if widest > 6 else ''}]{{geometry}}",
        r"\usepackage{amsmath}",
        r"\usepackage{graphicx}",
        r"\usepackage[utf8]{inputenc}",
        rf"\setcounter{{MaxMatrixCols}}{{{widest + 2}}}",
        *_PREAMBLE,
        rf"\title{{stepper trace: {latex_text(net.name)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        latex_text(network_line(net)) + r"\par",
        "Row $o$ is an observation, column $j$ a neuron; in a weight matrix $W^{l}$ row 0 is the bias "
        r"row $b$ and row $i + 1$ holds the weights from neuron $i$. " + latex_text(ROUNDING) + r"\par",
    ]
    for k, values in enumerate(iterations, start=first):
        out += [rf"\section*{{Iteration {k}}}", "Weights at the start of the iteration, inputs and targets:"]
        out += [_latex(m) for m in _start_blocks(net, values)]
        for step in steps_shown(steps, diverged, k):
            heading, maths = _step_blocks(net, step, values)
            out.append(rf"\subsection*{{{latex_text(heading)}}}")
            out += [_latex(m) for m in maths]
            out.append(latex_text(step.why) + r"\par")
        out.append(latex_text(end_line(k, values, diverged)) + r"\par")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
