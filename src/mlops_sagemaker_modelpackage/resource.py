"""The lib's Resource (cloudformation-cli-python-lib 2.1.20) with two corrections.

- nextToken: the lib builds the handler request without CloudFormation's `nextToken`, so a
  list handler would always return the first page and a paging client would loop forever.
- sessions: the lib builds two boto3 sessions per invocation up front (see sessions.py);
  here they are made on first use.
Both override private methods of a pinned lib version; tests/test_resource.py pins the behaviour.
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
