"""`make bench`: every figure with its target beside it, written to docs/performance.md.

Runs the figure modules in turn (API calls, stabilization, cold start, memory, package, list)
against one SageMaker backend in a process of its own (SageMaker is remote: its work must not
compete with the handler's for this interpreter), prints each row as its section completes,
writes docs/performance.md and the stabilization chart, and exits 1 when a target is missed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from bench import calls, chart, cold_start, listing, memory, package_size, stabilization
from bench.handler import CREDENTIALS, REGION
from bench.report import Section, page, targets_met
from mlops_sagemaker_modelpackage_local import serving
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tools import package as lambda_package

DOCS = lambda_package.ROOT / "docs"


def _shown(section: Section) -> Section:
    for row in section.rows:
        print(row.line(), flush=True)
    return section


def main() -> int:
    if not lambda_package.UNPACKED.is_dir():
        print("bench: dist/lambda-package is missing; run `make package` first", file=sys.stderr)
        return 2
    sections: list[Section] = []
    with (
        tempfile.TemporaryDirectory() as workdir,
        serving.service(
            "mlops_sagemaker_modelpackage_local.backend.server", dict(os.environ), Path(workdir)
        ) as url,
        serving.environment(AWS_ENDPOINT_URL_SAGEMAKER=url),
    ):
        control = BackendControl(url)
        control.reset()
        sagemaker = control.sagemaker(CREDENTIALS, REGION)
        sections.append(_shown(calls.measure(control, sagemaker)))
        stabilized, results = stabilization.measure()
        sections.append(_shown(stabilized))
        sections.append(_shown(cold_start.measure(sagemaker)))
        sections.append(_shown(memory.measure(url)))  # a create in the calls' group
        sections.append(_shown(package_size.measure()))
        control.reset()
        sections.append(_shown(listing.measure(sagemaker)))
    chart.draw(results, DOCS / stabilization.IMAGE)
    (DOCS / "performance.md").write_text(page(sections))
    missed = [row for section in sections for row in section.missed()]
    print(f"\nbench: {targets_met(sections)}; written to docs/performance.md")
    for row in missed:
        print(f"  missed: {row.section} {row.figure.strip()}: {row.value} (target {row.target})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
