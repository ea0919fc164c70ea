"""Check and describe the Lambda package `cfn submit --dry-run` built.

Fails when the handler code is missing or anything from tests/, local/ or tools/ was packed;
prints the size and what dominates it.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mlops-sagemaker-modelpackage.zip"
NEVER_SHIPPED = ("tests/", "local/", "tools/", "examples/")


def main() -> int:
    with zipfile.ZipFile(PACKAGE) as outer:
        inner_bytes = outer.read("ResourceProvider.zip")
        outer_names = outer.namelist()
    with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
        entries = inner.infolist()
    names = [e.filename for e in entries]
    problems = []
    if "mlops_sagemaker_modelpackage/handlers.py" not in names:
        problems.append("handler code missing from ResourceProvider.zip")
    problems += [f"{n} must not ship" for n in names if n.startswith(NEVER_SHIPPED)]
    if "schema.json" not in outer_names:
        problems.append("schema.json missing")
    by_top: Counter[str] = Counter()
    for entry in entries:
        by_top[entry.filename.split("/", 1)[0]] += entry.file_size
    unpacked = sum(by_top.values())
    print(
        f"Lambda package: {PACKAGE.stat().st_size / 1e6:.1f} MB zipped, "
        f"{unpacked / 1e6:.1f} MB unpacked, {len(entries)} files"
    )
    for top, size in by_top.most_common(6):
        print(f"  {top:<40} {size / 1e6:6.1f} MB  {100 * size / unpacked:4.1f} %")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
