"""`make package`: slim the Lambda package `cfn submit --dry-run` built, unpack it, check it.

`cfn submit` zips everything pip installs for requirements.txt, stored uncompressed: botocore
with the models of all ~440 AWS services is three quarters of it. The handlers call SageMaker;
the python lib calls CloudWatch Logs (log delivery) and CloudWatch (metrics); STS is kept for
botocore's role-assuming credential providers. This keeps those four service models and
botocore's shared data, drops the rest and setuptools (declared by the lib, never imported) and
boto3's resource models (`boto3.resource` is never used), deflates the code, and writes the
package back under the same name, so `deploy/register-type.yml` takes the slim one. It is then
unpacked into dist/lambda-package/ (outside cfn's build/, which every `cfn submit` empties;
swapped in whole), where `make contract-test` and `make bench` run the handlers from.

Fails when the handler code or a kept service model is missing, when anything from tests/,
local/, tools/ or examples/ was packed, or when the zip exceeds MAX_ZIPPED_MB.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mlops-sagemaker-modelpackage.zip"
UNPACKED = ROOT / "dist" / "lambda-package"
SIZES = ROOT / "dist" / "package-sizes.json"
INNER = "ResourceProvider.zip"
MAX_ZIPPED_MB = 10.0
KEEP_SERVICES = {
    "sagemaker": "the handlers",
    "logs": "the python lib's log delivery",
    "cloudwatch": "the python lib's metrics",
    "sts": "botocore's role-assuming credential providers",
}
DROP_TOP = ("setuptools", "_distutils_hack", "distutils-precedence.pth")
NEVER_SHIPPED = ("tests/", "local/", "tools/", "examples/", "bench/")


def dropped(name: str) -> bool:
    parts = name.split("/")
    if name.startswith("botocore/data/") and len(parts) > 3:
        return parts[2] not in KEEP_SERVICES  # a service's folder; top-level data files stay
    if name.startswith("boto3/data/"):
        return True
    top = parts[0]
    return top in DROP_TOP or top.startswith("setuptools-")


def slim(inner_bytes: bytes) -> bytes:
    """The inner package without the dropped entries, deflated (gzip'd models stored)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(inner_bytes)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for entry in source.infolist():
            if dropped(entry.filename):
                continue
            info = zipfile.ZipInfo(entry.filename, entry.date_time)
            info.external_attr = entry.external_attr
            is_gzip = entry.filename.endswith(".gz")
            info.compress_type = zipfile.ZIP_STORED if is_gzip else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry))
    return out.getvalue()


def rewrite(package: Path = PACKAGE) -> tuple[int, int]:
    """Slim `package` in place; returns (size as cfn built it, slim size), in bytes."""
    built = package.stat().st_size
    with zipfile.ZipFile(package) as outer:
        entries = [(info, outer.read(info)) for info in outer.infolist()]
    staging = package.with_suffix(".slim.zip")
    with zipfile.ZipFile(staging, "w") as target:
        for info, data in entries:
            target.writestr(info, slim(data) if info.filename == INNER else data)
    staging.replace(package)
    return built, package.stat().st_size


def unpack(package: Path = PACKAGE, into: Path = UNPACKED) -> None:
    """Extract next to `into`, then swap it in, so a run using `into` never sees half of it."""
    into.parent.mkdir(parents=True, exist_ok=True)
    fresh = into.with_name(f"{into.name}.new-{os.getpid()}")
    stale = into.with_name(f"{into.name}.old-{os.getpid()}")
    with zipfile.ZipFile(package) as outer, zipfile.ZipFile(io.BytesIO(outer.read(INNER))) as z:
        z.extractall(fresh)
    if into.exists():
        into.rename(stale)
    fresh.rename(into)
    shutil.rmtree(stale, ignore_errors=True)


@dataclass
class Report:
    zipped: int
    unpacked: int
    files: int
    by_top: list[tuple[str, int]]
    problems: list[str]

    def lines(self) -> list[str]:
        head = (
            f"Lambda package: {self.zipped / 1e6:.1f} MB zipped, "
            f"{self.unpacked / 1e6:.1f} MB unpacked, {self.files} files"
        )
        return [
            head,
            *(
                f"  {top:<40} {size / 1e6:6.2f} MB  {100 * size / self.unpacked:4.1f} %"
                for top, size in self.by_top
            ),
        ]


def report(package: Path = PACKAGE) -> Report:
    with zipfile.ZipFile(package) as outer:
        outer_names = outer.namelist()
        with zipfile.ZipFile(io.BytesIO(outer.read(INNER))) as inner:
            entries = inner.infolist()
    names = {e.filename for e in entries}
    problems = []
    if "mlops_sagemaker_modelpackage/handlers.py" not in names:
        problems.append(f"handler code missing from {INNER}")
    problems += [f"{n} must not ship" for n in sorted(names) if n.startswith(NEVER_SHIPPED)]
    for service, user in KEEP_SERVICES.items():
        if not any(n.startswith(f"botocore/data/{service}/") for n in names):
            problems.append(f"botocore model of {service} missing (needed by {user})")
    if "schema.json" not in outer_names:
        problems.append("schema.json missing")
    zipped = package.stat().st_size
    if zipped > MAX_ZIPPED_MB * 1e6:
        problems.append(f"{zipped / 1e6:.1f} MB zipped, above {MAX_ZIPPED_MB:g} MB")
    by_top: Counter[str] = Counter()
    for entry in entries:
        by_top[entry.filename.split("/", 1)[0]] += entry.file_size
    return Report(zipped, sum(by_top.values()), len(entries), by_top.most_common(5), problems)


def main() -> int:
    built, slimmed = rewrite()
    unpack()
    SIZES.write_text(json.dumps({"cfn_submit": built, "make_package": slimmed}))
    print(
        f"cfn submit's zip {built / 1e6:.1f} MB -> {slimmed / 1e6:.1f} MB: kept the botocore "
        f"models of {', '.join(KEEP_SERVICES)}; unpacked into {UNPACKED.relative_to(ROOT)}/"
    )
    result = report()
    print("\n".join(result.lines()))
    for problem in result.problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
