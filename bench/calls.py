"""SageMaker API calls per operation, from the backend's call log, against each one's budget.

Each budget is one operation after the set-up it needs, on an emptied backend (set-up calls
are not counted).
tests/test_performance_bounds.py holds every operation to its budget in `make test`; the bench
reports the same counts in docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.handler import operate
from bench.report import Row, Section
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl

GROUP = "bench"
SPEC = {
    "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"}],
    "SupportedContentTypes": ["text/csv"],
    "SupportedResponseMIMETypes": ["text/csv"],
}
UNVERSIONED: Json = {
    "ModelPackageName": "bench-solo",
    "InferenceSpecification": SPEC,
    "Tags": [{"Key": "a", "Value": "1"}],
}
VERSIONED: Json = {
    "ModelPackageGroupName": GROUP,
    "InferenceSpecification": SPEC,
    "ModelApprovalStatus": "PendingManualApproval",
}

Operation = Callable[[], Json]


def _created(desired: Json) -> Json:
    """`desired` as it stands once created: with the ARN CloudFormation passes back."""
    arn = operate("CREATE", desired)["resourceModel"]["ModelPackageArn"]
    return {**desired, "ModelPackageArn": arn}


def _create_unversioned() -> Operation:
    return lambda: operate("CREATE", UNVERSIONED)


def _create_versioned() -> Operation:
    return lambda: operate("CREATE", VERSIONED)


def _create_approved() -> Operation:
    return lambda: operate("CREATE", {**VERSIONED, "ModelApprovalStatus": "Approved"})


def _read_versioned() -> Operation:
    version = _created(VERSIONED)
    return lambda: operate("READ", version)


def _read_unversioned() -> Operation:
    package = _created(UNVERSIONED)
    return lambda: operate("READ", package)


def _approve() -> Operation:
    version = _created(VERSIONED)
    return lambda: operate("UPDATE", {**version, "ModelApprovalStatus": "Approved"}, version)


def _retag() -> Operation:
    package = _created(UNVERSIONED)
    return lambda: operate("UPDATE", {**package, "Tags": [{"Key": "a", "Value": "2"}]}, package)


def _delete() -> Operation:
    version = _created(VERSIONED)
    return lambda: operate("DELETE", {"ModelPackageArn": version["ModelPackageArn"]})


def _list_page() -> Operation:
    _created(VERSIONED)
    return lambda: operate("LIST", None)


@dataclass(frozen=True)
class Budget:
    label: str
    calls: int
    why: str  # what each call buys beyond the operation's own
    prepare: Callable[[], Operation]  # set-up; returns the operation to count


BUDGETS = (
    Budget(
        "create unversioned",
        3,
        "Create, then Describe (every mutation ends in a read) and ListTags (an unversioned "
        "package carries its own tags)",
        _create_unversioned,
    ),
    Budget(
        "create versioned",
        2,
        "Create, then Describe (a version takes its group's tags: no ListTags)",
        _create_versioned,
    ),
    Budget(
        "create versioned, approved",
        4,
        "Create (pending), the Describe that sees it Completed, then UpdateModelPackage with the "
        "approval (never before validation has passed: an approval starts deployments; an "
        "ApprovalDescription goes in the same call) and the Describe that reads it back",
        _create_approved,
    ),
    Budget("read versioned", 1, "Describe", _read_versioned),
    Budget("read unversioned", 2, "Describe and ListTags", _read_unversioned),
    Budget(
        "update approval status",
        3,
        "Describe first: the update is decided from what SageMaker holds, not from the "
        "previous template, so rollbacks and replays succeed; then UpdateModelPackage and the "
        "Describe that reads it back",
        _approve,
    ),
    Budget(
        "tag update, 1 tag",
        4,
        "Describe and ListTags first: the tag changes are decided from what SageMaker holds, so "
        "rollbacks and replays succeed; then AddTags (or DeleteTags) and the ListTags that reads "
        "them back",
        _retag,
    ),
    Budget(
        "delete",
        2,
        "Delete, then Describe (gone, or Deleting to wait on)",
        _delete,
    ),
    Budget("list page", 1, "one ListModelPackages per page", _list_page),
)


def count(budget: Budget, control: BackendControl, sagemaker: Any) -> list[str]:
    """The SageMaker operations `budget`'s operation made, in order, on a backend emptied
    first (its group created again)."""
    control.reset()
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    operation = budget.prepare()
    control.reset_calls()
    result = operation()
    assert result["status"] == "SUCCESS", result
    return control.operations()


def measure(control: BackendControl, sagemaker: Any) -> Section:
    rows = []
    for budget in BUDGETS:
        made = count(budget, control, sagemaker)
        value = f"{len(made)} ({', '.join(made)})"
        met = len(made) == budget.calls
        rows.append(Row("API calls", budget.label, value, f"= {budget.calls}", met))
    notes = [
        "## API calls",
        "",
        f"{sum(row.met for row in rows)} of {len(rows)} operations make exactly their budget of "
        "SageMaker calls (tests/test_performance_bounds.py holds each to it in `make test`). "
        "What each call buys:",
        "",
        *(f"- {budget.label} ({budget.calls}): {budget.why}." for budget in BUDGETS),
    ]
    return Section(rows, notes)
