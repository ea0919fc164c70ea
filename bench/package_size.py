"""The Lambda package `make package` builds: its size against the limit, and what fills it."""

from __future__ import annotations

import json

from bench.report import Row, Section
from tools import package as lambda_package

SECTION = "package"


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
        + " of what it unpacks to."
        + (f" Problems: {'; '.join(report.problems)}." if report.problems else ""),
    ]
    return Section(rows, notes)
