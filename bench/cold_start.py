"""Cold start: a cold invocation from the built package, as Lambda runs it, against the same
package with botocore's full SageMaker model, and what each part of it costs.

Every sample is a fresh interpreter (`python -I -S -B`) that sees only one package tree and the
standard library, and writes no bytecode (Lambda's /var/task is read-only). The trees are
unpacked from the zips into a temporary folder for each run, so no run leaves bytecode for the
next: `shipped` is what `make package` ships; `full model` is the same with botocore's pinned
SageMaker model, paginators and waiters (dist/full-models); `as installed` is cfn submit's
package less the folders `make package` drops, as pip installed it (sources only, every kept
model and endpoints.json whole), which is what `make package` shipped before the models were
cut and the bytecode compiled. `shipped` and `full model` are also run with an option the entry
point does not take (the cyclic collector paused while it imports, then its objects frozen), to
show what it would give.

A cold invocation (bench/cold_probe.py): import the entry point, build the caller's session and
the SageMaker client as the handlers do, make the first DescribeModelPackage on the local
backend. Import times of the parts of the entry point come from bench/import_probe.py; what our
modules add is timed in the interpreter that has just imported the floor (the lib and the
generated models), so it is not the difference of two noisy process timings. All sides are
interleaved round by round until the figures are known (IQR beside each).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.handler import REGION
from bench.measure import Spread, interleaved, per_round
from bench.report import Row, Section
from tools import package as lambda_package

HERE = Path(__file__).resolve().parent
IMPORT_PROBE = HERE / "import_probe.py"
COLD_PROBE = HERE / "cold_probe.py"
OUR_MODULES_MS = 15.0  # what our modules may add to the import of the lib + generated models
COLD_RATIO = 0.8  # a cold invocation against the same package with the full SageMaker model
SECTION = "cold start"
PACKAGE_NAME = "bench-cold-start"
SAGEMAKER_MODEL = Path("botocore", "data", "sagemaker")


@contextmanager
def trees() -> Iterator[dict[str, Path]]:
    """The three package trees, unpacked into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="cold-start-") as root:
        shipped, full, installed = (Path(root, n) for n in ("shipped", "full", "installed"))
        with (
            zipfile.ZipFile(lambda_package.PACKAGE) as outer,
            zipfile.ZipFile(io.BytesIO(outer.read(lambda_package.INNER))) as inner,
        ):
            inner.extractall(shipped)
        shutil.copytree(shipped, full)
        shutil.rmtree(full / SAGEMAKER_MODEL)
        shutil.copytree(lambda_package.FULL_MODELS / SAGEMAKER_MODEL, full / SAGEMAKER_MODEL)
        with zipfile.ZipFile(lambda_package.CFN_BUILT) as built:
            built.extractall(
                installed, [n for n in built.namelist() if not lambda_package.dropped(n)]
            )
        yield {"shipped": shipped, "full": full, "installed": installed}


def _probe(*args: str) -> tuple[dict[str, float], float]:
    """Run a probe in a fresh interpreter: its NAME=SECONDS timings, and its wall time."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-B", *args], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - started
    pairs = (timing.split("=", 1) for timing in out.stdout.split())
    return {name: float(seconds) for name, seconds in pairs}, wall


def _imports(tree: Path, *steps: str) -> Callable[[], dict[str, float]]:
    """A side for `interleaved`: one interpreter importing `steps` (NAME=MODULES)."""

    def sample() -> dict[str, float]:
        return _probe(str(IMPORT_PROBE), str(tree), *steps)[0]

    return sample


def _cold(name: str, tree: Path, mode: str, arn: str) -> Callable[[], dict[str, float]]:
    """A side: one cold invocation (or log setup) from `tree`, its timings prefixed `name.`."""

    def sample() -> dict[str, float]:
        timings, wall = _probe(str(COLD_PROBE), str(tree), mode, arn, REGION)
        if "total" in timings:
            timings["start"] = wall - timings["total"]
        return {f"{name}.{key}": value for key, value in timings.items()}

    return sample


def _settled(samples: dict[str, list[float]]) -> bool:
    ratio = Spread.of(per_round(samples, _ratio))
    ours = Spread.of(samples["ours"])
    return ratio.uncertainty <= 0.015 and ours.uncertainty <= 0.001


def _ratio(timings: dict[str, float]) -> float:
    return timings["shipped.total"] / timings["full.total"]


def _target_package(sagemaker: Any) -> str:
    """A model package on the backend for the probes to describe."""
    found = sagemaker.list_model_packages(NameContains=PACKAGE_NAME)["ModelPackageSummaryList"]
    if found:
        return str(found[0]["ModelPackageArn"])
    return str(
        sagemaker.create_model_package(
            ModelPackageName=PACKAGE_NAME,
            InferenceSpecification={
                "Containers": [
                    {
                        "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/"
                        "xgboost-inference:1.7-1-cpu-py3",
                        "ModelDataUrl": "s3://bench-models/cold-start/model.tar.gz",
                    }
                ],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
        )["ModelPackageArn"]
    )


def ms(values: list[float]) -> str:
    return Spread.of(values).ms_text()


def measure(sagemaker: Any) -> Section:
    """`sagemaker`: a client of the backend the probes reach (AWS_ENDPOINT_URL_SAGEMAKER)."""
    arn = _target_package(sagemaker)
    with trees() as tree:
        shipped = tree["shipped"]
        sides = [
            _cold("shipped", shipped, "invoke", arn),
            _cold("full", tree["full"], "invoke", arn),
            _cold("installed", tree["installed"], "invoke", arn),
            _cold("paused", shipped, "invoke-paused", arn),
            _cold("full_paused", tree["full"], "invoke-paused", arn),
            _cold("logs", shipped, "logs", arn),
            _cold("logs_installed", tree["installed"], "logs", arn),
            _imports(shipped, "boto3=boto3"),
            _imports(shipped, "lib=cloudformation_cli_python_lib"),
            _imports(
                shipped,
                "floor=cloudformation_cli_python_lib,mlops_sagemaker_modelpackage.models",
                "ours=mlops_sagemaker_modelpackage.handlers",
            ),
        ]
        s = interleaved(sides, min_rounds=15, max_rounds=45, settled=_settled)
    ratio = Spread.of(per_round(s, _ratio))
    added = Spread.of(s["ours"])
    invoking = ("shipped", "full", "installed", "paused", "full_paused")
    chain_runs = int(sum(sum(s[f"{side}.chain"]) for side in invoking))
    invocations = len(invoking) * len(s["shipped.chain"])
    median = {name: Spread.of(values).median * 1000 for name, values in s.items()}
    bytecode = median["installed.import"] - median["shipped.import"]
    model = median["full.client"] - median["shipped.client"]
    endpoints = median["installed.endpoints"] - median["shipped.endpoints"]
    paused_ratio = Spread.of(
        per_round(s, lambda r: r["paused.total"] / r["full_paused.total"])
    ).median
    rows = [
        Row(
            SECTION,
            "cold invocation / same, full SageMaker model",
            ratio.ratio_text(),
            f"<= x{COLD_RATIO:.2f} (median, interleaved)",
            ratio.median <= COLD_RATIO,
        ),
        Row(SECTION, "cold invocation (shipped package)", ms(s["shipped.total"])),
        Row(SECTION, "  import the entry point", ms(s["shipped.import"])),
        Row(SECTION, "  session and SageMaker client", ms(s["shipped.client"])),
        Row(SECTION, "    botocore session", ms(s["shipped.session"])),
        Row(SECTION, "    endpoint resolver (endpoints.json)", ms(s["shipped.endpoints"])),
        Row(SECTION, "    model and client", ms(s["shipped.model"])),
        Row(SECTION, "  first DescribeModelPackage (local)", ms(s["shipped.call"])),
        Row(SECTION, "same, botocore's full SageMaker model", ms(s["full.total"])),
        Row(SECTION, "  session and SageMaker client", ms(s["full.client"])),
        Row(SECTION, "    model and client", ms(s["full.model"])),
        Row(SECTION, "same, as pip installs it (no bytecode)", ms(s["installed.total"])),
        Row(SECTION, "  import the entry point", ms(s["installed.import"])),
        Row(SECTION, "  session and SageMaker client", ms(s["installed.client"])),
        Row(SECTION, "    endpoint resolver (endpoints.json)", ms(s["installed.endpoints"])),
        Row(
            SECTION,
            "botocore's credential chain runs",
            f"{chain_runs} of {invocations} invocations",
            "never (caller credentials passed)",
            chain_runs == 0,
        ),
        Row(SECTION, "around it: spawn, interpreter start, exit", ms(s["shipped.start"])),
        Row(SECTION, "option: collector paused while importing", ms(s["paused.total"])),
        Row(SECTION, "  same, full SageMaker model", ms(s["full_paused.total"])),
        Row(SECTION, "lib's log delivery setup (shipped)", ms(s["logs.logs"])),
        Row(SECTION, "  as pip installs it", ms(s["logs_installed.logs"])),
        Row(
            SECTION,
            "our modules over the lib + models floor",
            added.ms_text(),
            f"<= {OUR_MODULES_MS:.0f} ms (median)",
            added.median * 1000 <= OUR_MODULES_MS,
        ),
        Row(SECTION, "  floor: lib + generated models.py", ms(s["floor"])),
        Row(SECTION, "  the python lib alone", ms(s["lib"])),
        Row(SECTION, "  import boto3 alone", ms(s["boto3"])),
    ]
    notes = [
        "## Cold start",
        "",
        "Measured from the built package in interpreters that see only it and the standard "
        "library and write no bytecode, as Lambda runs `/var/task` (read-only), each sample a "
        "fresh `python -I -S -B` on a tree unpacked for this run; sides interleaved round by "
        "round. A cold invocation: import the entry point, build the caller's session and the "
        "SageMaker client as the handlers do, make the first DescribeModelPackage against the "
        "local backend. *Full model* is the same package with botocore's pinned SageMaker "
        "model; *as pip installs it* is `cfn submit`'s package less the folders `make package` "
        "drops (sources only, every kept model and `endpoints.json` whole).",
        "",
        f"- A cold invocation takes {median['shipped.total']:.0f} ms in-process, "
        f"x{ratio.median:.2f} of the same package with the full SageMaker model "
        f"({median['full.total']:.0f} ms) and "
        f"x{median['shipped.total'] / median['installed.total']:.2f} of the package as pip "
        f"installs it ({median['installed.total']:.0f} ms). The process around it (spawned from "
        f"the bench, the interpreter's start and exit) adds {median['shipped.start']:.0f} ms "
        "here; on Lambda the runtime's own init takes its place.",
        "",
        "What was ours to cut, and is cut (`make package`):",
        "",
        f"- **Bytecode**: {bytecode:.0f} ms. Lambda cannot write `__pycache__` in `/var/task`, "
        "so without bytecode in the zip every cold start compiles every module it imports "
        f"(the entry point imports in {median['installed.import']:.0f} ms from sources, "
        f"{median['shipped.import']:.0f} ms from the shipped bytecode).",
        f"- **The SageMaker model**: {model:.0f} ms. The client parsed 425 operations and "
        "3,200 shapes for the eight operations the handlers call; the shipped model has "
        f"those eight (model and client {median['full.model']:.0f} -> "
        f"{median['shipped.model']:.0f} ms).",
        f"- **`endpoints.json`**: {endpoints:.0f} ms. botocore parses it (1.25 MB, every "
        "service in every partition) for each session's first client; the shipped one holds "
        "the four shipped services' entries, which resolve as before in every region "
        f"({median['installed.endpoints']:.0f} -> {median['shipped.endpoints']:.0f} ms).",
        f"- **The lib's log delivery setup** (when CloudFormation asks for logs, as "
        "`deploy/register-type.yml` does): its provider session and CloudWatch Logs and "
        f"CloudWatch clients take {median['logs.logs']:.0f} ms with the cut models, against "
        f"{median['logs_installed.logs']:.0f} ms. Its `PutMetricData` and `PutLogEvents` "
        "calls (on every invocation, one per log line) are the lib's and not measured here.",
        "",
        "What is the floor (not ours, or not worth it):",
        "",
        f"- **Imports** ({median['shipped.import']:.0f} ms): the lib imports boto3 "
        f"({median['boto3']:.0f} ms alone: botocore, s3transfer, urllib3) and requests "
        f"(the lib alone {median['lib']:.0f} ms); with the generated `models.py` that is a "
        f"floor of {median['floor']:.0f} ms. `python -X importtime` names the largest parts "
        "none of our code asks for: s3transfer (boto3 imports it for its S3 helpers), "
        "requests with charset_normalizer and idna (the lib), `importlib.metadata` (urllib3's "
        "HTTP/2 probe), and `models.py` itself (generated dataclasses, ~12 ms). Our own modules "
        f"add {median['ours']:.0f} ms.",
        f"- **Session and client** ({median['shipped.client']:.0f} ms): botocore's session "
        f"({median['shipped.session']:.0f} ms) registers its ~120 built-in handlers; the "
        "client reads its endpoint ruleset and the cut model "
        f"({median['shipped.model']:.0f} ms); nothing of ours is left in it.",
        f"- **The first call** ({median['shipped.call']:.0f} ms here): serialising, signing, "
        "the connection and parsing; on AWS the TLS handshake with SageMaker adds to it.",
        "- **The credential chain** never runs: the handlers pass the caller's credentials "
        f"to the client ({chain_runs} runs in {invocations} invocations).",
        "- **Logging**: the handlers only set three loggers' levels; no handler is added.",
        "",
        "Measured, not taken: the imports allocate objects by the hundred thousand, none of "
        "them garbage, and the cyclic collector walks them again and again. Pausing it while "
        "the entry point imports and freezing what they built (`gc.freeze`) before it resumes "
        f"would make a cold invocation {median['paused.total']:.0f} ms "
        f"({median['shipped.total'] - median['paused.total']:.0f} ms less), but it speeds "
        "botocore's parse of a large model more: the full-model package would take "
        f"{median['full_paused.total']:.0f} ms "
        f"({median['full.total'] - median['full_paused.total']:.0f} ms less), and the cut "
        f"model's advantage would shrink to x{paused_ratio:.2f}. It is a process-wide "
        "setting in the entry point for a few percent; left as a decision.",
    ]
    return Section(rows, notes)
