"""The payload CloudFormation sends to a resource provider's Lambda function, and the call."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from mlops_sagemaker_modelpackage.json_types import Json

from .supported import OUR_TYPE


def payload(
    action: str,
    desired: Json | None,
    *,
    account: str,
    region: str,
    stack_id: str,
    credentials: dict[str, str],
    previous: Json | None = None,
    context: Json | None = None,
    token: str | None = None,
    stack_tags: dict[str, str] | None = None,
    previous_stack_tags: dict[str, str] | None = None,
    system_tags: dict[str, str] | None = None,
    previous_system_tags: dict[str, str] | None = None,
    logical_id: str = "ModelPackage",
    next_token: str | None = None,
) -> Json:
    """One handler request, shaped as CloudFormation shapes it (JSON round-tripped)."""
    event: Json = {
        "awsAccountId": account,
        "bearerToken": token or str(uuid.uuid4()),
        "region": region,
        "action": action,
        "responseEndpoint": None,
        "resourceType": OUR_TYPE,
        "resourceTypeVersion": "00000001",
        "stackId": stack_id,
        "callbackContext": context,
        "requestData": {
            "callerCredentials": credentials,
            "providerCredentials": None,
            "providerLogGroupName": None,
            "logicalResourceId": logical_id,
            "resourceProperties": desired or {},
            "previousResourceProperties": previous,
            "stackTags": stack_tags,
            "previousStackTags": previous_stack_tags,
            "systemTags": system_tags,
            "previousSystemTags": previous_system_tags,
        },
    }
    if next_token is not None:
        event["nextToken"] = next_token
    round_tripped: Json = json.loads(json.dumps(event))
    return round_tripped


def operate(
    make_event: Callable[[Json | None, Json | None], Json],
    desired: Json | None,
    *,
    wait: Callable[[float], None],
    on_progress: Callable[[Json], None] = lambda response: None,
    max_invocations: int = 10_000,
    context: Json | None = None,
) -> list[Json]:
    """One operation as CloudFormation runs it: invoke, and while the handler answers
    IN_PROGRESS wait `callbackDelaySeconds` and invoke again with the returned context and model
    (`make_event(desired, context)` builds each request; the request token stays the same).
    `context` resumes from an earlier callback context. Returns every response; the last one
    is not IN_PROGRESS."""
    responses: list[Json] = []
    for _ in range(max_invocations):
        response = invoke(make_event(desired, context))
        responses.append(response)
        if response.get("status") != "IN_PROGRESS":
            return responses
        on_progress(response)
        wait(float(response.get("callbackDelaySeconds", 0)))
        context = response.get("callbackContext")
        desired = response.get("resourceModel") or desired
    raise RuntimeError(f"still IN_PROGRESS after {max_invocations} invocations")


def invoke(event: Json) -> Json:
    """Run the real Lambda entry point on the event, in this process."""
    from mlops_sagemaker_modelpackage.handlers import resource  # noqa: PLC0415 - needs src path

    response: Json = resource(event, None)
    return response
