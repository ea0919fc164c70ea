"""The HTTP side: SageMaker requests to moto's SageMakerResponse, with our layers in front.

Every call is logged with the caller's account, may be answered with an injected fault
(settings.py), is served in the account that owns what it names when that is another account
and the group's resource policy allows it (access.py; otherwise AccessDeniedException), and has
its input validated as SageMaker validates it (validation.py) before moto serves it. moto's own
handlers serve DescribeModelPackage, ListModelPackages (cut down to summaries here) and the tag
operations; the handlers below serve what moto's cannot: a create or update with every field,
the two deletions and the group policy operations moto 5.2.5 lacks. All of them work on
packages.py's backend.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, cast

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.responses import SageMakerResponse

from . import access, accounts, packages, validation
from .plain import Plain
from .settings import CONTROL

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
    "PutModelPackageGroupPolicy",
    "GetModelPackageGroupPolicy",
    "DeleteModelPackageGroupPolicy",
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


def put_model_package_group_policy(self: SageMakerResponse) -> ActionResult:
    params = _params(self)
    arn = _backend(self).put_group_policy(params["ModelPackageGroupName"], params["ResourcePolicy"])
    return ActionResult({"ModelPackageGroupArn": arn})


def get_model_package_group_policy(self: SageMakerResponse) -> ActionResult:
    policy = _backend(self).get_group_policy(_params(self)["ModelPackageGroupName"])
    return ActionResult({"ResourcePolicy": policy})


def delete_model_package_group_policy(self: SageMakerResponse) -> EmptyResult:
    _backend(self).delete_group_policy(_params(self)["ModelPackageGroupName"])
    return EmptyResult()


def list_model_packages(self: SageMakerResponse) -> ActionResult:
    """moto's listing (filters, order, NextToken), each item cut down to SageMaker's summary."""
    page = dict(cast(Plain, MOTO["list_model_packages"](self).result))
    page["ModelPackageSummaryList"] = [packages.summary(d) for d in page["ModelPackageSummaryList"]]
    return ActionResult(page)


def call_action(self: SageMakerResponse) -> Any:
    """Every SageMaker call: log it, take the configured latency, maybe meet an injected fault
    (an error, or an exchange lost on the network), else serve it (in the account that owns
    what it names, if the caller may)."""
    operation = self._get_action()
    params = _params(self) if self.body else {}
    CONTROL.log(operation, params, self.current_account)
    if CONTROL.latency:
        time.sleep(CONTROL.latency)
    fault = CONTROL.fault_for(operation)
    if fault is not None and fault.drop == "request":
        return _drop(self, None)
    if fault is not None and fault.drop is None:
        return _error(fault.status, fault.code, fault.message)
    try:
        _serve_in_owner_account(self, operation, params)
    except access.AccessDenied as denied:
        return _error(400, "AccessDeniedException", str(denied))
    except access.NotEvaluated as unknown:
        return _error(400, "ValidationException", str(unknown))
    problem = validation.check(operation, params) if operation in VALIDATED else None
    if problem is not None:
        return _error(400, "ValidationException", problem)
    served = MOTO["call_action"](self)
    return _drop(self, served) if fault is not None else served


def _drop(self: SageMakerResponse, served: Any) -> Any:
    """Serve `served` (or nothing) but lose the answer: server.py closes the connection."""
    self.normalized_request.environ[DROPPED] = True
    return served if served is not None else _error(500, "Dropped", "never sent")


def _serve_in_owner_account(self: SageMakerResponse, operation: str, params: Plain) -> None:
    """A call naming another account's group or version (by ARN) is served in that account,
    once the group's resource policy allows the caller (access.AccessDenied otherwise)."""
    target = access.target_of(operation, params)
    if target is None or target.account == self.current_account or target.region != self.region:
        return  # the caller's own account (a region not the request's: not found there)
    owner = packages.backend_for(target.account, self.region)
    principal = accounts.caller(self.access_key, self.current_account)
    access.authorize(principal, operation, target, owner.group_policy(target.group))
    self.current_account = target.account


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
    "put_model_package_group_policy": put_model_package_group_policy,
    "get_model_package_group_policy": get_model_package_group_policy,
    "delete_model_package_group_policy": delete_model_package_group_policy,
}
# moto's handlers that ours wrap.
MOTO: dict[str, Callable[..., Any]] = {}


def install() -> None:
    """Put the extension into moto's SageMaker (idempotent)."""
    if MOTO:
        return
    from . import cloudformation  # noqa: F401, PLC0415 - registers the stack resource type

    accounts.install()
    packages.install()
    for name in ("call_action", "list_model_packages"):
        MOTO[name] = getattr(SageMakerResponse, name)
    for name, handler in HANDLERS.items():
        setattr(SageMakerResponse, name, handler)
