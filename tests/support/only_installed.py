"""Run a script as if only one package (with an extra) were installed: imports of any top-level
module outside the standard library, the package itself and its dependency closure fail as
they would in an environment made with `pip install "PATH[EXTRA]"` alone.

    python only_installed.py PYPROJECT EXTRA SCRIPT [ARG ...]

The closure is read from the installed distributions' metadata (`Requires-Dist`, markers for
other extras left out), the modules each provides from `packages_distributions()`. The test
environment has more installed (cfn-flip, the project, ...); this shows the script needs none.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.metadata
import re
import runpy
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(lines: Sequence[str], extra: str | None) -> set[str]:
    """The distribution names `lines` require: unconditional ones, and those of `extra`."""
    found = set()
    for line in lines:
        requirement, _, marker = line.partition(";")
        if "extra" in marker and f'"{extra}"' not in marker and f"'{extra}'" not in marker:
            continue
        match = NAME.match(requirement)
        if match:
            found.add(_canonical(match.group(1)))
    return found


def closure(pyproject: Path, extra: str) -> set[str]:
    """The distributions `pip install "<pyproject's folder>[extra]"` installs, by name."""
    project = tomllib.loads(pyproject.read_text())["project"]
    wanted = _requirements(project["dependencies"], None)
    wanted |= _requirements(project.get("optional-dependencies", {}).get(extra, []), None)
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue  # not installed here: its import fails anyway
        wanted |= _requirements(requires, None) - seen
    return seen


class OnlyInstalled(importlib.abc.MetaPathFinder):
    """Refuses top-level modules outside `allowed`, as a missing distribution would."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        top = fullname.partition(".")[0]
        if top in self.allowed or top in sys.stdlib_module_names or top in sys.builtin_module_names:
            return None
        raise ModuleNotFoundError(f"No module named {top!r} (not installed with the package)")


def main(argv: list[str]) -> None:
    pyproject, extra, script, *arguments = argv
    distributions = closure(Path(pyproject), extra)
    provided = importlib.metadata.packages_distributions()
    allowed = {
        module
        for module, names in provided.items()
        if any(_canonical(name) in distributions for name in names)
    }
    project = tomllib.loads(Path(pyproject).read_text())
    allowed |= set(project.get("tool", {}).get("setuptools", {}).get("packages", []))
    sys.meta_path.insert(0, OnlyInstalled(allowed))
    sys.argv = [script, *arguments]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
