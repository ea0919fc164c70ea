"""The lib's Resource (cloudformation-cli-python-lib 2.1.20) with four corrections.

- request: handlers receive a typed `Request` (request.py) built once from the lib's request,
  holding the request's own property dicts: the generated models drop empty objects and lists.
  Both entry points (the Lambda one and the lib's test one that `cfn test` may call) build it.
- nextToken: the lib builds the handler request without CloudFormation's `nextToken`, so a
  list handler would always return the first page and a paging client would loop forever.
- deadline: the lib does not pass the Lambda context on; its remaining time bounds how long
  one invocation may work (budget.py).
- sessions: the lib builds two boto3 sessions per invocation up front (see sessions.py);
  here they are made on first use.
- callback context: one that is not a JSON object (damaged) was handed to the handlers as it
  came and ended in InternalFailure with an empty message; it is dropped, so the operation
  starts over (every phase is safe to run again).
These override private methods of a pinned lib version; tests/test_resource.py pins the behaviour.
"""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping
from typing import Any

from cloudformation_cli_python_lib.boto3_proxy import SessionProxy
from cloudformation_cli_python_lib.exceptions import InvalidRequest
from cloudformation_cli_python_lib.interface import Action, BaseResourceHandlerRequest
from cloudformation_cli_python_lib.resource import Resource
from cloudformation_cli_python_lib.utils import HandlerRequest

from .request import Request
from .sessions import LazySession

LOG = logging.getLogger(__name__)


def lambda_deadline(context: Any) -> float | None:
    """The wall-clock time at which Lambda stops this invocation, when there is a context."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    try:
        return time.time() + float(remaining()) / 1000.0
    except (TypeError, ValueError):
        return None


def usable_context(given: Any) -> MutableMapping[str, Any]:
    """The callback context, when it is an object; anything else starts the operation over."""
    if isinstance(given, MutableMapping):
        return given
    if given:
        LOG.warning("Callback context is a %s, not an object: starting over", type(given).__name__)
    return {}


class CorrectedResource(Resource):
    """The lib's Resource with the corrections the module's docstring lists."""

    _deadline: float | None = None

    def __call__(self, event_data: MutableMapping[str, Any], context: Any) -> Any:
        self._deadline = lambda_deadline(context)
        try:
            return super().__call__(event_data, context)
        finally:
            self._deadline = None

    def _cast_resource_request(self, request: HandlerRequest) -> BaseResourceHandlerRequest:
        modelled = super()._cast_resource_request(request)
        modelled.nextToken = request.nextToken
        # Building the model recast these dicts in place to the schema's types.
        data = request.requestData
        # Handlers are typed for Request; the lib passes it on untouched.
        return Request.of(  # type: ignore[return-value]
            modelled, data.resourceProperties, data.previousResourceProperties, self._deadline
        )

    def _parse_test_request(
        self, event_data: MutableMapping[str, Any]
    ) -> tuple[SessionProxy | None, BaseResourceHandlerRequest, Action, MutableMapping[str, Any]]:
        session, modelled, action, context = super()._parse_test_request(event_data)
        given = event_data.get("request") or {}
        typed = Request.of(
            modelled, given.get("desiredResourceState"), given.get("previousResourceState")
        )
        return session, typed, action, usable_context(context)  # type: ignore[return-value]

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
            callback_context = usable_context(event.callbackContext)
        except Exception as error:
            LOG.exception("Invalid request")
            raise InvalidRequest(f"{error} ({type(error).__name__})") from error
        return (caller, provider), action, callback_context, event
