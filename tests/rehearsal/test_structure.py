"""The rehearsal package's structure (driver/): its modules import each other without a circle,
and one module decides what changes (the planner), the diff of properties defined in one place."""

from __future__ import annotations

from pathlib import Path

from mlops_sagemaker_modelpackage_local.driver import planner


def driver_imports() -> dict[str, set[str]]:
    """Each module of local/driver and the driver modules it imports (TYPE_CHECKING included)."""
    import ast  # noqa: PLC0415

    folder = Path(planner.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "mlops_sagemaker_modelpackage_local.driver."
            ):
                found.add((node.module or "").split(".")[2])
        graph[path.stem] = found & modules
    return graph


def test_the_driver_imports_no_circle() -> None:
    graph = driver_imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for imported in graph[module]:
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_one_place_decides_what_changes() -> None:
    """The replacement rule is applied by the planner only; the diff of properties is taken by
    the planner (a revision) and rollback (a journal) only, and defined in schema.py."""
    folder = Path(planner.__file__).parent
    texts = {p.stem: p.read_text() for p in folder.glob("*.py")}
    assert {m for m, text in texts.items() if ".replacing(" in text} == {"planner"}
    diffing = {m for m, text in texts.items() if "changed_properties(" in text}
    assert diffing == {"planner", "rollback", "schema"}
