"""A loopback stand-in for the Lambda Invoke API, in place of `sam local start-lambda`.

POST /2015-03-31/functions/<name>/invocations runs the handler entry point named in
.rpdk-config (TypeFunction -> "entrypoint", TestEntrypoint -> "testEntrypoint") on the request
body, exactly as Lambda would call it: in a runtime process of its own (local/lambda_runtime.py)
that imported the entry points once. With `--package DIR` that process runs the unpacked Lambda
package isolated (`python -I -S`: the package and the standard library, no site-packages), as
Lambda runs /var/task; without it, the source tree src/ on this environment's packages. An
exception that escapes the entry point is answered the way Lambda answers it: 200 with
`X-Amz-Function-Error: Unhandled` and an {errorMessage, errorType, stackTrace} body.

Run: python -m local.lambda_standin --port 0 --port-file PATH [--package DIR]  (project root)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from werkzeug.wrappers import Request, Response

from mlops_sagemaker_modelpackage_local import serving

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "local" / "lambda_runtime.py"
INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")
FUNCTION_KEYS = {"TypeFunction": "entrypoint", "TestEntrypoint": "testEntrypoint"}
TIMEOUT_SECONDS = 60.0  # what the handler may take per invocation (the Lambda's timeout)


def entrypoints(root: Path = ROOT) -> dict[str, str]:
    """Function name -> the module.attribute .rpdk-config names for it."""
    config = json.loads((root / ".rpdk-config").read_text())
    return {function: config[key] for function, key in FUNCTION_KEYS.items()}


class Runtime:
    """One runtime process, started on first use and again if it exits."""

    def __init__(self, code: Path, *, isolated: bool) -> None:
        self.code = code
        self.isolated = isolated
        self.functions = entrypoints()
        self.origins: dict[str, str | None] = {}
        self._process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        flags = ["-I", "-S"] if self.isolated else ["-I"]
        command = [sys.executable, *flags, str(RUNTIME), "--code", str(self.code)]
        process = subprocess.Popen(
            [*command, *sorted(set(self.functions.values()))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self._read(process.stdout)
        if ready is None or "ready" not in ready:
            process.kill()
            raise RuntimeError(f"the runtime for {self.code} did not start")
        self.origins = ready["ready"]
        print(f"runtime ready, code from: {json.dumps(self.origins)}", flush=True)
        return process

    @staticmethod
    def _read(stream: IO[str] | None) -> dict[str, Any] | None:
        line = stream.readline() if stream else ""
        return json.loads(line) if line else None

    def start(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        return self._process

    def invoke(self, function: str, body: bytes) -> dict[str, Any]:
        process = self.start()
        assert process.stdin is not None
        request = {
            "function": function,
            "entrypoint": self.functions[function],
            "event": json.loads(body or b"{}"),
            "timeout": TIMEOUT_SECONDS,
        }
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        answer = self._read(process.stdout)
        if answer is None:
            message = f"Runtime exited with code {process.wait()}"
            return {"error": {"errorMessage": message, "errorType": "Runtime.ExitError"}}
        return answer

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)


def application(runtime: Runtime) -> Callable[..., Any]:
    lock = threading.Lock()  # one invocation at a time, as one Lambda container runs them

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        match = INVOKE_PATH.match(request.path)
        if request.method != "POST" or match is None:
            return Response("not found", 404)(environ, start_response)
        name = match.group("name")
        if name not in runtime.functions:
            body = json.dumps({"Type": "User", "Message": f"Function not found: {name}"})
            response = Response(
                body,
                404,
                mimetype="application/json",
                headers={"X-Amzn-ErrorType": "ResourceNotFoundException"},
            )
            return response(environ, start_response)
        with lock:
            answer = runtime.invoke(name, request.get_data())
        if "error" in answer:
            response = Response(
                json.dumps(answer["error"]),
                200,
                mimetype="application/json",
                headers={"X-Amz-Function-Error": "Unhandled"},
            )
        else:
            response = Response(json.dumps(answer["result"]), 200, mimetype="application/json")
        return response(environ, start_response)

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    serving.add_arguments(parser)
    parser.add_argument(
        "--package", type=Path, help="an unpacked Lambda package to run isolated (default: src/)"
    )
    args = parser.parse_args(argv)
    package: Path | None = args.package
    runtime = Runtime(package or ROOT / "src", isolated=package is not None)
    runtime.start()  # the cold start happens now, not in the first test
    wsgi = serving.server(args.host, args.port, application(runtime))
    try:
        return serving.serve_until_signalled(wsgi, args.port_file, "Lambda stand-in")
    finally:
        runtime.stop()


if __name__ == "__main__":
    sys.exit(main())
