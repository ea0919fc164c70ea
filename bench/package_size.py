"""The Lambda package `make package` builds: its size against the limit, and what fills it."""

from __future__ import annotations

import json

from bench.report import Row, Section
from tools import package as lambda_package

SECTION = "package"
# What `make package` shipped before it cut the service models and compiled bytecode: the
# package may not grow for a faster cold start.
BEFORE_BYTES = 2_633_237


def measure() -> Section:
    built = json.loads(lambda_package.SIZES.read_text())["cfn_submit"]
    report = lambda_package.report()
    largest = report.by_top[:3]
    rows = [
        Row(
            SECTION,
            "make package (deploy/register-type.yml)",
            f"{report.zipped / 1e6:.1f} MB zipped, {report.unpacked / 1e6:.1f} MB unpacked, "
            f"{report.files} files",
            f"<= {lambda_package.MAX_ZIPPED_MB:g} MB zipped, checks pass",
            not report.problems,
        ),
        Row(
            SECTION,
            "  against the package before bytecode",
            f"{report.zipped / 1e6:.2f} MB against {BEFORE_BYTES / 1e6:.2f} MB",
            "no larger",
            report.zipped <= BEFORE_BYTES,
        ),
        Row(SECTION, "  cfn submit's own zip (same code)", f"{built / 1e6:.1f} MB zipped"),
        *(
            Row(SECTION, f"  {top}", f"{size / 1e6:.2f} MB unpacked, {size / report.unpacked:.0%}")
            for top, size in largest
        ),
    ]
    notes = [
        "## Package",
        "",
        f"`make package` ships {report.zipped / 1e6:.1f} MB zipped, x{report.zipped / built:.2f} "
        f"of the {built / 1e6:.1f} MB `cfn submit` builds from the same code; "
        + ", ".join(f"{top} is {size / report.unpacked:.0%}" for top, size in largest)
        + " of what it unpacks to. It ships the SageMaker, CloudWatch Logs and CloudWatch models "
        "cut to the operations the code calls, and bytecode for the runtime (third-party "
        "modules as bytecode only), within the size of the package before either."
        + (f" Problems: {'; '.join(report.problems)}." if report.problems else ""),
    ]
    return Section(rows, notes)
