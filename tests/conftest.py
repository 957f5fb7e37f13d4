from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from stepper.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty settings folder: a theme saved by one test (or by the person running
    them) never changes what another test sees."""
    monkeypatch.setenv("STEPPER_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run the stepper command line in-process: cli("trace", "--format", "json")."""

    def run(*args: str) -> Run:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
