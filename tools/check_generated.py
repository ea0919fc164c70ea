"""Fail when committed `cfn generate` output differs from a fresh generation.

Copies the inputs of `cfn generate` into a temporary project, runs it there and compares
models.py, resource-role.yaml and docs/ byte for byte, so the working tree is never touched.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [".rpdk-config", "mlops-sagemaker-modelpackage.json", "template.yml", "requirements.txt"]
GENERATED_FILES = ["src/mlops_sagemaker_modelpackage/models.py", "resource-role.yaml"]
GENERATED_DIRS = ["docs"]
# Written by hand (or by `make bench`) into docs/, beside what cfn generates there.
NOT_GENERATED = {"docs/performance.md", "docs/performance-stabilization.png"}


def _differences(fresh: Path) -> list[str]:
    problems: list[str] = []
    for rel in GENERATED_FILES:
        committed, regenerated = ROOT / rel, fresh / rel
        if not committed.exists() or not filecmp.cmp(committed, regenerated, shallow=False):
            problems.append(rel)
    for rel in GENERATED_DIRS:
        committed_dir, fresh_dir = ROOT / rel, fresh / rel
        names = {p.relative_to(committed_dir) for p in committed_dir.rglob("*") if p.is_file()}
        names |= {p.relative_to(fresh_dir) for p in fresh_dir.rglob("*") if p.is_file()}
        for name in sorted(names):
            if f"{rel}/{name}" in NOT_GENERATED:
                continue
            a, b = committed_dir / name, fresh_dir / name
            if not (a.exists() and b.exists() and filecmp.cmp(a, b, shallow=False)):
                problems.append(f"{rel}/{name}")
    return problems


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for rel in INPUTS:
            shutil.copy2(ROOT / rel, work / rel)
        (work / "schema.json").symlink_to("mlops-sagemaker-modelpackage.json")
        shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
        (work / "src/mlops_sagemaker_modelpackage/models.py").unlink()
        cfn = shutil.which("cfn")
        if cfn is None:
            print("cfn is not on PATH: run through `make check-generated`", file=sys.stderr)
            return 2
        result = subprocess.run(
            [cfn, "generate"], cwd=work, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            return result.returncode
        problems = _differences(work)
    # The companions generated from the schema (cfn-lint-rules/ schema copy, CDK construct).
    companions = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_companions.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    if companions.returncode != 0:
        print("Run `make generated-companions` and commit:", companions.stderr, file=sys.stderr)
        return 1
    if problems:
        print("Generated files are out of date; run `make generated` and commit:", file=sys.stderr)
        for rel in problems:
            print(f"  {rel}", file=sys.stderr)
        return 1
    print("Generated files are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
