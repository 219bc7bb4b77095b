"""Modules import each other at module level only, each dependency one way (services, jobs,
solver, the benchmark and the command line are checked).

An import inside a function usually hides a cycle between two modules; the layers
(views -> jobs -> services -> solver) have none. The one allowed kind is WeasyPrint's,
imported on first PDF because it loads system libraries, each with a comment saying so.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"
CHECKED = ("services", "jobs", "solver", "bench")  # and the command line, cli.py
LAZY_REASON = "# lazy: WeasyPrint loads its system libraries on first PDF"


def function_level_imports(path: Path) -> list[tuple[int, str]]:
    """The imports a module makes inside a function: (line, statement)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.add((inner.lineno, ast.unparse(inner)))
    return sorted(found)


def allowed(path: Path, line: int, statement: str) -> bool:
    """A WeasyPrint import with the reason on the line before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    module = statement.split()[1]
    return module.split(".")[0] == "weasyprint" and lines[line - 2].strip() == LAZY_REASON


def test_no_module_of_services_jobs_solver_bench_or_cli_imports_inside_a_function():
    modules = [path for folder in CHECKED for path in sorted((PACKAGE / folder).rglob("*.py"))]
    offending = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {statement}"
        for path in [*modules, PACKAGE / "cli.py"]
        for line, statement in function_level_imports(path)
        if not allowed(path, line, statement)
    ]
    assert not offending, "imports inside functions:\n" + "\n".join(offending)


def test_the_lazy_weasyprint_imports_are_found_and_allowed():
    printing = PACKAGE / "services" / "printing.py"
    lazy = function_level_imports(printing)
    assert lazy, "the check finds imports inside functions"
    assert all(allowed(printing, line, statement) for line, statement in lazy)


def imported_modules(path: Path) -> set[str]:
    """The absolute names of the modules a module of the package imports (anywhere in it)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts[:-1]  # the package the module is in (for an __init__, the package itself)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            found.add(".".join([*base, *([node.module] if node.module else [])]))
    return found


# each layer and the layers above it, which it may not import
ABOVE = {
    "solver": ("scheduler.models", "scheduler.services", "scheduler.jobs", "scheduler.views"),
    "services": ("scheduler.jobs", "scheduler.views"),
    "jobs": ("scheduler.views",),
}


def test_each_layer_imports_only_the_layers_below_it():
    offending = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for folder, above in ABOVE.items()
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        for name in sorted(imported_modules(path))
        if name.startswith(above)
    ]
    assert not offending, "\n".join(offending)
