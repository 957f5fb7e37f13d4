"""[optimizer] and [training] in network files and on the command line; their JSON and compare."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stepper.netfile import example_text

SEED = example_text("identical-columns")


def write(tmp_path: Path, extra: str) -> str:
    path = tmp_path / "net.toml"
    path.write_text(SEED + "\n" + extra)
    return str(path)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ('[optimizer]\nname = "adagrad"', "line 15: optimizer.name: unknown optimizer 'adagrad'"),
        ('[optimizer]\nname = "sgd"\nbeta1 = 0.9', "the sgd optimizer does not use beta1"),
        ('[optimizer]\nname = "momentum"\neps = 1e-8', "the momentum optimizer does not use eps"),
        ('[optimizer]\nname = "adam"\nbeta1 = 1.0', "optimizer.beta1: expected a number in [0, 1), got 1"),
        ('[optimizer]\nname = "adam"\nbeta2 = -0.1', "optimizer.beta2: expected a number in [0, 1)"),
        ('[optimizer]\nname = "adam"\neps = 0.0', "optimizer.eps: expected a positive number, got 0"),
        ('[optimizer]\nname = "adamw"\nweight_decay = -1', "optimizer.weight_decay: expected a number >= 0"),
        ('[optimizer]\nname = "adam"\nlr = 0.1', "optimizer.lr: unknown key"),
        ("[training]\nbatch_size = -2", "training.batch_size: expected a whole number >= 0, got -2"),
        ('[training]\nshuffle = "yes"', "training.shuffle: expected true or false"),
        ("[training]\nbatchsize = 2", "Did you mean 'batch_size'?"),
    ],
)
def test_bad_tables_exit_2_with_the_file_key_and_line(cli, tmp_path: Path, extra: str, says: str) -> None:
    run = cli("trace", write(tmp_path, extra))
    assert run.code == 2 and says in run.err and "Traceback" not in run.err
    assert run.err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--optimizer", "nadam"], "invalid choice"),
        (["--momentum", "0.5"], "--momentum: the sgd optimizer does not use momentum"),
        (["--optimizer", "adam", "--beta1", "1.5"], "--beta1: expected a number in [0, 1)"),
        (["--optimizer", "adam", "--eps", "-1"], "--eps: expected a positive number"),
        (["--weight-decay", "-0.5"], "--weight-decay: expected a number >= 0"),
        (["--batch-size", "-1"], "--batch-size: expected a whole number >= 0"),
        (["--optimizer", "rmsprop", "--beta2", "0.9"], "the rmsprop optimizer does not use beta2"),
    ],
)
def test_bad_overrides_exit_2(cli, args: list[str], says: str) -> None:
    run = cli("train", *args)
    assert run.code == 2 and says in run.err and "Traceback" not in run.err


def test_file_keys_for_another_optimizer_are_an_error_with_optimizer_override(cli, tmp_path: Path) -> None:
    path = write(tmp_path, '[optimizer]\nname = "momentum"\nmomentum = 0.5')
    run = cli("trace", path, "--optimizer", "adam")
    assert run.code == 2 and "the adam optimizer (chosen by --optimizer) does not use momentum" in run.err


def test_overrides_replace_the_file(cli, tmp_path: Path) -> None:
    path = write(tmp_path, '[optimizer]\nname = "adam"\nbeta1 = 0.5\n[training]\nbatch_size = 2')
    doc = cli("trace", path, "--beta1", "0.8", "--batch-size", "1", "--format", "json").json()
    assert doc["network"]["optimizer"]["beta1"] == 0.8
    assert doc["network"]["training"] == {"batch_size": 1, "shuffle": True, "seed": 0}


def test_trace_json_has_epoch_batch_and_state_after_the_update(cli) -> None:
    doc = cli(
        "trace", "--optimizer", "adam", "--batch-size", "1", "--iterations", "3", "--format", "json"
    ).json()
    its = doc["iterations"]
    order = (
        np.random.default_rng(0).permutation(2).tolist() + np.random.default_rng(0).permutation(2).tolist()
    )
    rng = np.random.default_rng(0)
    order = rng.permutation(2).tolist() + rng.permutation(2).tolist()
    assert [it["batch"] for it in its] == [[order[0]], [order[1]], [order[2]]]
    assert [it["epoch"] for it in its] == [1, 1, 2]
    inputs = np.array([[0.8, 0.4], [0.3, 0.3]])
    assert its[0]["a"][0] == inputs[[order[0]]].tolist()
    opt = its[0]["optimizer"]
    assert opt["name"] == "adam" and opt["t"] == 1
    assert sorted(opt["state"]) == ["m", "m_hat", "v", "v_hat"]
    # after the first update m̂ = g exactly (up to the division's rounding)
    np.testing.assert_allclose(opt["state"]["m_hat"][0], its[0]["grad"][0], rtol=1e-12)


def test_sgd_trace_keeps_the_seed_and_says_full_batch(cli) -> None:
    it = cli("trace", "--format", "json").json()["iterations"][0]
    assert it["epoch"] == 1 and it["batch"] == [0, 1]
    assert it["optimizer"] == {"name": "sgd", "t": 1, "state": {}}
    assert it["cost"] == pytest.approx(1.908222010690251)


def test_train_json_epoch_cost_skips_a_partial_epoch(cli) -> None:
    doc = cli("train", "xor", "--batch-size", "3", "--iterations", "5", "--format", "json").json()
    assert len(doc["cost"]) == 5 and len(doc["epoch_cost"]) == 2  # 2 batches per epoch: 2 complete


def test_trace_text_names_the_batch_and_the_update_terms(cli) -> None:
    out = cli("trace", "adam-bias-correction").out
    assert "t = 1, epoch 1, full batch (all 4 observations)" in out
    assert "Step 15/" in out and "bias-corrected m̂^0" in out and "m̂^0 = m^0 / (1 − β1^t)" in out


def test_latex_and_markdown_carry_the_update_terms(cli) -> None:
    tex = cli("trace", "adam-bias-correction", "--format", "latex").out
    assert r"\hat{m}^{0} = m^{0} / (1 - \beta_1^{t})" in tex
    md = cli("trace", "sgd-vs-adam", "--format", "markdown").out
    assert "### Step 12: update · step ΔW^0" in md


def _compare(cli, tmp_path: Path, doc: dict, *args: str):  # type: ignore[no-untyped-def]
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(doc))
    return cli("compare", str(mine), *args, "--format", "json")


@pytest.mark.parametrize(
    ("args", "corrupt", "cause"),
    [
        (
            ("adam-bias-correction",),
            lambda it: it["optimizer"]["state"].update(m_hat=it["optimizer"]["state"]["m"]),
            "without its bias correction",
        ),
        (
            ("adam-bias-correction",),
            lambda it: it["optimizer"]["state"].update(m_hat=None),
            None,
        ),
    ],
)
def test_compare_checks_the_optimizer_state(cli, tmp_path: Path, args, corrupt, cause) -> None:  # type: ignore[no-untyped-def]
    doc = cli("trace", *args, "--iterations", "2", "--format", "json").json()
    assert _compare(cli, tmp_path, doc, *args).json()["match"] is True
    corrupt(doc["iterations"][0])
    run = _compare(cli, tmp_path, doc, *args)
    if cause is None:
        assert run.code == 0  # null skips a value
        return
    assert run.code == 1
    first = run.json()["first_mismatch"]
    assert (first["iteration"], first["quantity"], first["layer"]) == (1, "m_hat", 0)
    text = cli("compare", str(tmp_path / "mine.json"), *args).out
    assert cause in text


def _learner(net_args: tuple[str, ...], mistake) -> dict:  # type: ignore[no-untyped-def]
    """A learner's trace: weights_after of iteration 1 from an update with ``mistake``."""
    from stepper.engine.walk import Walk
    from stepper.netfile import Overrides, load_network

    name, opt, lam = net_args
    net = load_network(name, Overrides(optimizer=opt, hyper=(("weight_decay", float(lam)),)))
    values = Walk(net).values
    w = mistake(net, values)
    return {"iterations": [{"iteration": 1, "weights_after": [m.tolist() for m in w]}]}


@pytest.mark.parametrize(
    ("net_args", "mistake", "cause"),
    [
        (
            ("identical-columns", "adam", "0.1"),
            lambda net, v: (
                __import__("stepper.engine.optimizers", fromlist=["update"])
                .update(net.optimizer, net.learning_rate, v.weights, v.grad, v.state_before, "decay_bias")
                .weights_after
            ),
            "weight decay applied to the bias row",
        ),
        (
            ("xor", "adamw", "0.1"),
            lambda net, v: (
                __import__("stepper.engine.optimizers", fromlist=["update"])
                .update(net.optimizer, net.learning_rate, v.weights, v.grad, v.state_before, "swapped_decay")
                .weights_after
            ),
            "L2 and decoupled weight decay mixed up",
        ),
        (
            ("xor", "momentum", "0.0"),
            lambda net, v: [w - net.learning_rate * g / 4 for w, g in zip(v.weights, v.grad)],
            "averaged over the batch's 4 observations instead of summed",
        ),
    ],
)
def test_compare_names_optimizer_mistakes(cli, tmp_path: Path, net_args, mistake, cause) -> None:  # type: ignore[no-untyped-def]
    doc = _learner(net_args, mistake)
    name, opt, lam = net_args
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(doc))
    run = cli("compare", str(mine), name, "--optimizer", opt, "--weight-decay", lam)
    assert run.code == 1 and cause in " ".join(run.out.split())


def test_compare_rejects_state_the_optimizer_does_not_have(cli, tmp_path: Path) -> None:
    doc = {"iterations": [{"optimizer": {"state": {"m": [[[0.0]]]}}}]}
    run = _compare(cli, tmp_path, doc)
    assert run.code == 2 and "optimizer state 'm', but the network's optimizer sgd has no state" in run.err


def test_a_saved_network_keeps_its_optimizer_and_batches() -> None:
    from stepper.exports.network_file import network_toml
    from stepper.netfile import Overrides, Source, load_network, parse_network

    net = load_network("minibatch-noise", Overrides(optimizer="adamw", hyper=(("weight_decay", 0.1),)))
    again = parse_network(Source("saved", network_toml(net), None), Overrides())
    assert again.optimizer == net.optimizer and again.training == net.training


def test_a_batch_of_one_is_not_called_constant_output() -> None:
    from stepper.engine.walk import Walk
    from stepper.netfile import load_network

    walk = Walk(load_network("minibatch-noise"))  # batches of 1
    walk.to_iteration(100)
    assert walk.values.a[0].shape[0] == 1
    assert all(f.kind != "constant-output" for f in walk.diagnosis.findings)


def test_serve_passes_the_optimizer_and_batch_overrides_to_each_tab(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import stepper.serve

    seen: list[list[str]] = []
    monkeypatch.setattr(stepper.serve, "serve", lambda argv, host, port, **_: seen.append(argv))
    run = cli("serve", "xor", "--optimizer", "adam", "--beta1", "0.8", "--batch-size", "2", "--port", "8150")
    assert run.code == 0
    assert seen == [["xor", "--optimizer", "adam", "--batch-size", "2", "--beta1", "0.8"]]
