"""The HTTP side: SageMaker requests to moto's SageMakerResponse, with our layers in front.

Every call is logged, may be answered with an injected fault (settings.py) and has its input
validated as SageMaker validates it (validation.py) before moto serves it. moto's own handlers
serve DescribeModelPackage, ListModelPackages (cut down to summaries here) and the tag
operations; the handlers below serve what moto's cannot: a create or update with every field,
and the two deletions moto 5.2.5 lacks. All of them work on packages.py's backend.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, cast

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.responses import SageMakerResponse

from . import packages, validation
from .settings import CONTROL

Plain = dict[str, Any]
# Set in a request's WSGI environ when its answer is to be lost (server.py drops the connection).
DROPPED = "mlops.local.dropped"

VALIDATED = {
    "CreateModelPackage",
    "UpdateModelPackage",
    "DescribeModelPackage",
    "DeleteModelPackage",
    "ListModelPackages",
    "AddTags",
    "ListTags",
    "DeleteTags",
}


def _params(self: SageMakerResponse) -> Plain:
    body = self.body.decode() if isinstance(self.body, bytes) else (self.body or "{}")
    params: Plain = json.loads(body or "{}")
    return params


def _backend(self: SageMakerResponse) -> packages.RegistryBackend:
    return packages.backend_for(self.current_account, self.region)


def create_model_package(self: SageMakerResponse) -> ActionResult:
    return ActionResult({"ModelPackageArn": _backend(self).create_package(_params(self))})


def update_model_package(self: SageMakerResponse) -> ActionResult:
    return ActionResult({"ModelPackageArn": _backend(self).update_package(_params(self))})


def delete_model_package(self: SageMakerResponse) -> EmptyResult:
    _backend(self).delete_model_package(_params(self)["ModelPackageName"])
    return EmptyResult()


def delete_model_package_group(self: SageMakerResponse) -> EmptyResult:
    _backend(self).delete_model_package_group(_params(self)["ModelPackageGroupName"])
    return EmptyResult()


def list_model_packages(self: SageMakerResponse) -> ActionResult:
    """moto's listing (filters, order, NextToken), each item cut down to SageMaker's summary."""
    page = dict(cast(Plain, MOTO["list_model_packages"](self).result))
    page["ModelPackageSummaryList"] = [packages.summary(d) for d in page["ModelPackageSummaryList"]]
    return ActionResult(page)


def call_action(self: SageMakerResponse) -> Any:
    """Every SageMaker call: log it, take the configured latency, maybe meet an injected fault
    (an error, or an exchange lost on the network), else serve it."""
    operation = self._get_action()
    params = _params(self) if self.body else {}
    CONTROL.log(operation, params)
    if CONTROL.latency:
        time.sleep(CONTROL.latency)
    fault = CONTROL.fault_for(operation)
    if fault is not None and fault.drop == "request":
        return _drop(self, None)
    if fault is not None and fault.drop is None:
        return _error(fault.status, fault.code, fault.message)
    problem = validation.check(operation, params) if operation in VALIDATED else None
    if problem is not None:
        return _error(400, "ValidationException", problem)
    served = MOTO["call_action"](self)
    return _drop(self, served) if fault is not None else served


def _drop(self: SageMakerResponse, served: Any) -> Any:
    """Serve `served` (or nothing) but lose the answer: server.py closes the connection."""
    self.normalized_request.environ[DROPPED] = True
    return served if served is not None else _error(500, "Dropped", "never sent")


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, str], str]:
    body = json.dumps({"__type": code, "message": message})
    return status, {"Content-Type": "application/x-amz-json-1.1"}, body


HANDLERS: dict[str, Callable[..., Any]] = {
    "call_action": call_action,
    "create_model_package": create_model_package,
    "update_model_package": update_model_package,
    "delete_model_package": delete_model_package,
    "delete_model_package_group": delete_model_package_group,
    "list_model_packages": list_model_packages,
}
# moto's handlers that ours wrap.
MOTO: dict[str, Callable[..., Any]] = {}


def install() -> None:
    """Put the extension into moto's SageMaker (idempotent)."""
    if MOTO:
        return
    from . import cloudformation  # noqa: F401, PLC0415 - registers the stack resource type

    packages.install()
    for name in ("call_action", "list_model_packages"):
        MOTO[name] = getattr(SageMakerResponse, name)
    for name, handler in HANDLERS.items():
        setattr(SageMakerResponse, name, handler)
