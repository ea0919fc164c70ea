"""`make package`: slim the Lambda package `cfn submit --dry-run` built, unpack it, check it.

`cfn submit` zips everything pip installs for requirements.txt, stored uncompressed: botocore
with the models of all ~440 AWS services is three quarters of it. The handlers call SageMaker;
the python lib calls CloudWatch Logs (log delivery) and CloudWatch (metrics); STS is kept for
botocore's role-assuming credential providers. This keeps those four service models and
botocore's shared data, drops the rest and setuptools (declared by the lib, never imported) and
boto3's resource models (`boto3.resource` is never used). For a faster cold start it then cuts
the SageMaker, CloudWatch Logs and CloudWatch models to the operations the shipped code calls
(tools/service_models.py: found from the code, checked against it) and endpoints.json to the
kept services, and compiles the bytecode Lambda cannot cache itself (compile_bytecode). It
deflates the code and writes the package back under the same name, so
`deploy/register-type.yml` takes the slim one. It is then unpacked into dist/lambda-package/
(outside cfn's build/, which every `cfn submit` empties; swapped in whole), where
`make contract-test` and `make bench` run the handlers from. The pinned models before the cut
(dist/full-models/) and cfn's own package (dist/cfn-submit-package.zip) are kept for the bench.

Fails, leaving cfn's zip as it was, when the code calls an operation the cut model lacks or in a
way the scan cannot resolve, or when a cut changes how a kept service resolves its endpoint;
fails after building when the handler code, its bytecode or a kept service model is missing,
when anything from tests/, local/, tools/ or examples/ was packed, or when the zip exceeds
MAX_ZIPPED_MB.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import py_compile
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError
from botocore.regions import EndpointResolver

from tools import service_models

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mlops-sagemaker-modelpackage.zip"
UNPACKED = ROOT / "dist" / "lambda-package"
SIZES = ROOT / "dist" / "package-sizes.json"
# The pinned models as pip installed them, before the cut: the bench's "full model" package.
FULL_MODELS = ROOT / "dist" / "full-models"
# cfn submit's own inner package, as pip installed it: the bench's "before the cuts" package.
CFN_BUILT = ROOT / "dist" / "cfn-submit-package.zip"
ENDPOINTS = "botocore/data/endpoints.json"
INNER = "ResourceProvider.zip"
MAX_ZIPPED_MB = 10.0
KEEP_SERVICES = {
    "sagemaker": "the handlers",
    "logs": "the python lib's log delivery",
    "cloudwatch": "the python lib's metrics",
    "sts": "botocore's role-assuming credential providers",
}
# Shipped as source (with bytecode beside it), so tracebacks through them show their lines: our
# handlers and the python lib. Every other module ships as bytecode only (see compile_bytecode).
SOURCE_KEPT = ("mlops_sagemaker_modelpackage", "cloudformation_cli_python_lib")
NOT_MODULES = ("bin/",)
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


@dataclass
class Contents:
    """The inner package being built: its entries (name -> (zip info, bytes)) and what the
    build found: lines for the build's output, problems that fail it."""

    entries: dict[str, tuple[zipfile.ZipInfo, bytes]]
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def put(self, name: str, data: bytes | None) -> None:
        """Replace (or, with None, remove) an entry, keeping its zip info."""
        if data is None:
            self.entries.pop(name, None)
        else:
            self.entries[name] = (self.entries[name][0], data)

    def json(self, name: str) -> Any:
        data = self.entries[name][1]
        return json.loads(gzip.decompress(data) if name.endswith(".gz") else data)


def _encoded(name: str, value: Any) -> bytes:
    data = json.dumps(value, separators=(",", ":")).encode()
    return gzip.compress(data, compresslevel=9, mtime=0) if name.endswith(".gz") else data


def _service_files(contents: Contents, service: str) -> dict[str, str]:
    """File kind (service-2, paginators-1, ...) -> entry name, in the service's one folder."""
    prefix = f"botocore/data/{service}/"
    found = {n for n in contents.entries if n.startswith(prefix) and n.count("/") == 4}
    versions = {n.split("/")[3] for n in found}
    if len(versions) != 1:
        raise ValueError(f"expected one API version of {service}, found {sorted(versions)}")
    return {n.rsplit("/", 1)[1].split(".json")[0]: n for n in found}


def _service_data(contents: Contents, files: dict[str, str]) -> service_models.ServiceData:
    def load(kind: str, default: Any) -> Any:
        return contents.json(files[kind]) if kind in files else default

    return service_models.ServiceData(
        model=load("service-2", None),
        paginators=load("paginators-1", {"pagination": {}}),
        waiters=load("waiters-2", {}),
        paginator_extras=load("paginators-1.sdk-extras", None),
    )


def cut_models(contents: Contents, full_models: Path = FULL_MODELS) -> None:
    """Cut each service in service_models.REDUCED to what the shipped code calls (scanned from
    the package's own sources), keep the pinned files under `full_models` for the bench, and
    check what will ship against the code."""
    usage = service_models.scan(
        (name, data.decode())
        for name, (_, data) in sorted(contents.entries.items())
        if name.endswith(".py") and name.split("/", 1)[0] in service_models.SCANNED
    )
    contents.problems += usage.problems
    shutil.rmtree(full_models, ignore_errors=True)
    for service in service_models.REDUCED:
        files = _service_files(contents, service)
        for name in files.values():
            kept = full_models / name
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(contents.entries[name][1])
        full = _service_data(contents, files)
        needed = service_models.required(usage, full.model, full.waiters)
        cut = service_models.reduce(full, needed.operations)
        contents.put(files["service-2"], _encoded(files["service-2"], cut.model))
        contents.put(files["paginators-1"], _encoded(files["paginators-1"], cut.paginators))
        if "waiters-2" in files:
            contents.put(files["waiters-2"], _encoded(files["waiters-2"], cut.waiters))
        if "paginators-1.sdk-extras" in files:
            extras = cut.paginator_extras
            name = files["paginators-1.sdk-extras"]
            contents.put(name, None if extras is None else _encoded(name, extras))
        shipped = _service_data(contents, _service_files(contents, service))  # as written
        contents.problems += service_models.check(service, shipped, full, usage)
        contents.notes.append(
            f"{service} model: {len(cut.model['operations'])} of "
            f"{len(full.model['operations'])} operations "
            f"({', '.join(cut.model['operations'])}), {len(cut.model['shapes'])} of "
            f"{len(full.model['shapes'])} shapes"
        )


def _resolved(resolver: EndpointResolver, *args: Any) -> Any:
    """What botocore's endpoint resolver makes of a service, region and variant, or its error."""
    try:
        return resolver.construct_endpoint(*args)
    except BotoCoreError as error:
        return repr(error)


def cut_endpoints(contents: Contents) -> None:
    """botocore parses endpoints.json (1.25 MB, every service in every partition) for each new
    session's first client; only the shipped services' entries can ever be looked up. The
    partitions stay whole; each kept service must resolve exactly as before in every region."""
    full = contents.json(ENDPOINTS)
    prefixes = set()
    for service in KEEP_SERVICES:
        model = contents.json(_service_files(contents, service)["service-2"])
        prefixes.add(model["metadata"]["endpointPrefix"])
    cut = {
        **full,
        "partitions": [
            {**p, "services": {k: v for k, v in p["services"].items() if k in prefixes}}
            for p in full["partitions"]
        ],
    }
    contents.put(ENDPOINTS, _encoded(ENDPOINTS, cut))
    before, after = EndpointResolver(full), EndpointResolver(contents.json(ENDPOINTS))
    variants = [(dualstack, fips) for dualstack in (False, True) for fips in (False, True)]
    for partition in full["partitions"]:
        for prefix in sorted(prefixes):
            for region in partition["regions"]:
                for dualstack, fips in variants:
                    found = [
                        _resolved(r, prefix, region, partition["partition"], dualstack, fips)
                        for r in (before, after)
                    ]
                    if found[0] != found[1]:
                        contents.problems.append(
                            f"endpoints.json cut changes {prefix} in {region}"
                            f" (dualstack {dualstack}, FIPS {fips})"
                        )
    contents.notes.append(
        f"endpoints.json: the {len(prefixes)} shipped services' entries "
        f"({', '.join(sorted(prefixes))}) of {len(full['partitions'][0]['services'])}"
    )


def runtime() -> str:
    """The Lambda runtime the type is registered with (.rpdk-config), e.g. python3.11."""
    return str(json.loads((ROOT / ".rpdk-config").read_text())["runtime"])


def compile_bytecode(contents: Contents) -> None:
    """Lambda's /var/task is read-only, so Python cannot cache what it compiles: without
    bytecode in the package, every cold start compiles every module it imports from source
    (about 280 ms of the ~530 ms a cold invocation took in-process; docs/performance.md). So
    every module ships compiled for the runtime's Python, unchecked-hash (no source timestamp
    to go stale in the zip) and without column ranges (PEP 657 carets; a quarter smaller).
    SOURCE_KEPT packages keep their source beside it in __pycache__/; the rest ships as
    bytecode alone, in place of the source (Python imports a .pyc where the .py was), which
    keeps the package within its old size: their tracebacks show file and line, not the
    line's text."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if version != runtime():
        contents.problems.append(f"bytecode needs {runtime()} to build, this is {version}")
        return
    if "no_debug_ranges" not in sys._xoptions:
        contents.problems.append("run as `python -X no_debug_ranges -m tools.package`")
        return
    modules = [
        name
        for name in contents.entries
        if name.endswith(".py") and not name.startswith(NOT_MODULES) and ".dist-info/" not in name
    ]
    sources_kept = 0
    with tempfile.TemporaryDirectory() as staging:
        for name in modules:
            source = Path(staging, name)
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(contents.entries[name][1])
            keep = name.split("/", 1)[0] in SOURCE_KEPT
            target = Path(name[:-3] + ".pyc")  # sourceless: where the source was
            if keep:
                target = Path(importlib_cache(name))
            py_compile.compile(
                str(source),
                cfile=str(Path(staging, "out", target)),
                dfile=name,
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            info = contents.entries[name][0]
            compiled = Path(staging, "out", target).read_bytes()
            contents.entries[target.as_posix()] = (info, compiled)
            if keep:
                sources_kept += 1
            else:
                del contents.entries[name]
    contents.notes.append(
        f"bytecode ({version}): {len(modules)} modules, {sources_kept} with their source "
        f"({', '.join(SOURCE_KEPT)}), {len(modules) - sources_kept} as bytecode only"
    )


def importlib_cache(name: str) -> str:
    """Where Python looks for the bytecode of the source `name` (a relative path)."""
    folder, _, file = name.rpartition("/")
    cached = f"__pycache__/{file[:-3]}.{sys.implementation.cache_tag}.pyc"
    return f"{folder}/{cached}" if folder else cached


def slim(inner_bytes: bytes, full_models: Path = FULL_MODELS) -> tuple[bytes, Contents]:
    """The inner package without the dropped entries, its service models and endpoints cut,
    deflated (gzip'd models stored); and what the build found."""
    with zipfile.ZipFile(io.BytesIO(inner_bytes)) as source:
        contents = Contents(
            {e.filename: (e, source.read(e)) for e in source.infolist() if not dropped(e.filename)}
        )
    cut_models(contents, full_models)
    cut_endpoints(contents)
    compile_bytecode(contents)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, (entry, data) in contents.entries.items():
            info = zipfile.ZipInfo(name, entry.date_time)
            info.external_attr = entry.external_attr
            is_gzip = name.endswith(".gz")
            info.compress_type = zipfile.ZIP_STORED if is_gzip else zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    return out.getvalue(), contents


def rewrite(package: Path = PACKAGE) -> tuple[int, int, Contents]:
    """Slim `package` in place unless the build finds problems; returns (size as cfn built it,
    slim size, what the build found), sizes in bytes."""
    built = package.stat().st_size
    with zipfile.ZipFile(package) as outer:
        entries = [(info, outer.read(info)) for info in outer.infolist()]
    inner = next(data for info, data in entries if info.filename == INNER)
    with zipfile.ZipFile(io.BytesIO(inner)) as source:
        if any(e.compress_type != zipfile.ZIP_STORED for e in source.infolist()):
            raise SystemExit(f"{package.name} is already slimmed: run `make package`")
    CFN_BUILT.parent.mkdir(parents=True, exist_ok=True)
    CFN_BUILT.write_bytes(inner)
    slimmed, contents = slim(inner)
    if contents.problems:
        return built, built, contents
    staging = package.with_suffix(".slim.zip")
    with zipfile.ZipFile(staging, "w") as target:
        for info, data in entries:
            target.writestr(info, slimmed if info.filename == INNER else data)
    staging.replace(package)
    return built, package.stat().st_size, contents


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
class PackageReport:
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


def report(package: Path = PACKAGE) -> PackageReport:
    with zipfile.ZipFile(package) as outer:
        outer_names = outer.namelist()
        with zipfile.ZipFile(io.BytesIO(outer.read(INNER))) as inner:
            entries = inner.infolist()
    names = {e.filename for e in entries}
    problems = []
    if "mlops_sagemaker_modelpackage/handlers.py" not in names:
        problems.append(f"handler code missing from {INNER}")
    if importlib_cache("mlops_sagemaker_modelpackage/handlers.py") not in names:
        problems.append(f"handler bytecode missing from {INNER}")
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
    return PackageReport(
        zipped, sum(by_top.values()), len(entries), by_top.most_common(5), problems
    )


def main() -> int:
    built, slimmed, contents = rewrite()
    print("\n".join(contents.notes))
    if contents.problems:
        for problem in contents.problems:
            print(f"PROBLEM: {problem}", file=sys.stderr)
        print("package: not slimmed, not unpacked", file=sys.stderr)
        return 1
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
