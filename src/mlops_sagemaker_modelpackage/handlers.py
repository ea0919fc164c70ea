"""Lambda entry points of MLOps::SageMaker::ModelPackage (names fixed by .rpdk-config).

Each handler makes a SageMaker client from this invocation's caller credentials and hands the
request to its workflow module.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from cloudformation_cli_python_lib.boto3_proxy import SessionProxy
from cloudformation_cli_python_lib.interface import Action, ProgressEvent

from . import create, delete, listing, read, update
from .client import sagemaker_client
from .errors import TYPE_NAME
from .models import ResourceModel
from .request import Request
from .resource import CorrectedResource

# botocore logs whole request bodies at DEBUG, and a body can carry ModelCardContent, which the
# API marks sensitive: whatever level the function is configured for, those lines are dropped.
for _library in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_library).setLevel(logging.INFO)

resource = CorrectedResource(TYPE_NAME, ResourceModel)
test_entrypoint = resource.test_entrypoint


@resource.handler(Action.CREATE)
def create_handler(
    session: SessionProxy | None,
    request: Request,
    callback_context: MutableMapping[str, Any],
) -> ProgressEvent:
    return create.run(
        sagemaker_client(session, request.region, request.deadline), request, dict(callback_context)
    )


@resource.handler(Action.READ)
def read_handler(
    session: SessionProxy | None,
    request: Request,
    callback_context: MutableMapping[str, Any],
) -> ProgressEvent:
    return read.run(sagemaker_client(session, request.region, request.deadline), request)


@resource.handler(Action.UPDATE)
def update_handler(
    session: SessionProxy | None,
    request: Request,
    callback_context: MutableMapping[str, Any],
) -> ProgressEvent:
    return update.run(
        sagemaker_client(session, request.region, request.deadline), request, dict(callback_context)
    )


@resource.handler(Action.DELETE)
def delete_handler(
    session: SessionProxy | None,
    request: Request,
    callback_context: MutableMapping[str, Any],
) -> ProgressEvent:
    return delete.run(
        sagemaker_client(session, request.region, request.deadline), request, dict(callback_context)
    )


@resource.handler(Action.LIST)
def list_handler(
    session: SessionProxy | None,
    request: Request,
    callback_context: MutableMapping[str, Any],
) -> ProgressEvent:
    return listing.run(sagemaker_client(session, request.region, request.deadline), request)
