"""A loopback stand-in for the Lambda Invoke API, in place of `sam local start-lambda`.

POST /2015-03-31/functions/<name>/invocations runs the handler entry point named in
.rpdk-config (TypeFunction -> "entrypoint", TestEntrypoint -> "testEntrypoint") on the request
body, in this process, exactly as Lambda would call it. An exception that escapes the entry
point is answered the way Lambda answers it: 200 with `X-Amz-Function-Error: Unhandled` and an
{errorMessage, errorType, stackTrace} body.

Run: python -m local.lambda_standin --port 0 --port-file PATH  (from the project root)
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from local import serving

ROOT = Path(__file__).resolve().parent.parent
INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")
FUNCTION_KEYS = {"TypeFunction": "entrypoint", "TestEntrypoint": "testEntrypoint"}
TIMEOUT_SECONDS = 60.0  # what the handler may take per invocation (the Lambda's timeout)

Entrypoint = Callable[[Any, Any], Any]


class LambdaContext:
    """The attributes of Lambda's context object that code may read."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 256
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self._deadline = time.monotonic() + TIMEOUT_SECONDS

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_entrypoints(root: Path = ROOT) -> dict[str, Entrypoint]:
    """The callables .rpdk-config names, imported from src/ like Lambda imports them."""
    config = json.loads((root / ".rpdk-config").read_text())
    src = str(root / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    entrypoints: dict[str, Entrypoint] = {}
    for function, key in FUNCTION_KEYS.items():
        module_name, attribute = config[key].rsplit(".", 1)
        entrypoints[function] = getattr(importlib.import_module(module_name), attribute)
    return entrypoints


def invoke(entrypoint: Entrypoint, function: str, body: bytes) -> Response:
    try:
        event = json.loads(body or b"{}")
        result = entrypoint(event, LambdaContext(function))
        return Response(json.dumps(result), 200, mimetype="application/json")
    except Exception as error:
        payload = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": traceback.format_exception(error),
        }
        return Response(
            json.dumps(payload),
            200,
            mimetype="application/json",
            headers={"X-Amz-Function-Error": "Unhandled"},
        )


def application(entrypoints: dict[str, Entrypoint]) -> Callable[..., Any]:
    lock = threading.Lock()  # one invocation at a time, as one Lambda container runs them

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        match = INVOKE_PATH.match(request.path)
        if request.method != "POST" or match is None:
            return Response("not found", 404)(environ, start_response)
        name = match.group("name")
        if name not in entrypoints:
            body = json.dumps({"Type": "User", "Message": f"Function not found: {name}"})
            response = Response(
                body,
                404,
                mimetype="application/json",
                headers={"X-Amzn-ErrorType": "ResourceNotFoundException"},
            )
            return response(environ, start_response)
        with lock:
            response = invoke(entrypoints[name], name, request.get_data())
        return response(environ, start_response)

    return app


def main(argv: list[str] | None = None) -> int:
    args = serving.arguments(__doc__.splitlines()[0], argv)
    wsgi = serving.server(args.host, args.port, application(load_entrypoints()))
    return serving.serve_until_signalled(wsgi, args.port_file, "Lambda stand-in")


if __name__ == "__main__":
    sys.exit(main())
