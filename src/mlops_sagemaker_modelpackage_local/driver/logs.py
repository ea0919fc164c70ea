"""Handler logs: to a log file per run, or inline with --verbose, never between the events.

The python lib prints a traceback for every handler error (to stdout when no CloudWatch log
group is configured) and the handlers log through `logging`; both are captured around each
handler operation.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class HandlerLogs:
    """Where handler output goes: `path` (a file, opened per operation) or `stream` (inline)."""

    def __init__(self, path: Path | None = None, stream: TextIO | None = None) -> None:
        if (path is None) == (stream is None):
            raise ValueError("handler logs go to a file or to a stream")
        self.path = path
        self.stream = stream
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")

    @contextmanager
    def captured(self, title: str) -> Iterator[None]:
        with self._target() as target:
            target.write(f"---- {title}\n")
            handler = logging.StreamHandler(target)
            handler.setFormatter(logging.Formatter(FORMAT))
            handler.setLevel(logging.INFO)
            root = logging.getLogger()
            level = root.level
            root.addHandler(handler)
            if root.level > logging.INFO or root.level == logging.NOTSET:
                root.setLevel(logging.INFO)
            try:
                with redirect_stdout(target), redirect_stderr(target):
                    yield
            finally:
                root.removeHandler(handler)
                root.setLevel(level)
                target.flush()

    @contextmanager
    def _target(self) -> Iterator[TextIO]:
        if self.path is None:
            yield self.stream or sys.stderr
            return
        with self.path.open("a") as file:
            yield file
