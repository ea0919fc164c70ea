"""The lib's Resource (cloudformation-cli-python-lib 2.1.20) with two corrections.

- nextToken: the lib builds the handler request without CloudFormation's `nextToken`, so a
  list handler would always return the first page and a paging client would loop forever.
- sessions: the lib builds two boto3 sessions per invocation up front (see sessions.py);
  here they are made on first use.
- properties: the generated models drop empty objects and lists; the request's own
  (type-recast) property dicts are kept beside them for the workflows.
These override private methods of a pinned lib version; tests/test_resource.py pins the behaviour.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from cloudformation_cli_python_lib.exceptions import InvalidRequest
from cloudformation_cli_python_lib.interface import Action, BaseResourceHandlerRequest
from cloudformation_cli_python_lib.resource import Resource
from cloudformation_cli_python_lib.utils import HandlerRequest

from .sessions import LazySession

LOG = logging.getLogger(__name__)


class ModelPackageResource(Resource):
    def _cast_resource_request(self, request: HandlerRequest) -> BaseResourceHandlerRequest:
        modelled = super()._cast_resource_request(request)
        modelled.nextToken = request.nextToken
        # Building the model recast these dicts in place to the schema's types; unlike the model
        # they still hold the empty objects and lists the user wrote (translate.desired_state).
        data = request.requestData
        modelled.rawDesiredResourceState = data.resourceProperties or {}  # type: ignore[attr-defined]
        modelled.rawPreviousResourceState = data.previousResourceProperties  # type: ignore[attr-defined]
        return modelled

    @staticmethod
    def _parse_request(
        event_data: MutableMapping[str, Any],
    ) -> tuple[
        tuple[LazySession | None, LazySession | None],
        Action,
        MutableMapping[str, Any],
        HandlerRequest,
    ]:
        try:
            event = HandlerRequest.deserialize(event_data)
            caller = LazySession.of(event.requestData.callerCredentials)
            provider = LazySession.of(event.requestData.providerCredentials)
            action = Action[event.action]
            callback_context = event.callbackContext or {}
        except Exception as error:
            LOG.exception("Invalid request")
            raise InvalidRequest(f"{error} ({type(error).__name__})") from error
        return (caller, provider), action, callback_context, event
