"""The package build: service models cut to what the code calls (found from the code, checked
against it), endpoints cut to the shipped services, bytecode compiled for the runtime."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import botocore
import pytest

from tools import package, service_models
from tools.service_models import ServiceData

DATA = Path(botocore.__file__).parent / "data"
SOURCE = package.ROOT / "src"
SAGEMAKER_PERMISSIONS = {
    p.split(":", 1)[1]
    for handler in json.loads((package.ROOT / "mlops-sagemaker-modelpackage.json").read_text())[
        "handlers"
    ].values()
    for p in handler["permissions"]
    if p.startswith("sagemaker:")
}


def _read(path: Path) -> Any:
    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if path.suffix == ".gz" else data)


def pinned(service: str) -> ServiceData:
    """The service's files as the pinned botocore installs them."""
    (folder,) = (DATA / service).iterdir()

    def load(kind: str, default: Any) -> Any:
        found = [p for p in folder.iterdir() if p.name.split(".json")[0] == kind]
        return _read(found[0]) if found else default

    return ServiceData(
        load("service-2", None),
        load("paginators-1", {"pagination": {}}),
        load("waiters-2", {}),
        load("paginators-1.sdk-extras", None),
    )


def scan_tree(root: Path) -> service_models.Usage:
    return service_models.scan(
        (str(p.relative_to(root)), p.read_text()) for p in root.rglob("*.py")
    )


def test_the_scan_finds_the_handlers_calls_and_not_regex_searches() -> None:
    usage = scan_tree(SOURCE / "mlops_sagemaker_modelpackage")
    assert usage.problems == []
    needed = service_models.required(usage, pinned("sagemaker").model, {})
    assert needed.operations, "no SageMaker call found: the scan is broken"
    # `_PACKAGE_MISSING.search(...)` is a regex, not SageMaker's Search operation.
    assert "Search" not in needed.operations
    # Every operation found is one the handlers are granted (and the reverse is tested by
    # tests/test_security.py), so the scan neither misses nor invents calls.
    assert set(needed.operations) <= SAGEMAKER_PERMISSIONS
    assert any(w.startswith("package_state.py:") for w in needed.operations["ListTags"])


def test_the_scan_refuses_what_it_cannot_resolve() -> None:
    usage = service_models.scan_source(
        "import operator\n"
        "def f(client, name):\n"
        "    getattr(client, name)()\n"
        "    client.get_paginator(name)\n"
        "    client.meta.service_model.operation_model('DescribeModelPackage')\n"
        "    getattr(operator, name)\n",  # an imported module: no client
        "dynamic.py",
    )
    assert len(usage.problems) == 3, usage.problems
    assert usage.problems[0].startswith("dynamic.py:3: getattr(client, name)")
    assert "dynamic.py:4" in usage.problems[1]
    assert "reads the service model" in usage.problems[2]


def test_constant_names_count_as_calls() -> None:
    usage = service_models.scan_source(
        "def f(client):\n"
        "    getattr(client, 'add_tags')\n"
        "    client.get_paginator('list_model_packages')\n"
        "    client.get_waiter('endpoint_in_service')\n"
        "    client._make_api_call('ListTags', {})\n",
        "constant.py",
    )
    full = pinned("sagemaker")
    needed = service_models.required(usage, full.model, full.waiters)
    assert set(needed.operations) == {
        "AddTags",
        "ListModelPackages",
        "DescribeEndpoint",
        "ListTags",
    }
    cut = service_models.reduce(full, needed.operations)
    assert set(cut.paginators["pagination"]) == {"ListModelPackages", "ListTags"}
    assert set(cut.waiters["waiters"]) == {"EndpointInService", "EndpointDeleted"}
    assert service_models.check("sagemaker", cut, full, usage) == []


def _handlers_cut() -> tuple[ServiceData, ServiceData, service_models.Usage]:
    usage = scan_tree(SOURCE / "mlops_sagemaker_modelpackage")
    full = pinned("sagemaker")
    needed = service_models.required(usage, full.model, full.waiters)
    return service_models.reduce(full, needed.operations), full, usage


def test_the_cut_model_serves_the_handlers_and_is_the_pinned_one() -> None:
    cut, full, usage = _handlers_cut()
    assert service_models.check("sagemaker", cut, full, usage) == []
    assert len(cut.model["operations"]) < len(full.model["operations"]) / 20
    assert cut.model["metadata"] == full.model["metadata"]
    # Paginators, waiters and the extras that merge into paginators name kept operations only.
    assert set(cut.paginators["pagination"]) <= set(cut.model["operations"])
    assert cut.waiters["waiters"] == {}
    assert full.paginator_extras is not None
    assert cut.paginator_extras is None  # it only completed Search's paginator


def test_the_check_fails_when_an_operation_the_code_calls_is_missing() -> None:
    cut, full, usage = _handlers_cut()
    operations = {k: v for k, v in cut.model["operations"].items() if k != "ListTags"}
    lacking = ServiceData({**cut.model, "operations": operations}, {"pagination": {}}, {}, None)
    problems = service_models.check("sagemaker", lacking, full, usage)
    assert len(problems) == 1, problems
    assert problems[0].startswith("package_state.py:")
    assert "calls sagemaker ListTags, which the shipped sagemaker model lacks" in problems[0]


def test_the_check_fails_when_a_shape_is_missing_or_altered() -> None:
    cut, full, usage = _handlers_cut()
    shapes = dict(cut.model["shapes"])
    del shapes["ModelPackageStatusDetails"]
    shapes["ModelPackageArn"] = {**shapes["ModelPackageArn"], "max": 1}
    broken = ServiceData({**cut.model, "shapes": shapes}, cut.paginators, cut.waiters, None)
    problems = service_models.check("sagemaker", broken, full, usage)
    assert "sagemaker shape ModelPackageArn differs from botocore's pinned model" in problems
    assert any(
        p.startswith("sagemaker DescribeModelPackage does not resolve: NoShapeFoundError")
        for p in problems
    ), problems


def test_the_check_fails_when_a_paginator_names_a_dropped_operation() -> None:
    cut, full, usage = _handlers_cut()
    pagination = {**cut.paginators["pagination"], "Search": full.paginators["pagination"]["Search"]}
    stale = ServiceData(cut.model, {"pagination": pagination}, cut.waiters, None)
    assert service_models.check("sagemaker", stale, full, usage) == [
        "sagemaker paginator Search names an operation the shipped model lacks"
    ]


# A cfn-built inner package in miniature: the four kept services, botocore's shared data, our
# package calling one SageMaker operation, the lib calling one CloudWatch Logs operation.
def _inner(our_source: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as inner:
        for path in sorted(DATA.glob("*.json")):
            inner.write(path, f"botocore/data/{path.name}")
        for service in package.KEEP_SERVICES:
            for path in sorted((DATA / service).rglob("*")):
                if path.is_file():
                    inner.write(path, f"botocore/data/{path.relative_to(DATA)}")
        inner.writestr("botocore/vendored.py", '"""Third party."""\nVALUE = 1\n')
        inner.writestr("botocore-1.0.dist-info/RECORD", "")
        inner.writestr("mlops_sagemaker_modelpackage/__init__.py", "")
        inner.writestr("mlops_sagemaker_modelpackage/calls.py", our_source)
        inner.writestr(
            "cloudformation_cli_python_lib/log.py",
            "def put(client):\n    client.put_log_events(logGroupName='g')\n",
        )
        inner.writestr("setuptools/__init__.py", "")
    return out.getvalue()


OUR_CALL = "def describe(client):\n    return client.describe_model_package(ModelPackageName='x')\n"


@pytest.fixture
def bytecode_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make package` runs with -X no_debug_ranges (smaller bytecode); pytest does not."""
    monkeypatch.setitem(sys._xoptions, "no_debug_ranges", True)


@pytest.mark.usefixtures("bytecode_flags")
def test_the_build_cuts_models_and_endpoints_and_compiles(tmp_path: Path) -> None:
    slimmed, contents = package.slim(_inner(OUR_CALL), tmp_path / "full")
    assert contents.problems == []
    with zipfile.ZipFile(io.BytesIO(slimmed)) as built:
        names = set(built.namelist())

        def model(service: str) -> Any:
            (name,) = (
                n
                for n in names
                if n.startswith(f"botocore/data/{service}/") and "/service-2.json" in n
            )
            return json.loads(gzip.decompress(built.read(name)))

        assert list(model("sagemaker")["operations"]) == ["DescribeModelPackage"]
        assert list(model("logs")["operations"]) == ["PutLogEvents"]
        assert model("cloudwatch")["operations"] == {}
        # The STS model ships whole (botocore's own credential providers call it).
        assert model("sts") == _read(next((DATA / "sts").rglob("service-2.json*")))
        endpoints = json.loads(built.read(package.ENDPOINTS))
        assert set(endpoints["partitions"][0]["services"]) == {
            "api.sagemaker",
            "logs",
            "monitoring",
            "sts",
        }
        # Third-party code ships as bytecode only, ours and the lib's with their source.
        assert "botocore/vendored.py" not in names
        vendored = built.read("botocore/vendored.pyc")
        ours = built.read(
            f"mlops_sagemaker_modelpackage/__pycache__/calls.{sys.implementation.cache_tag}.pyc"
        )
        assert "mlops_sagemaker_modelpackage/calls.py" in names
        assert "cloudformation_cli_python_lib/log.py" in names
        assert not any(n.startswith("setuptools") for n in names)
    for pyc in (vendored, ours):
        assert pyc[:4] == importlib.util.MAGIC_NUMBER
        assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, unchecked
    # The pinned files are kept aside, whole, for the bench.
    kept = next((tmp_path / "full").rglob("sagemaker/*/service-2.json.gz"))
    assert len(_read(kept)["operations"]) > 400


@pytest.mark.usefixtures("bytecode_flags")
def test_the_build_fails_on_a_call_it_cannot_resolve(tmp_path: Path) -> None:
    source = OUR_CALL + "def call(client, name):\n    return getattr(client, name)()\n"
    _, contents = package.slim(_inner(source), tmp_path / "full")
    assert contents.problems == [
        "mlops_sagemaker_modelpackage/calls.py:4: getattr(client, name) computes an attribute "
        "name; if it can be a client method, the scan cannot tell which operation it calls"
    ]


def test_bytecode_needs_the_flag_that_drops_column_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys._xoptions, "no_debug_ranges", raising=False)
    contents = package.Contents({})
    package.compile_bytecode(contents)
    assert contents.problems == ["run as `python -X no_debug_ranges -m tools.package`"]
    assert package.runtime() == f"python{sys.version_info.major}.{sys.version_info.minor}"


@pytest.mark.usefixtures("bytecode_flags")
def test_the_build_fails_when_the_written_model_lacks_a_called_operation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check runs on the files as written, not on what the cut meant to write."""
    cut = service_models.reduce

    def losing_one(full: ServiceData, operations: Any) -> ServiceData:
        return cut(full, set(operations) - {"DescribeModelPackage"})

    monkeypatch.setattr(service_models, "reduce", losing_one)
    _, contents = package.slim(_inner(OUR_CALL), tmp_path / "full")
    assert contents.problems == [
        "mlops_sagemaker_modelpackage/calls.py:2: calls sagemaker DescribeModelPackage, "
        "which the shipped sagemaker model lacks"
    ]
