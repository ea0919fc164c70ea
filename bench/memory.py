"""Memory of one create invocation, in a process of its own running the built package
(bench/memory_probe.py), against the Lambda function's memory size."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from bench.calls import VERSIONED
from bench.report import Row, Section
from tools import package as lambda_package

SECTION = "memory"


def lambda_mb() -> int:
    """The function's memory size, as template.yml gives it."""
    found = re.search(r"MemorySize:\s*(\d+)", (lambda_package.ROOT / "template.yml").read_text())
    assert found, "template.yml sets no MemorySize"
    return int(found.group(1))


def measure(url: str) -> Section:
    """`url`: the SageMaker backend, holding VERSIONED's group."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.memory_probe",
            str(lambda_package.UNPACKED),
            json.dumps(VERSIONED),
        ],
        cwd=lambda_package.ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "AWS_ENDPOINT_URL_SAGEMAKER": url},
    )
    figures = json.loads(out.stdout)
    limit = lambda_mb()
    rss_mb = figures["rss_kb"] / 1024
    rows = [
        Row(
            SECTION,
            "create invocation: peak RSS of the process",
            f"{rss_mb:.0f} MB",
            f"< {limit} MB (MemorySize)",
            rss_mb < limit,
        ),
        Row(
            SECTION,
            "create invocation: Python allocations peak",
            f"{figures['peak_alloc'] / 1e6:.1f} MB",
        ),
    ]
    notes = [
        "## Memory",
        "",
        f"A create invocation, run from the built package in a process of its own, peaks at "
        f"{rss_mb:.0f} MB RSS, {rss_mb / limit:.0%} of the function's {limit} MB (template.yml).",
    ]
    return Section(rows, notes)
