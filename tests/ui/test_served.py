"""The app in a browser tab (``stepper serve``): it writes no file, and reads only what it was handed."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input

from stepper.app import StepperApp
from stepper.app.screens.prompts import Export, OpenNetwork, SavePath
from stepper.errors import StepperError
from stepper.exports.network_file import save_network
from stepper.netfile import load_network
from stepper.served import Served

SECRET = "a line nobody may read through the browser"


class Deliveries(list[tuple[str, str]]):
    """What a served app handed to the browser, as (file name, text)."""


def capture_deliveries(app: StepperApp, monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    delivered = Deliveries()

    def deliver_text(file, *, save_filename=None, **_options):  # type: ignore[no-untyped-def]
        delivered.append((save_filename, file.read()))
        return "key"

    monkeypatch.setattr(app, "deliver_text", deliver_text)
    return delivered


@pytest.fixture
def served_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A served folder with one network in it, next to a secret file and a way out of it."""
    root, outside = tmp_path / "class", tmp_path / "private"
    root.mkdir()
    outside.mkdir()
    save_network(load_network("xor"), root / "week1.toml")
    (outside / "secret.toml").write_text(f'# {SECRET}\nlayers = "{SECRET}"\n')
    (outside / "secret.csv").write_text(f"{SECRET}\n")
    (root / "link-out.toml").symlink_to(outside / "secret.toml")
    os.mkfifo(root / "pipe.toml")
    return root, outside


async def test_a_served_export_arrives_as_a_download_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = StepperApp(served=Served())
    delivered = capture_deliveries(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"n" * 11)
        await pilot.press("x")
        assert isinstance(app.screen, Export)
        assert "Enter downloads" in str(app.screen.query_one(".hint").render())
        app.screen.query_one("#export-path").value = '/home/someone/.bashrc"; x=\r\n.md'
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SavePath)
        await pilot.press("enter")
        await pilot.pause()
    assert os.listdir(tmp_path) == []  # nothing written where the server runs
    (export_name, export), (session_name, session) = delivered
    # Only a file name reaches the browser: the path typed is not a place on the server.
    assert export_name == ".bashrc___x___.md" and "### Step 11: backward · weight gradient dC/dW^2" in export
    assert session_name == "identical-columns-session.toml"
    assert tomllib.loads(session)["session"] == {"iteration": 1, "step": 11}


async def test_a_served_app_does_not_keep_the_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    monkeypatch.setenv("STEPPER_CONFIG_DIR", str(config))
    app = StepperApp(served=Served())
    async with app.run_test() as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert not config.exists()


async def test_the_served_open_dialog_offers_examples_and_the_root_folder_only(
    served_folder: tuple[Path, Path],
) -> None:
    root, outside = served_folder
    app = StepperApp(served=Served(root=root.resolve()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OpenNetwork)
        offered = [option.id for option in app.screen.query_one("#open-examples").options]
        assert "xor" in offered and "week1.toml" in offered
        assert "link-out.toml" not in offered and "pipe.toml" not in offered
        for attempt in (str(outside / "secret.toml"), "../private/secret.toml", "link-out.toml", "pipe.toml"):
            path = app.screen.query_one("#open-path")
            path.value = attempt
            path.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.net.name == "identical-columns", attempt
            # Said in the dialog, which stays open with the path as typed.
            assert isinstance(app.screen, OpenNetwork) and path.value == attempt
            error = str(app.screen.query_one("#open-error").render())
            assert error.endswith("not a network file in the served folder")
            assert SECRET not in error
        path = app.screen.query_one("#open-path")
        path.value = "week1.toml"
        path.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.net.layers == load_network("xor").layers


def test_served_paths_stay_in_the_root(served_folder: tuple[Path, Path]) -> None:
    root, outside = served_folder
    served = Served(root=root.resolve())
    assert served.resolve("week1.toml") == (root / "week1.toml").resolve()
    assert served.resolve(str(root / "week1.toml")) == (root / "week1.toml").resolve()
    for name in (
        "../private/secret.toml",
        str(outside / "secret.toml"),
        "link-out.toml",
        "pipe.toml",
        ".",
        "/dev/zero",
        "/etc/passwd",
        "missing.toml",
    ):
        with pytest.raises(StepperError, match="not a network file in the served folder") as refused:
            served.resolve(name)
        assert SECRET not in str(refused.value)
    assert served.network_files() == ["week1.toml"]
    with pytest.raises(StepperError, match="only the built-in examples"):
        Served().resolve("week1.toml")
    assert Served().load("xor").layers == load_network("xor").layers


def test_a_served_network_file_cannot_name_a_csv_outside_the_root(served_folder: tuple[Path, Path]) -> None:
    root, _ = served_folder
    network = 'layers = [1, 1]\nactivation = ["sigmoid"]\ncost = "sse"\nlearning_rate = 1.0\n'
    (root / "peek.toml").write_text(network + 'inputs = "../private/secret.csv"\ntargets = [[1.0]]\n')
    (root / "ok.toml").write_text(network + 'inputs = "ok.csv"\ntargets = [[1.0]]\n')
    (root / "ok.csv").write_text("0.5\n")
    served = Served(root=root.resolve())
    with pytest.raises(StepperError) as refused:
        served.load("peek.toml")
    assert "outside the served folder" in str(refused.value) and SECRET not in str(refused.value)
    assert served.load("ok.toml").inputs.tolist() == [[0.5]]


def test_the_environment_tells_the_app_it_is_served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STEPPER_SERVED", raising=False)
    assert Served.from_environment() is None
    monkeypatch.setenv("STEPPER_SERVED", "1")
    monkeypatch.setenv("STEPPER_SERVE_ROOT", str(tmp_path))
    monkeypatch.setenv("STEPPER_SERVE_MEMORY", str(2**30))
    assert Served.from_environment() == Served(root=tmp_path.resolve(), memory=2**30)


async def test_a_served_map_export_is_a_download_too_and_a_wrong_suffix_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """M in a browser tab wrote the map on the server, to any path typed (a fresh user replaced a
    file of theirs): it is a download, as x and ctrl+s are; and x.png is not text in a .png."""
    monkeypatch.chdir(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    app = StepperApp(served=Served())
    delivered = capture_deliveries(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        for path in (str(victim), str(tmp_path / "map.svg"), "picture.png"):
            await pilot.press("M")
            assert isinstance(app.screen, SavePath)
            app.screen.query_one(Input).value = path
            await pilot.press("enter")
            await pilot.pause()
    assert victim.read_text() == "mine" and sorted(os.listdir(tmp_path)) == ["victim.txt"]
    (text_name, text), (svg_name, svg) = delivered
    assert text_name == "victim.txt" and "stepper map" in text
    assert svg_name == "map.svg" and svg.lstrip().startswith("<svg")


async def test_a_download_s_fate_is_told_as_far_as_the_app_can_know_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A download that failed was not reported, and "Sent … to your browser" was said before the
    browser had asked for anything. The app hears when the browser has fetched the whole file, or
    when reading it failed; a file not fetched in time (a blocked pop-up) is reported as such."""
    from textual import events

    monkeypatch.chdir(tmp_path)
    app = StepperApp(served=Served())
    capture_deliveries(app, monkeypatch)
    app.downloads.wait = 60  # first, a download that fails long before it is overdue

    def said() -> list[tuple[str, str]]:
        return [(n.message, n.severity) for n in app._notifications]

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+s", "enter")
        await pilot.pause()
        assert said()[-1] == (
            "Sending identical-columns-session.toml to your browser as a download…",
            "information",
        )
        app.post_message(events.DeliveryFailed(key="key", exception=OSError("connection reset")))
        await pilot.pause()
        message, severity = said()[-1]
        assert severity == "error" and "identical-columns-session.toml could not be sent" in message
        assert "connection reset" in message

        app.downloads.wait = 0.3  # then one never fetched: the browser blocked the window, say
        await pilot.press("ctrl+s", "enter")
        for _ in range(100):  # overdue after 0.3 s (a busy machine may take longer to say so)
            await pilot.pause(0.1)
            if said()[-1][1] == "warning":
                break
        message, severity = said()[-1]
        assert severity == "warning" and "has not fetched identical-columns-session.toml" in message
        app.post_message(events.DeliveryComplete(key="key"))
        await pilot.pause()
        assert said()[-1] == (
            "Your browser has received identical-columns-session.toml after all (see its downloads).",
            "information",
        )
        assert not any("Saved" in m or "Sent" in m for m, _ in said())
