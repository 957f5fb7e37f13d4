"""The layering, checked statically: what each part of stepper may import.

The engine is plain numpy (it never imports textual, the app or the exports), the exports never import
the app, and nothing outside the app imports textual, so headless commands (trace, train, diagnose,
gradcheck, compare, map) never load it. The app is loaded outside its package only lazily, inside the
CLI function that opens it. Every import counts, at module level or inside a function.
(test_cli.py also checks at run time that a headless command leaves textual out of sys.modules.)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import stepper

PACKAGE = Path(stepper.__file__).parent


@dataclass(frozen=True)
class Import:
    module: str  # the imported module, absolute: "stepper.engine.network", "textual.app"
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str | None = None) -> list[Import]:
    """Every import in the module at ``path`` (named ``name``), relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = name or _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend(Import(alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                found.append(Import(base, child.lineno, in_function))
                # `from stepper import app` imports stepper.app
                found.extend(Import(f"{base}.{a.name}", child.lineno, in_function) for a in child.names)
            visit(child, inner)

    visit(tree, False)
    return found


MODULES = {path: _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path, imports in MODULES.items():
        if _within(_module_name(path), folder):
            out += [
                f"{path.relative_to(PACKAGE.parent)}:{imp.line} imports {imp.module}"
                for imp in imports
                if any(_within(imp.module, f) for f in forbidden)
            ]
    return out


def test_the_modules_were_found() -> None:
    names = {_module_name(p) for p in MODULES}
    assert {"stepper.engine.network", "stepper.exports.json_out", "stepper.app.app", "stepper.cli"} <= names


def test_the_engine_imports_neither_textual_nor_the_app_nor_the_exports() -> None:
    assert _violations("stepper.engine", ("textual", "stepper.app", "stepper.exports")) == []


def test_the_exports_never_import_the_app() -> None:
    assert _violations("stepper.exports", ("stepper.app",)) == []


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if not _within(_module_name(p), "stepper.app")],
    ids=lambda p: str(p.relative_to(PACKAGE.parent)),
)
def test_only_the_app_imports_textual(path: Path) -> None:
    assert [imp for imp in MODULES[path] if _within(imp.module, "textual")] == []


def test_the_app_is_loaded_only_lazily_by_the_command_line() -> None:
    eager = [
        f"{path.relative_to(PACKAGE.parent)}:{imp.line} imports {imp.module}"
        for path, imports in MODULES.items()
        if not _within(_module_name(path), "stepper.app")
        for imp in imports
        if _within(imp.module, "stepper.app")
        and not (imp.in_function and _within(_module_name(path), "stepper.cli"))
    ]
    assert eager == []


def test_the_checker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    # The rules above are only as good as the import finder: it must not miss these forms.
    probe = tmp_path / "probe.py"
    probe.write_text("import numpy\ndef f():\n    from ..app import widgets\n    import textual.app\n")
    found = {(i.module, i.in_function) for i in _imports(probe, "stepper.engine.probe")}
    assert ("numpy", False) in found
    assert ("stepper.app.widgets", True) in found and ("textual.app", True) in found
