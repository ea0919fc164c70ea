"""Loopback servers for local tooling: quiet, threaded, on a free port, stopped by signal; and
`service`, which runs one of them as a process of its own and yields its URL."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request would drown test and demo output."""


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a block, then put back what was there."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="write the chosen port here when ready")


def arguments(description: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    add_arguments(parser)
    return parser.parse_args(argv)


def server(
    host: str, port: int, app: Callable[..., Any], handler: type[WSGIRequestHandler] = QuietHandler
) -> BaseWSGIServer:
    return make_server(host, port, app, threaded=True, request_handler=handler)


def serve_until_signalled(wsgi: BaseWSGIServer, port_file: Path | None, label: str) -> int:
    """Serve in a thread, announce the port (file and stdout), stop on SIGTERM or SIGINT."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=wsgi.serve_forever, daemon=True)
    thread.start()
    if port_file:
        port_file.write_text(str(wsgi.port))
    print(f"{label} on http://{wsgi.host}:{wsgi.port}", flush=True)
    stop.wait()
    wsgi.shutdown()
    wsgi.server_close()
    thread.join(timeout=10)
    return 0


@contextmanager
def service(
    module: str, env: dict[str, str], workdir: Path, extra: tuple[str, ...] = ()
) -> Iterator[str]:
    """Run `python -m <module> --port 0 --port-file F ...` (a module serving with
    `serve_until_signalled`) from the current folder, its output in `workdir`/<module>.log;
    yield its URL; always stop it."""
    port_file = workdir / f"{module}.port"
    log = (workdir / f"{module}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", "--port-file", str(port_file), *extra],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text()):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    f"{module} did not start: {(workdir / f'{module}.log').read_text()}"
                )
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port_file.read_text().strip()}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
