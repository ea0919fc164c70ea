"""Names that say one thing: no two classes (enums included) of one name across the project's
folders, and one `Json` alias (json_types.py) for the product, the tests and the tools."""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

from tests.support.schema import ROOT

# Each folder is a unit a reader knows by its name: the product, each part of the rehearsal's
# package, and the repository's tooling and companions.
PRODUCT = "src/mlops_sagemaker_modelpackage"
REHEARSAL = "src/mlops_sagemaker_modelpackage_local"
TOOLING = ("local", "tests", "tools", "bench", "cdk", "cfn-lint-rules")
NOT_SOURCES = {".venv", "node_modules", "cdk.out", "build", "dist"}
# Collisions left to the refactor of the rehearsal's package that renames them, none of
# them the product's to change: its `Request` is the handler request; the driver's
# (adoption.py: what to adopt) and the backend's (resource_policy.py: a call a policy decides)
# are to be renamed, as are the driver's and the guard's `Finding` and the driver's
# (environments.py) and the backend's (access.py) `Target`. EMPTY THIS LIST; never add to it.
KNOWN_COLLISIONS = {
    "Request": {PRODUCT, f"{REHEARSAL}/backend", f"{REHEARSAL}/driver"},
    "Finding": {f"{REHEARSAL}/driver", f"{REHEARSAL}/guard"},
    "Target": {f"{REHEARSAL}/backend", f"{REHEARSAL}/driver"},
}
# Modules that still define their own alias of a JSON object, left to the same refactor (the
# backend keeps its own, as it imports nothing of the product). EMPTY THIS LIST; never add to it.
KNOWN_ALIASES = {
    *(
        f"{REHEARSAL}/driver/{name}.py"
        for name in (
            "changes",
            "drift",
            "generate",
            "hook",
            "intrinsics",
            "planner",
            "protocol",
            "provisioners",
            "resolution",
            "schema",
            "stack",
            "state",
            "template",
        )
    ),
    f"{REHEARSAL}/backend/packages.py",
    f"{REHEARSAL}/backend/responses.py",
    f"{REHEARSAL}/guard/engine.py",
}


def _folder(relative: Path) -> str:
    """The folder a source file belongs to: the product, a part of the rehearsal's package
    (driver, backend, guard...), or a top-level folder."""
    parts = relative.parts
    if relative.as_posix().startswith(REHEARSAL + "/") and len(parts) > 3:
        return "/".join(parts[:3])
    if parts[0] == "src":
        return "/".join(parts[:2])
    return parts[0]


@cache
def _sources() -> list[tuple[str, str, ast.Module]]:
    """(folder, path from the root, parsed module) of every source file."""
    found = []
    for top in ("src", *TOOLING):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not NOT_SOURCES & set(relative.parts):
                found.append((_folder(relative), relative.as_posix(), ast.parse(path.read_text())))
    return found


def test_no_two_classes_of_one_name_across_folders() -> None:
    folders: dict[str, set[str]] = defaultdict(set)
    for folder, _, module in _sources():
        for node in ast.walk(module):
            if isinstance(node, ast.ClassDef):
                folders[node.name].add(folder)
    collisions = {name: where for name, where in folders.items() if len(where) > 1}
    assert collisions == KNOWN_COLLISIONS, "rename one side (KNOWN_COLLISIONS only shrinks)"


def _is_json_alias(statement: ast.stmt) -> bool:
    """`X = dict[str, Any]` (or annotated as a TypeAlias) at a module's top level."""
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
    return value is not None and ast.unparse(value) == "dict[str, Any]"


def test_one_json_alias() -> None:
    defining = {
        path for _, path, module in _sources() if any(_is_json_alias(s) for s in module.body)
    }
    one = f"{PRODUCT}/json_types.py"
    assert defining - {one} == KNOWN_ALIASES, f"import Json from {one} (KNOWN_ALIASES only shrinks)"
