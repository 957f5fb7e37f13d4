"""The reference in docs/ stays true: its links resolve, and it names every key, command and option
that the program accepts (a new one without its documentation fails here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from stepper.cli import COMMANDS, build_parser
from stepper.engine.activations import ACTIVATIONS
from stepper.engine.costs import COSTS
from stepper.engine.datasets import GENERATORS
from stepper.engine.init import SCHEMES
from stepper.netfile import GENERATOR_KEYS, INIT_KEYS, LABEL_KEYS, SESSION_KEYS, TOP_KEYS

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    links = re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8"))
    broken = []
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue  # http(s): not checked offline
        target, _, anchor = link.partition("#")
        path = (page.parent / target) if target else page
        if not path.exists() or (anchor and anchor not in _anchors(path)):
            broken.append(link)
    assert broken == []


def test_help_points_to_the_reference() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "stepper", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "docs/README.md" in " ".join(out.split())


def test_the_network_file_reference_names_every_key_and_choice() -> None:
    text = (DOCS / "network-files.md").read_text(encoding="utf-8")
    names = [*TOP_KEYS, *INIT_KEYS, *SESSION_KEYS, *ACTIVATIONS, *COSTS, *SCHEMES, *GENERATORS]
    names += [f"inputs.{k}" for k in GENERATOR_KEYS] + [f"targets.{k}" for k in LABEL_KEYS]
    assert [n for n in names if f"`{n}`" not in text and f"`[{n}]`" not in text] == []


def test_the_command_reference_names_every_command_and_option() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = [f"stepper {c}" for c in COMMANDS if f"## `stepper {c}" not in text]
    for name, command in sub.choices.items():
        for action in command._actions:
            missing += [f"{name} {o}" for o in action.option_strings if o.startswith("--") and o not in text]
    assert missing == []


def test_code_comments_cite_the_docs_not_the_contract() -> None:
    # The contract the project was built from is not shipped; docs/ is what a reader of the code has.
    package = ROOT / "stepper"
    cited = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(package.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bspec(?: section| §|'s\b)|\b(?:the|in|of) spec\b", line)
    ]
    assert cited == []


def test_the_examples_section_names_every_built_in_network() -> None:
    """docs/commands.md named 10 of the 17 examples `stepper examples` lists (a tester)."""
    from stepper.netfile import example_names

    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    section = text[text.index("## `stepper examples`") :]
    assert [name for name in example_names() if f"`{name}`" not in section] == []


def test_the_json_reference_names_every_field_gradcheck_writes() -> None:
    """docs/json.md's gradcheck line left out `checked` and `non_finite` (a tester)."""
    from stepper.engine.gradcheck import gradcheck
    from stepper.netfile import load_network

    text = (DOCS / "json.md").read_text(encoding="utf-8")
    section = text[text.index("## gradcheck") : text.index("## compare")]
    fields = gradcheck(load_network()).to_dict()
    assert [key for key in fields if f'"{key}"' not in section] == []


def test_the_json_reference_shows_compare_output_as_it_is(cli, tmp_path) -> None:
    """docs/json.md's compare example is the real output of its case (δ^2[0, 0] of the seed wrong,
    the rest of iteration 1 right), with the counts a script reads."""
    import json

    text = (DOCS / "json.md").read_text(encoding="utf-8")
    section = text[text.index("## compare") : text.index("## map")]
    example = json.loads(section.split("```json")[2].split("```")[0])
    trace = cli("trace", "--format", "json").json()
    it = trace["iterations"][0]
    it["delta"][2][0][0] = 0.5
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"iterations": [it]}))
    assert cli("compare", str(mine), "--format", "json").json() == example
