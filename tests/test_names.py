"""Names that say one thing: no two classes (enums included) of one name across the project's
folders, and one `Json` alias (json_types.py) for the product, the tests, the tools, the
rehearsal's driver and Guard; the embedded SageMaker has its own (backend/plain.py), as it
imports nothing of the product."""

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
JSON_TYPES = f"{PRODUCT}/json_types.py"  # Json: the product's, the tooling's, the driver's, Guard's
# Plain: the embedded SageMaker's own, as it imports nothing of the product (it emulates
# SageMaker on its own knowledge)
BACKEND = f"{REHEARSAL}/backend"
BACKEND_PLAIN = f"{BACKEND}/plain.py"


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
    assert collisions == {}, "rename one side: a name says one thing"


def _is_json_alias(statement: ast.stmt) -> bool:
    """`X = dict[str, Any]` (or annotated as a TypeAlias) at a module's top level."""
    value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
    return value is not None and ast.unparse(value) == "dict[str, Any]"


def test_one_json_alias_and_the_backends_own() -> None:
    defining = {
        path for _, path, module in _sources() if any(_is_json_alias(s) for s in module.body)
    }
    assert defining == {JSON_TYPES, BACKEND_PLAIN}, (
        f"import Json from {JSON_TYPES} (the backend: Plain from {BACKEND_PLAIN})"
    )


def test_the_backend_imports_nothing_of_the_product() -> None:
    """Its alias included: the embedded SageMaker knows SageMaker, not the handlers."""
    importing = set()
    for folder, path, module in _sources():
        if folder != BACKEND:
            continue
        for node in ast.walk(module):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == PRODUCT.split("/")[1] for name in names):
                importing.add(path)
    assert importing == set()
