"""Cold start: import times of the entry point from the built package, as Lambda imports it.

Each sample is a fresh interpreter (bench/import_probe.py, `python -I -S`) that sees only
dist/lambda-package and the standard library. What our modules add is timed in the interpreter
that has just imported the floor (the lib and the generated models the entry point cannot do
without), so it is not the difference of two noisy process timings.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.measure import Spread, interleaved, known_within, per_round
from bench.report import Row, Section
from tools import package as lambda_package

PROBE = Path(__file__).resolve().parent / "import_probe.py"
OUR_MODULES_MS = 15.0  # what our modules may add to the import of the lib + generated models
SECTION = "cold start"


def _imports(*steps: str) -> Callable[[], dict[str, float]]:
    """A side for `interleaved`: one fresh interpreter importing `steps` (NAME=MODULES)."""

    def sample() -> dict[str, float]:
        out = subprocess.run(
            [sys.executable, "-I", "-S", str(PROBE), str(lambda_package.UNPACKED), *steps],
            capture_output=True,
            text=True,
            check=True,
        )
        pairs = (timing.split("=", 1) for timing in out.stdout.split())
        return {name: float(seconds) for name, seconds in pairs}

    return sample


def _ours(timings: dict[str, float]) -> float:
    return timings["ours"]


def measure() -> Section:
    sides = [
        _imports("boto3=boto3"),
        _imports("lib=cloudformation_cli_python_lib"),
        _imports(
            "floor=cloudformation_cli_python_lib,mlops_sagemaker_modelpackage.models",
            "ours=mlops_sagemaker_modelpackage.handlers",
        ),
    ]
    samples = interleaved(sides, min_rounds=15, settled=known_within(_ours, 0.001))
    added = Spread.of(samples["ours"])
    entry = Spread.of(per_round(samples, lambda r: r["floor"] + r["ours"]))
    floor = Spread.of(samples["floor"])
    lib = Spread.of(samples["lib"])
    boto3 = Spread.of(samples["boto3"])
    floor_ratio = Spread.of(per_round(samples, lambda r: r["floor"] / r["boto3"]))
    rows = [
        Row(
            SECTION,
            "our modules over the lib + models floor",
            added.ms_text(),
            f"<= {OUR_MODULES_MS:.0f} ms (median)",
            added.median * 1000 <= OUR_MODULES_MS,
        ),
        Row(SECTION, "import handlers (the entry point)", entry.ms_text()),
        Row(SECTION, "  floor: lib + generated models.py", floor.ms_text()),
        Row(SECTION, "  the python lib alone", lib.ms_text()),
        Row(SECTION, "  import boto3 alone", boto3.ms_text()),
        Row(SECTION, "  floor / import boto3", floor_ratio.ratio_text()),
    ]
    share = added.median / entry.median
    notes = [
        "## Cold start",
        "",
        "Measured from the built package (`dist/lambda-package`) in interpreters that see only "
        "it and the standard library, as on Lambda, each side in a fresh interpreter, sides "
        "interleaved round by round until the median is known (IQR beside each figure). The "
        "entry point must import the python lib (which imports boto3) and the generated "
        "`models.py`: that floor is the lib's, and the target is on what our own modules add.",
        "",
        f"- The entry point imports in {entry.median * 1000:.0f} ms; our modules are "
        f"{added.median * 1000:.0f} ms of it ({share:.0%}), the floor "
        f"{floor.median * 1000:.0f} ms (x{floor_ratio.median:.2f} `import boto3`, of which the "
        f"lib alone {lib.median * 1000:.0f} ms).",
    ]
    return Section(rows, notes)
