"""The numbers printed in seed/question.md, reproduced by `stepper trace` and `stepper train`.

The question's author computed in float32: of its 26 distinct numbers, 11 differ from float64's in
their last printed digit and 5 (da^3/dn^3 and δ^3) from their 6th significant digit on, all within a
relative 1e-5, stepper compare's default tolerance for exactly that reason.
"""

from __future__ import annotations

import numpy as np
import pytest

RTOL = 1e-5

A1 = [[0.9002495, 0.9002495, 0.9002495], [0.8320184, 0.8320184, 0.8320184]]
A2 = [[0.9758906, 0.9758906, 0.9758906], [0.9705753, 0.9705753, 0.9705753]]
A3 = [[0.9806908, 0.9806908], [0.9803864, 0.9803864]]
DC_DA3 = [[1.5613816, 1.1613816], [-0.0392272, 1.9607728]]
DA3_DN3 = [[0.01893635, 0.01893635], [0.01922891, 0.01922891]]
DELTA3 = [[0.02956687, 0.02199233], [-0.0007543, 0.03770352]]
GRAD2 = [[0.0288126, 0.0596958], [0.028122, 0.0580562], [0.028122, 0.0580562], [0.028122, 0.0580562]]
AFTER_1000 = [[0.5992708, 0.1997655], [0.5993174, 0.2004307]]


@pytest.fixture
def first_iteration(cli):
    run = cli("trace", "--format", "json")
    assert run.code == 0, run.err
    return run.json()["iterations"][0]


def test_forward_pass_matches_the_question(first_iteration):
    it = first_iteration
    np.testing.assert_allclose(it["a"][0], [[0.8, 0.4], [0.3, 0.3]])
    np.testing.assert_allclose(it["n"][1], [[2.2] * 3, [1.6] * 3], rtol=1e-12)
    np.testing.assert_allclose(it["a"][1], A1, rtol=RTOL)
    np.testing.assert_allclose(it["a"][2], A2, rtol=RTOL)
    np.testing.assert_allclose(it["a"][3], A3, rtol=RTOL)


def test_backward_pass_matches_the_question(first_iteration):
    it = first_iteration
    np.testing.assert_allclose(it["dC_da"][3], DC_DA3, rtol=RTOL)
    np.testing.assert_allclose(it["da_dn"][3], DA3_DN3, rtol=RTOL)
    np.testing.assert_allclose(it["delta"][3], DELTA3, rtol=RTOL, atol=1e-8)
    np.testing.assert_allclose(it["grad"][2], GRAD2, rtol=RTOL)


def test_trace_json_has_the_spec_shape(first_iteration):
    it = first_iteration
    assert it["iteration"] == 1
    assert it["n"][0] is None and it["dC_da"][0] is None and it["delta"][0] is None
    assert len(it["a"]) == 4 and len(it["grad"]) == 3
    assert [np.shape(w) for w in it["weights_before"]] == [(3, 3), (4, 3), (4, 2)]
    assert it["cost"] == pytest.approx(1.908222010690251, rel=1e-12)
    before, after, grad = (np.array(it[k][2]) for k in ("weights_before", "weights_after", "grad"))
    np.testing.assert_array_equal(after, before - 0.5 * grad)


def test_trace_text_shows_the_numbers_a_person_checks(cli):
    out = cli("trace").out
    for text in (
        "2.2000000",
        "1.6000000",
        "0.9002495",
        "0.8320184",
        "0.9758906",
        "0.9705753",
        "0.9806907",
        "1.5613815",
        "0.01893642",
        "0.02956698",
        "0.02881269",
        "0.05969584",
        "0.02812204",
        "0.05805621",
        "Step 22/22",
    ):
        assert text in out


def test_train_1000_iterations_gives_the_questions_outputs(cli):
    run = cli("train", "--iterations", "1000", "--lr", "0.5", "--format", "json")
    assert run.code == 0
    doc = run.json()
    assert doc["iterations"] == 1000 and len(doc["cost"]) == 1000
    np.testing.assert_allclose(doc["outputs"], AFTER_1000, rtol=RTOL)
    # It predicts the mean target for both observations: the clones cannot fit them apart.
    np.testing.assert_allclose(doc["outputs"][0], doc["outputs"][1], atol=1e-3)


def first_difference(printed: float, ours: float) -> tuple[int | None, int]:
    """(the first significant digit where ``ours``, rounded to the decimals ``printed`` shows, differs
    from it, or None; how many significant digits ``printed`` shows)."""
    text = repr(printed)
    mine = f"{ours:.{len(text.split('.')[1])}f}"
    a, b = (s.lstrip("-").replace(".", "").lstrip("0") for s in (text, mine))
    return next((i + 1 for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None), len(a)


def test_the_readme_says_how_many_of_the_question_s_numbers_float32_changed(cli, first_iteration):
    """README and docs/notation.md said "a few differ in their last printed digit"; five differ from
    the 6th significant digit. The counts they give are the ones computed here."""
    from pathlib import Path

    it = first_iteration
    a3 = np.array(it["a"][3])
    trained = cli("train", "--iterations", "1000", "--format", "json").json()["outputs"]
    ours = {
        "a1": (A1, it["a"][1]),
        "a2": (A2, it["a"][2]),
        "a3": (A3, a3),
        "dC_da3": (DC_DA3, it["dC_da"][3]),
        "a3 - 1": ([[-0.0193092] * 2, [-0.0196136] * 2], a3 - 1),
        "da3_dn3": (DA3_DN3, it["da_dn"][3]),
        "delta3": (DELTA3, it["delta"][3]),
        "grad2": (GRAD2[:2], it["grad"][2][:2]),
        "after 1000": (AFTER_1000, trained),
    }
    kinds: dict[str, set[tuple[str, float]]] = {"same": set(), "last": set(), "6th": set()}
    for name, (printed, computed) in ours.items():
        for row, values in zip(printed, computed, strict=True):
            for p, o in zip(row, values, strict=True):
                first, shown = first_difference(p, float(o))
                kind = "same" if first is None else "last" if first == shown else "6th"
                assert first is None or first >= 6, (name, p, o)
                kinds[kind].add((name, p))
    counts = {k: len(v) for k, v in kinds.items()}
    assert {name for name, _ in kinds["6th"]} == {"da3_dn3", "delta3"}
    total = sum(counts.values())
    for doc in ("README.md", "docs/notation.md"):
        text = " ".join((Path(__file__).resolve().parent.parent / doc).read_text().split())
        assert f"{counts['same']} of its {total} distinct numbers are the same" in text, doc
        assert f"{counts['last']} differ in their last printed digit" in text, doc
        assert f"{counts['6th']} differ from their 6th significant digit on" in text, doc


def test_train_text_ends_with_the_cost_curve(cli):
    out = cli("train", "--iterations", "1000").out
    assert "0.5992706" in out
    last = out.rstrip("\n").splitlines()[-2:]
    assert last == ["  iteration 1: C = 1.9082220", "  iteration 1000: C = 0.4002300"]
