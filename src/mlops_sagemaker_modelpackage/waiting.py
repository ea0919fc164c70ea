"""Waiting on one model package: look at its status now and again within the invocation's
budget, and say what the last look saw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cloudformation_cli_python_lib import exceptions

from .errors import TYPE_NAME
from .json_types import Json
from .package_state import describe
from .progress import Invocation
from .status import Stage, stage_of

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

# Right after CreateModelPackage, Describe can briefly answer "does not exist".
CREATE_VISIBILITY_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Observation:
    """The last look at a package while waiting."""

    stage: Stage
    described: Json | None
    waited: float

    @property
    def status(self) -> str:
        if self.described is None:
            return "gone"
        return str(self.described.get("ModelPackageStatus", "unknown"))


def watch(
    client: SageMakerClient,
    arn: str,
    invocation: Invocation,
    since: float,
    *,
    until_gone: bool = False,
    just_created: bool = False,
) -> Observation:
    """Look at the package now and again, while this invocation's budget allows.

    Returns at the first final observation (Completed or Failed; gone when `until_gone`), or
    with a WAITING observation when the budget is spent. A package that vanishes while we wait
    for completion is NotFound, except briefly after create (eventual consistency).
    """
    clock, policy = invocation.clock, invocation.policy
    while True:
        described = describe(client, arn, deleting_is_gone=not until_gone)
        waited = clock.now() - since
        if described is None:
            if until_gone:
                return Observation(Stage.GONE, None, waited)
            if not (just_created and waited < CREATE_VISIBILITY_GRACE_SECONDS):
                raise exceptions.NotFound(TYPE_NAME, arn)
            stage = Stage.WAITING
        else:
            stage = Stage.WAITING if until_gone else stage_of(described.get("ModelPackageStatus"))
        if stage is not Stage.WAITING:
            return Observation(stage, described, waited)
        if not invocation.may_poll_again(waited):
            return Observation(stage, described, waited)
        clock.sleep(policy.interval(waited))
