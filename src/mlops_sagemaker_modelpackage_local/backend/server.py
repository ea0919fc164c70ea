"""Serve moto (with the model-package extension) on loopback, plus a small control API.

SageMaker and STS answer on the one endpoint, in the account the access key id names
(accounts.py: a 12-digit key is that account; any other, moto's default 123456789012).

Control endpoints, all JSON, under /_local/:
  POST /_local/configure  {"lifecycle": {...}, "faults": [{...}], "clear_faults": true,
                           "latency": <seconds every SageMaker call takes>}
  GET  /_local/calls      the call log, each call with the caller's account:
                          [{"operation": ..., "account": ..., "ModelPackageArn": ...}, ...]
  POST /_local/reset-calls  empty the call log
  GET  /_local/events[?after=N][&account=ID]
                          the EventBridge events SageMaker sent (events.py), oldest first,
                          after the first N, on account ID's bus only if given:
                          {"events": [{"detail-type": ..., "account": ..., ...}], "next": <N>}
  POST /_local/reset      forget moto's state (packages, groups), settings, faults, calls
                          and events
  GET  /_local/stats      {"injected": <faults injected so far>, "calls": <count>}
Run: `modelpackage-sagemaker [--port PORT]` (console), or for tooling
python -m mlops_sagemaker_modelpackage_local.backend.server --port 0 --port-file PATH
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.backends import get_backend
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer
from werkzeug.wrappers import Request, Response

from mlops_sagemaker_modelpackage_local import serving

from .packages import settle
from .responses import DROPPED, install
from .settings import CONTROL

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _reset_moto() -> None:
    for backend in get_backend("sagemaker").values():
        for region_backend in backend.values():
            region_backend.reset()


def _close(environ: dict[str, Any]) -> None:
    """Close the request's connection before anything is written back."""
    connection = environ.get("werkzeug.socket")
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)


def control_app(moto_app: WsgiApp) -> WsgiApp:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_local/"):
            served = moto_app(environ, start_response)
            if environ.get(DROPPED):
                _close(environ)  # an injected fault: the answer is lost on the network
                return []
            return served
        request = Request(environ)
        body: Any = None
        try:
            if path == "/_local/configure" and request.method == "POST":
                CONTROL.configure(request.get_json(force=True) or {})
                body = {"ok": True}
            elif path == "/_local/calls":
                with CONTROL.lock:
                    body = list(CONTROL.calls)
            elif path == "/_local/events":
                settle()  # what a lifecycle by elapsed seconds reached, announced now
                after = int(request.args.get("after", "0"))
                events, following = CONTROL.events.read(after, request.args.get("account"))
                body = {"events": events, "next": following}
            elif path == "/_local/stats":
                with CONTROL.lock:
                    body = {"injected": CONTROL.injected, "calls": len(CONTROL.calls)}
            elif path == "/_local/reset-calls" and request.method == "POST":
                with CONTROL.lock:
                    CONTROL.calls.clear()
                body = {"ok": True}
            elif path == "/_local/reset" and request.method == "POST":
                CONTROL.reset()
                _reset_moto()
                body = {"ok": True}
        except (ValueError, TypeError) as error:
            response = Response(json.dumps({"error": str(error)}), 400, mimetype="application/json")
            return response(environ, start_response)
        if body is None:
            return Response("not found", 404)(environ, start_response)
        return Response(json.dumps(body), 200, mimetype="application/json")(environ, start_response)

    return app


class QuietRequestHandler(MotoRequestHandler, serving.QuietHandler):
    """moto's request handling, without a log line per request."""


class Backend:
    """The backend in a thread of this process (tests) or as the main program (tooling)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        install()
        app = control_app(DomainDispatcherApplication(create_backend_app))
        self.wsgi: BaseWSGIServer = serving.server(host, port, app, QuietRequestHandler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.wsgi.host}:{self.wsgi.port}"

    def start(self) -> Backend:
        self._thread = threading.Thread(target=self.wsgi.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.wsgi.shutdown()
        self.wsgi.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    args = serving.arguments(__doc__.splitlines()[0], argv)
    backend = Backend(args.host, args.port)
    return serving.serve_until_signalled(backend.wsgi, args.port_file, "SageMaker backend")


# LocalStack's edge port is 4566; this one is near it and free beside it.
DEFAULT_PORT = 4599
CONSOLE_HELP = """\
Point any AWS client at the URL it prints: `--endpoint-url URL`, or AWS_ENDPOINT_URL=URL.
The access key id says the account: a 12-digit one is that account (AWS_ACCESS_KEY_ID=
111111111111); any other key is 123456789012; the secret key is not checked. Everything lives
in this process: stop it (Ctrl-C) and it is gone.

examples:
  modelpackage-sagemaker
  AWS_ACCESS_KEY_ID=111111111111 AWS_SECRET_ACCESS_KEY=x aws --endpoint-url \\
      http://127.0.0.1:4599 sts get-caller-identity
  modelpackage-rehearse FOLDER --endpoint-url http://127.0.0.1:4599 --account-id 111111111111
"""


def console_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelpackage-sagemaker",
        description="The embedded SageMaker (moto, extended for model packages) and STS on one "
        "local endpoint, with accounts; in the foreground until stopped.",
        epilog=CONSOLE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 picks a free one"
    )
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this machine only)")
    return parser


def console(argv: list[str] | None = None) -> int:
    """The console command `modelpackage-sagemaker`: serve until Ctrl-C or SIGTERM."""
    parser = console_parser()
    args = parser.parse_args(argv)
    try:
        backend = Backend(args.host, args.port)
    except SystemExit:  # werkzeug has said why (the port is taken): say what to do
        parser.exit(
            2,
            f"{parser.prog}: error: cannot serve on {args.host}:{args.port}: "
            "choose another port with --port PORT (0 picks a free one)\n",
        )
    except OSError as error:
        parser.exit(2, f"{parser.prog}: error: cannot serve on {args.host}:{args.port}: {error}\n")
    label = "SageMaker and STS (accounts by access key id; Ctrl-C stops, state goes with it)"
    return serving.serve_until_signalled(backend.wsgi, None, label)


if __name__ == "__main__":
    sys.exit(main())
