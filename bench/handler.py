"""The handler as CloudFormation calls it, for the figures that invoke it (and the bounds tests).

The entry point runs in this process, on the SageMaker endpoint in AWS_ENDPOINT_URL_SAGEMAKER;
waits between callbacks use the handlers' own clock (virtual under the tests' `clock`).
"""

from __future__ import annotations

import functools
import uuid

from mlops_sagemaker_modelpackage.budget import SystemClock
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver import protocol

ACCOUNT = "123456789012"
REGION = "us-east-1"
CREDENTIALS = {"accessKeyId": "AKIDBENCH", "secretAccessKey": "bench", "sessionToken": "bench"}

event = functools.partial(
    protocol.payload, account=ACCOUNT, region=REGION, stack_id="bench", credentials=CREDENTIALS
)


def operate(action: str, desired: Json | None, previous: Json | None = None) -> Json:
    """One operation to its end (invoked again while IN_PROGRESS); its last response."""
    token = str(uuid.uuid4())

    def make_event(model: Json | None, context: Json | None) -> Json:
        return event(action, model, previous=previous, context=context, token=token)

    return protocol.operate(make_event, desired, wait=SystemClock().sleep, max_invocations=100)[-1]
