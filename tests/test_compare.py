"""`stepper compare`: a learner's own numbers, and the first place they go wrong."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stepper.netfile import load_network


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def learner_trace(network: str, bug: str | None, iterations: int = 2) -> dict:
    """A learner's own backprop for a sigmoid network with the sse cost, written the textbook way,
    in float32, with one classic bug switched on."""
    net = load_network(network)
    W = [w.astype(np.float32) for w in net.weights]
    x, y = net.inputs.astype(np.float32), net.targets.astype(np.float32)
    L = net.depth
    out = []
    for k in range(1, iterations + 1):
        a, n = [x], [None]
        for l in range(1, L + 1):
            n.append(np.hstack([np.ones((len(x), 1), np.float32), a[-1]]) @ W[l - 1])
            a.append(sigmoid(n[-1]))
        cost = float(((a[L] - y) ** 2).sum())
        dC_da, da_dn, delta, grad = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1), [None] * L
        dC_da[L] = 2 * (a[L] - y)
        for l in range(L, 0, -1):
            da_dn[l] = a[l] * (1 - a[l])
            forgot = bug == "derivative forgotten" and l < L
            delta[l] = dC_da[l] if forgot else dC_da[l] * da_dn[l]
            ones = np.ones((len(x), 1), np.float32)
            grad[l - 1] = np.hstack([ones, a[l - 1]]).T @ delta[l]
            if bug == "bias row left out":
                grad[l - 1][0] = 0
            if bug == "averaged":
                grad[l - 1] = grad[l - 1] / len(x)
            if l > 1:
                w = W[l - 1][1:]
                # The transposition bug only runs where the shapes let it: a square W.
                transposed = bug == "transposed" and w.shape[0] == w.shape[1]
                dC_da[l - 1] = delta[l] @ (w if transposed else w.T)
        after = [w - np.float32(net.learning_rate) * g for w, g in zip(W, grad)]
        out.append(
            {
                "iteration": k,
                "cost": cost,
                "weights_before": W,
                "n": n,
                "a": a,
                "dC_da": dC_da,
                "da_dn": da_dn,
                "delta": delta,
                "grad": grad,
                "weights_after": after,
            }
        )
        W = after
    plain = lambda v: None if v is None else v.tolist() if isinstance(v, np.ndarray) else v  # noqa: E731
    return {
        "iterations": [
            {k: plain(v) if not isinstance(v, list) else [plain(m) for m in v] for k, v in it.items()}
            for it in out
        ]
    }


def write(tmp_path: Path, document: dict, name: str = "mine.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


@pytest.mark.parametrize("network", ["identical-columns", "random-init"])
def test_correct_float32_numbers_match(cli, tmp_path, network) -> None:
    run = cli("compare", write(tmp_path, learner_trace(network, None)), network, "--format", "json")
    assert run.code == 0, run.out
    report = run.json()
    assert report["match"] and report["first_mismatch"] is None
    assert report["checked"] == 2 * 172  # two iterations, every number of the seed's trace and C


def test_stepper_own_trace_matches_and_the_text_says_so(cli, tmp_path) -> None:
    mine = write(tmp_path, cli("trace", "--iterations", "3", "--format", "json").json())
    run = cli("compare", mine)
    assert run.code == 0 and "✓ All 516 numbers match." in run.out


@pytest.mark.parametrize(
    ("bug", "quantity", "layer", "row", "col", "hint"),
    [
        ("derivative forgotten", "delta", 2, 0, 0, "da^2/dn^2 was not multiplied in"),
        ("bias row left out", "grad", 2, 0, 0, "bias row"),
        ("transposed", "dC_da", 1, 0, 0, "without the transpose"),
        ("averaged", "grad", 2, 0, 0, "averaged instead of summed"),
    ],
)
def test_a_classic_bug_is_named_at_its_first_wrong_cell(
    cli, tmp_path, bug, quantity, layer, row, col, hint
) -> None:
    mine = write(tmp_path, learner_trace("random-init", bug))
    run = cli("compare", mine, "random-init", "--format", "json")
    assert run.code == 1
    first = run.json()["first_mismatch"]
    assert (first["iteration"], first["quantity"], first["layer"]) == (1, quantity, layer)
    assert (first["row"], first["col"]) == (row, col)
    assert first["expected"] != pytest.approx(first["got"], rel=1e-5)
    assert hint in first["likely_cause"]  # the text's "Likely cause", for a script too
    text = " ".join(cli("compare", mine, "random-init").out.split())
    assert hint in text and "First difference: iteration 1" in text


def test_a_subset_of_quantities_and_nulls_are_skipped(cli, tmp_path) -> None:
    full = learner_trace("identical-columns", None, iterations=1)["iterations"][0]
    mine = {"iterations": [{"iteration": 1, "a": full["a"], "delta": [None, None, None, full["delta"][3]]}]}
    report = cli("compare", write(tmp_path, mine), "--format", "json").json()
    assert report["match"] and report["checked"] == 4 + 6 + 6 + 4 + 4  # a^0..a^3 and δ^3


def test_a_wrong_shape_is_reported_as_the_first_difference(cli, tmp_path) -> None:
    full = learner_trace("random-init", None, iterations=1)["iterations"][0]
    w1 = np.array(full["weights_before"][1])
    mine = {"iterations": [{"weights_before": [None, w1.T.tolist()]}]}
    run = cli("compare", write(tmp_path, mine), "random-init", "--format", "json")
    first = run.json()["first_mismatch"]
    assert run.code == 1 and first["quantity"] == "weights_before" and first["layer"] == 1
    assert first["row"] is None and first["reason"] == "shape 3×4, expected 4×3"
    assert run.json()["checked"] == 12  # W^1's 4×3 numbers, none matched: not "1 of the 1"
    assert "transposed" in cli("compare", str(tmp_path / "mine.json"), "random-init").out


def test_npz_arrays_named_like_a1_delta3_grad2(cli, tmp_path) -> None:
    it = learner_trace("identical-columns", "derivative forgotten", iterations=1)["iterations"][0]
    arrays = {f"a{l}": np.array(it["a"][l]) for l in range(4)}
    arrays |= {f"delta{l}": np.array(it["delta"][l]) for l in (2, 3)}
    arrays["grad2"] = np.array(it["grad"][2])
    arrays["cost"] = np.array(it["cost"])
    np.savez(tmp_path / "mine.npz", **arrays)
    report = cli("compare", str(tmp_path / "mine.npz"), "--format", "json").json()
    assert report["first_mismatch"]["quantity"] == "delta" and report["first_mismatch"]["layer"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", 'expected an object with an "iterations" list'),
        ('{"iterations": [3]}', "expected an object of quantities"),
        ('{"iterations": [{"alpha": []}]}', "unknown quantity 'alpha'"),
        ('{"iterations": [{"a": [[[1, 2]], [[1], [2, 3]]]}]}', "rows have different lengths"),
        ('{"iterations": [{"a": [[["x", 2]]]}]}', "expected numbers"),
        ('{"iterations": [{"iteration": 0}]}', '"iteration" must be a whole number >= 1'),
        ('{"iterations": [{"n": [null, null, null, null, [[1]]]}]}', "has a matrix for layer 4"),
    ],
)
def test_malformed_mine_files_get_exit_2_and_a_clear_message(cli, tmp_path, content, message) -> None:
    path = tmp_path / "mine.json"
    path.write_text(content)
    run = cli("compare", str(path))
    assert run.code == 2 and message in run.err and "Traceback" not in run.err
    assert run.err.startswith(f"stepper: error: {path}")


def test_a_pickled_npz_is_refused(cli, tmp_path) -> None:
    np.savez(tmp_path / "evil.npz", a1=np.array([{"x": 1}], dtype=object))
    run = cli("compare", str(tmp_path / "evil.npz"))
    assert run.code == 2 and "evil.npz" in run.err


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_a_gradient_without_its_bias_row_is_named_not_a_crash(cli, tmp_path, layer) -> None:
    """dC/dW with its bias row dropped (the column of ones left out of [1 | a]): compare raised a
    ValueError comparing rows of two shapes, exit 1 with a traceback (a tester); at layer 0 the
    shapes happened to fit and no cause was said."""
    full = learner_trace("random-init", None, iterations=1)["iterations"][0]
    grad = [None, None, None]
    grad[layer] = np.array(full["grad"][layer])[1:].tolist()
    mine = write(tmp_path, {"iterations": [{"grad": grad}]})
    run = cli("compare", mine, "random-init")
    assert run.code == 1 and "Traceback" not in run.out + run.err
    assert "without its bias row" in " ".join(run.out.split())


def seed_iteration() -> dict:
    """The seed's own numbers for iteration 1 (stepper's float64), as a learner would copy them."""
    return learner_trace("identical-columns", None, iterations=1)["iterations"][0]


def test_a_gradient_without_its_bias_row_says_its_numbers_match_and_the_row_is_missing(cli, tmp_path) -> None:
    """dC/dW^1 of the seed (4×3) given as its rows i=0–2 only: every number given is right, and the
    summary said "12 of the 12 numbers checked differ" (before that, "8 of the 12"), read as wrong
    by a tester."""
    grad1 = np.array(seed_iteration()["grad"][1])
    mine = write(tmp_path, {"iterations": [{"grad": [None, grad1[1:].tolist(), None]}]})
    text = " ".join(cli("compare", mine).out.split())
    assert "numbers checked differ" not in text
    assert (
        "Your 9 numbers match rows i=0–2 of the expected dC/dW^1; its bias row (row b, 3 numbers) is missing."
        in text
    )
    assert "without its bias row" in text  # the likely cause stays
    run = cli("compare", mine, "--format", "json")
    report = run.json()
    assert run.code == 1 and not report["match"]
    assert (report["checked"], report["differing"], report["missing"]) == (9, 0, 3)
    assert report["first_mismatch"]["reason"] == "shape 3×3, expected 4×3"
    assert "without its bias row" in report["first_mismatch"]["likely_cause"]


def test_bias_rows_missing_beside_other_differences_are_counted_apart(cli, tmp_path) -> None:
    """Every dC/dW without its bias row, and W^2 after the update wrong: the counts say both."""
    it = seed_iteration()
    grads = [np.array(g)[1:].tolist() for g in it["grad"]]
    after = [None, None, (np.array(it["weights_after"][2]) + 0.1).tolist()]
    mine = write(tmp_path, {"iterations": [{"grad": grads, "weights_after": after}]})
    report = cli("compare", mine, "--format", "json").json()
    # dC/dW^0..2 give 6 + 9 + 6 numbers, all right, and lack 3 + 3 + 2; W^2 after: 8, all wrong.
    assert (report["checked"], report["differing"], report["missing"]) == (29, 8, 8)
    assert report["first_mismatch"]["quantity"] == "grad" and report["first_mismatch"]["layer"] == 2
    text = " ".join(cli("compare", mine).out.split())
    assert "Your 6 numbers match rows i=0–2 of the expected dC/dW^2; its bias row (row b, 2 numbers)" in text
    assert "8 of the 29 numbers checked differ and 8 are missing: fix the first one first." in text
    grads_only = write(tmp_path, {"iterations": [{"grad": grads}]}, "grads.json")
    assert "All 21 numbers checked match; 8 are missing." in cli("compare", grads_only).out


@pytest.mark.parametrize(
    ("extra_at", "says"),
    [
        (
            "end",
            "Your rows 0–3 match the expected dC/dW^1 (rows b and i=0–2); "
            "your row 4 (3 numbers) is one too many.",
        ),
        (
            "start",
            "Your rows 1–4 match the expected dC/dW^1 (rows b and i=0–2); "
            "your row 0 (3 numbers) is one too many.",
        ),
    ],
)
def test_a_row_too_many_says_which_and_that_the_rest_match(cli, tmp_path, extra_at, says) -> None:
    grad1 = seed_iteration()["grad"][1]
    rows = [*grad1, [0.0, 0.0, 0.0]] if extra_at == "end" else [grad1[0], *grad1]
    mine = write(tmp_path, {"iterations": [{"grad": [None, rows, None]}]})
    text = " ".join(cli("compare", mine).out.split())
    assert says in text and "12 of the 12" not in text
    report = cli("compare", mine, "--format", "json").json()
    assert (report["checked"], report["differing"], report["missing"]) == (15, 3, 0)


def test_a_matrix_of_another_layer_is_named(cli, tmp_path) -> None:
    """A "grad" list without its last entry's place: dC/dW^2 sits where dC/dW^1 goes."""
    it = seed_iteration()
    mine = write(tmp_path, {"iterations": [{"grad": [it["grad"][1], it["grad"][2]]}]})
    report = cli("compare", mine, "--format", "json").json()
    first = report["first_mismatch"]
    assert (first["quantity"], first["layer"], first["reason"]) == ("grad", 1, "shape 4×2, expected 4×3")
    assert first["likely_cause"].startswith("It is dC/dW^2, the value of layer 2")
    assert report["missing"] == 0 and report["differing"] == report["checked"] == 21  # nothing in place


def test_weights_without_the_bias_row_at_constant_init_are_not_called_another_layer(cli, tmp_path) -> None:
    """W^1 of the seed without its bias row is 3×3 ones, which is W^0 too: the missing row says more."""
    w1 = np.array(seed_iteration()["weights_before"][1])
    mine = write(tmp_path, {"iterations": [{"weights_before": [None, w1[1:].tolist()]}]})
    report = cli("compare", mine, "--format", "json").json()
    assert report["first_mismatch"]["likely_cause"] is None and report["missing"] == 3
    assert "its bias row (row b, 3 numbers) is missing" in " ".join(cli("compare", mine).out.split())


def test_a_transposed_matrix_still_counts_every_number_as_out_of_place(cli, tmp_path) -> None:
    grad1 = np.array(seed_iteration()["grad"][1])
    mine = write(tmp_path, {"iterations": [{"grad": [None, grad1.T.tolist(), None]}]})
    report = cli("compare", mine, "--format", "json").json()
    assert (report["checked"], report["differing"], report["missing"]) == (12, 12, 0)
    assert "transposed" in report["first_mismatch"]["likely_cause"]


def test_the_first_differing_cell_is_named_as_the_screen_labels_it(cli, tmp_path) -> None:
    """dC/dW^2's row 3 is the screen's row i=2 (under the bias row b); the text said only "row 3,
    column 1", which a tester could not find on the screen. The JSON keeps its numbers."""
    grad2 = seed_iteration()["grad"][2]
    grad2[3][1] = 0.0580621
    mine = write(tmp_path, {"iterations": [{"grad": [None, None, grad2]}]})
    out = cli("compare", mine).out
    # 82 characters on one line: the place in the JSON goes under the cell, whole.
    assert "✗ First difference: iteration 1, dC/dW^2[i=2, j=1]\n  (grad, layer 2, row 3, column 1)\n" in out
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("✗ First difference"))
    assert len(lines[at]) <= 80 and len(lines[at + 1]) <= 80
    first = cli("compare", mine, "--format", "json").json()["first_mismatch"]
    assert (first["row"], first["col"]) == (3, 1)
    delta3 = seed_iteration()["delta"][3]
    delta3[1][0] = 0.5
    other = write(tmp_path, {"iterations": [{"delta": [None, None, None, delta3]}]}, "delta.json")
    assert "δ^3[o=1, j=0] (delta, layer 3, row 1, column 0)" in cli("compare", other).out


def test_expected_and_got_line_up_and_got_is_as_the_learner_wrote_it(cli, tmp_path) -> None:
    """The text showed "got 0.05806210", a digit the learner never wrote, and "got 1.5613816" sat one column
    off "expected 0.02956698"."""
    grad2 = seed_iteration()["grad"][2]
    grad2[3][1] = 0.0580621
    lines = cli("compare", write(tmp_path, {"iterations": [{"grad": [None, None, grad2]}]})).out.splitlines()
    expected = next(x for x in lines if x.strip().startswith("expected"))
    got = next(x for x in lines if x.strip().startswith("got"))
    assert got.split()[:2] == ["got", "0.0580621"]
    assert expected.index(".") == got.index(".") and expected.index("(") == got.index("(")
    delta3 = seed_iteration()["delta"][3]
    delta3[0][0] = 12.5  # a wider whole part: the points still line up
    lines = cli("compare", write(tmp_path, {"iterations": [{"delta": [None, None, None, delta3]}]})).out
    expected, got = (x for x in lines.splitlines() if x.strip().startswith(("expected", "got")))
    assert got.split()[1] == "12.5" and expected.index(".") == got.index(".")


def test_two_rows_are_said_as_two_rows(cli, tmp_path) -> None:
    """dC/dW^0 of the seed (3×3) without its bias row: "rows i=0–1" read as a range of two."""
    grad0 = np.array(seed_iteration()["grad"][0])
    mine = write(tmp_path, {"iterations": [{"grad": [grad0[1:].tolist(), None, None]}]})
    text = " ".join(cli("compare", mine).out.split())
    assert "Your 6 numbers match rows i=0 and i=1 of the expected dC/dW^0;" in text


def _notice(document: dict) -> str:
    """The app's notice after ``--compare`` with ``document`` on the seed."""
    from stepper.engine.compare import compare
    from stepper.exports.compare_out import compare_notice
    from stepper.minefile import mine_from_trace

    result = compare(load_network("identical-columns"), mine_from_trace(document, "mine.json"))
    return compare_notice(result, "mine.json")


def test_the_app_notice_says_marked_only_of_cells_that_are_marked() -> None:
    """A transposed matrix or one without its bias row has no cell marked ≠; the notice said "they are
    marked ≠" of them. It says what the matrix is instead, and names cells as the screen does."""
    grad2 = np.array(seed_iteration()["grad"][2])
    transposed = _notice({"iterations": [{"grad": [None, None, grad2.T.tolist()]}]})
    assert "marked" not in transposed
    assert transposed == (
        "≠ mine.json first differs at iteration 1: dC/dW^2: shape 2×4, expected 4×2. It is the expected "
        "matrix transposed: rows and columns swapped. 8 of 8 numbers differ."
    )
    grad1 = np.array(seed_iteration()["grad"][1])
    no_bias = _notice({"iterations": [{"grad": [None, grad1[1:].tolist(), None]}]})
    assert "marked" not in no_bias and "without its bias row" in no_bias
    assert no_bias.endswith("All 9 numbers given match; 3 are missing.")
    wrong = grad2.tolist()
    wrong[3][1] = 0.5
    one = _notice({"iterations": [{"grad": [None, None, wrong]}]})
    assert one == (
        "≠ mine.json first differs at iteration 1: dC/dW^2[i=2, j=1]. 1 of 8 numbers differs; "
        "they are marked ≠."
    )
    both = _notice({"iterations": [{"grad": [None, grad1[1:].tolist(), wrong]}]})
    assert both.endswith("1 of 17 numbers differs and 3 are missing; they are marked ≠.")
    transposed_then_wrong = _notice({"iterations": [{"grad": [None, grad1.T.tolist(), wrong]}]})
    assert transposed_then_wrong.endswith("13 of 20 numbers differ; 1 is marked ≠.")


def bias_row_last(document: dict) -> dict:
    """A learner's trace kept with the bias as the last row of each weight-shaped matrix (W, dC/dW,
    W after), the other common layout: n = [a | 1] · W. Everything else is right."""
    out = {"iterations": []}
    for it in document["iterations"]:
        it = dict(it)
        for key in ("weights_before", "grad", "weights_after"):
            it[key] = [np.roll(np.array(m), -1, axis=0).tolist() for m in it[key]]
        out["iterations"].append(it)
    return out


def test_a_bias_row_put_last_is_named_as_the_likely_cause(cli, tmp_path) -> None:
    """The seed's W are all ones (the same with any row order), so the first difference is dC/dW^2,
    the first weight-shaped matrix computed. Its rows by hand, δ^3 = [[0.02956698, 0.02199241],
    [-0.0007542927, 0.03770343]] and a^2 = 0.9758906 / 0.9705753 in every column:
    b = 0.02956698 − 0.0007542927 = 0.02881269 (column 0), and each row i
    0.9758906·0.02956698 − 0.9705753·0.0007542927 = 0.02812204. Bias last, the learner's row 0 is
    0.02812204 where 0.02881269 is expected, and rows 0 and 3 differ (rows 1 and 2, clones, match):
    4 numbers. The text said no likely cause (a tester's finding)."""
    mine = write(tmp_path, bias_row_last(learner_trace("identical-columns", None, iterations=1)))
    run = cli("compare", mine, "--format", "json")
    assert run.code == 1
    report = run.json()
    first = report["first_mismatch"]
    assert (first["quantity"], first["layer"], first["row"], first["col"]) == ("grad", 2, 0, 0)
    assert first["expected"] == pytest.approx(0.02881269, abs=5e-9)
    assert first["got"] == pytest.approx(0.02812204, rel=1e-5)  # the learner's float32: 0.02812197
    # dC/dW^2 and W^2 after: rows 0 and 3 (2 columns); dC/dW^1 and W^1 after: rows 0 and 3 (3
    # columns, rows i=0–2 clones); dC/dW^0 and W^0 after: all 3 rows (the two inputs differ). The
    # starting weights, all ones, match in any order.
    assert report["differing"] == 2 * (4 + 6 + 9)
    cause = "It is the expected matrix with its bias row put last: in dC/dW^2 the bias row b comes first"
    assert first["likely_cause"].startswith(cause)
    text = " ".join(cli("compare", mine).out.split())
    assert "Likely cause: " + cause in text
    assert "First difference: iteration 1, dC/dW^2[b, j=0]" in text


def test_random_weights_with_the_bias_row_last_are_named_at_w0(cli, tmp_path) -> None:
    """random-init: the learner's W^0 as the iteration starts is already in the other order."""
    mine = write(tmp_path, bias_row_last(learner_trace("random-init", None, iterations=1)))
    first = cli("compare", mine, "random-init", "--format", "json").json()["first_mismatch"]
    assert (first["quantity"], first["layer"], first["row"]) == ("weights_before", 0, 0)
    assert "bias row put last: in W^0 the bias row b comes first" in first["likely_cause"]


def test_a_bias_row_moved_elsewhere_says_where_and_other_swaps_say_nothing(tmp_path) -> None:
    from stepper.engine.compare import compare
    from stepper.minefile import mine_from_trace

    net = load_network("random-init")
    w0 = np.array(learner_trace("random-init", None, iterations=1)["iterations"][0]["weights_before"][0])
    middle = w0[[1, 0, 2]]  # b moved to row 1 (3 rows: b, i=0, i=1)
    first = compare(net, mine_from_trace({"iterations": [{"weights_before": [middle.tolist()]}]}, "m")).first
    assert first is not None and "bias row put at row 1:" in first.hint
    swapped = w0[[0, 2, 1]]  # two weight rows swapped, the bias where it belongs: not this cause
    first = compare(net, mine_from_trace({"iterations": [{"weights_before": [swapped.tolist()]}]}, "m")).first
    assert first is not None and "bias row" not in first.hint


def test_the_app_notice_names_a_likely_cause_of_wrong_values_too() -> None:
    """The bias row put last: the cells are marked ≠, and the notice says why they likely are."""
    grad2 = np.roll(np.array(seed_iteration()["grad"][2]), -1, axis=0)
    notice = _notice({"iterations": [{"grad": [None, None, grad2.tolist()]}]})
    assert notice == (
        "≠ mine.json first differs at iteration 1: dC/dW^2[b, j=0]. It is the expected matrix with "
        "its bias row put last: in dC/dW^2 the bias row b comes first (row 0, for the 1 of "
        "[1 | a^2]), then a row per neuron of layer 2. 4 of 8 numbers differ; they are marked ≠."
    )


def test_activations_with_the_column_of_ones_kept_are_named(cli, tmp_path) -> None:
    """a^1 of the seed given as [1 | a^1] (the ones kept from the product, a classic slip): its shape
    differed and no cause was said (a tester). Hand-worked: a^1 = [[0.9002495 ×3], [0.8320184 ×3]],
    given as [[1, 0.9002495 ×3], [1, 0.8320184 ×3]]."""
    a1 = np.array(seed_iteration()["a"][1])
    assert np.allclose(a1, [[0.9002495] * 3, [0.8320184] * 3], atol=5e-8)
    ones = np.hstack([np.ones((2, 1)), a1])
    mine = write(tmp_path, {"iterations": [{"a": [None, ones.tolist()]}]})
    report = cli("compare", mine, "--format", "json").json()
    first = report["first_mismatch"]
    assert first["reason"] == "shape 2×4, expected 2×3"
    assert first["likely_cause"].startswith("It is [1 | a^1]: a^1 with the column of ones in front.")
    assert (report["checked"], report["differing"], report["missing"]) == (8, 2, 0)  # the ones only
    text = " ".join(cli("compare", mine).out.split())
    assert "Likely cause: It is [1 | a^1]" in text and "n^2 = [1 | a^1] · W^1" in text
    assert "Your columns 1–3 match the expected a^1 (columns 0–2); your column 0 (2 numbers)" in text


@pytest.mark.parametrize("where", [0, 2, 3])
def test_a_column_too_many_says_which_and_that_the_others_match(cli, tmp_path, where: int) -> None:
    """Any matrix with a column inserted (not ones in front of a^l): the column is named."""
    delta2 = np.array(seed_iteration()["delta"][2])
    wider = np.insert(delta2, where, 0.5, axis=1)
    mine = write(tmp_path, {"iterations": [{"delta": [None, None, wider.tolist(), None]}]})
    report = cli("compare", mine, "--format", "json").json()
    # Only the extra column's numbers differ: the tester read "6 of the 6 numbers checked differ".
    assert (report["checked"], report["differing"], report["missing"]) == (8, 2, 0)
    given = {0: "columns 1–3", 2: "columns 0, 1 and 3", 3: "columns 0–2"}[where]
    says = (
        f"Your {given} match the expected δ^2 (columns 0–2); your column {where} (2 numbers) is one too many."
    )
    run = cli("compare", mine)
    text = " ".join(run.out.split())
    assert run.code == 1 and says in text and "numbers checked differ" not in text
