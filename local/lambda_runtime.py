"""A Lambda-like runtime process for the stand-in: the handler's code in an interpreter of its own.

Lambda imports the entry point from /var/task (the unpacked package) in a fresh interpreter
and invokes it with (event, context). This does the same with the folder given as `--code`:
it is put first on sys.path, the entry points are imported once (the cold start), then each
invocation arrives as one JSON line on stdin and its answer leaves as one JSON line on the
original stdout (the handler's own prints and logs go to stderr, as Lambda sends them to its
log). Standard library only: started with `python -I -S`, it sees the package and the standard
library and nothing else, so a module the package lacks fails here as it would on Lambda.

Protocol: first line out {"ready": {module: file}}; then per line in
{"function", "entrypoint", "event", "timeout"} one line out {"result": ...} or {"error": {...}}.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

# Where the modules the handler runs on were loaded from: the proof of what ran.
REPORTED_MODULES = ("botocore", "boto3", "cloudformation_cli_python_lib")


class LambdaContext:
    """The attributes of Lambda's context object that code may read."""

    def __init__(self, function_name: str, timeout: float) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 256
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load(entrypoint: str) -> Callable[[Any, Any], Any]:
    module_name, attribute = entrypoint.rsplit(".", 1)
    function: Callable[[Any, Any], Any] = getattr(importlib.import_module(module_name), attribute)
    return function


def answer(request: dict[str, Any], entrypoints: dict[str, Callable[[Any, Any], Any]]) -> str:
    try:
        function = entrypoints[request["entrypoint"]]
        result = function(request["event"], LambdaContext(request["function"], request["timeout"]))
        return json.dumps({"result": result})
    except Exception as error:
        return json.dumps(
            {
                "error": {
                    "errorMessage": str(error),
                    "errorType": type(error).__name__,
                    "stackTrace": traceback.format_exception(error),
                }
            }
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", required=True, help="the folder Lambda would unpack into")
    parser.add_argument("entrypoints", nargs="+", help="module.attribute of each entry point")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.code))
    # Answers go to the original stdout only; anything the handler prints goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    entrypoints = {name: load(name) for name in args.entrypoints}
    origins = {m: getattr(sys.modules.get(m), "__file__", None) for m in REPORTED_MODULES}
    origins.update({name: sys.modules[name.rsplit(".", 1)[0]].__file__ for name in entrypoints})
    protocol.write(json.dumps({"ready": origins}) + "\n")
    for line in sys.stdin:
        protocol.write(answer(json.loads(line), entrypoints) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
