"""What the control API (/_local/..., see server.py) steers: the lifecycle new packages get,
injected faults, the call log and the EventBridge events sent (events.py). The packages
themselves live in moto's backend."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

from .events import EventLog
from .faults import Fault
from .lifecycle import Lifecycle, Progress

# The parameters a call-log entry keeps besides the operation (the approval status a create or
# an update asked for: what an approval event would be sent for).
LOGGED_PARAMETERS = (
    "ModelPackageArn",
    "ModelPackageName",
    "ModelPackageGroupName",
    "ResourceArn",
    "ModelApprovalStatus",
)


@dataclass
class Control:
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    faults: list[Fault] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    events: EventLog = field(default_factory=EventLog)
    injected: int = 0
    latency: float = 0.0  # seconds every SageMaker call takes before it is served
    lock: threading.RLock = field(default_factory=threading.RLock)

    def reset(self) -> None:
        with self.lock:
            self.lifecycle = Lifecycle()
            self.faults.clear()
            self.calls.clear()
            self.events.clear()
            self.injected = 0
            self.latency = 0.0

    def configure(self, settings: dict[str, Any]) -> None:
        with self.lock:
            for key, value in settings.get("lifecycle", {}).items():
                if not hasattr(self.lifecycle, key):
                    raise ValueError(f"unknown lifecycle setting {key!r}")
                setattr(self.lifecycle, key, value)
            self.faults += [Fault.from_spec(spec) for spec in settings.get("faults", [])]
            if "latency" in settings:
                self.latency = max(0.0, float(settings["latency"]))
            if settings.get("clear_faults"):
                self.faults.clear()

    def new_progress(self) -> Progress:
        """The lifecycle a package created now follows (it fails if `fail_next` says so)."""
        with self.lock:
            fails = self.lifecycle.fail_next > 0
            if fails:
                self.lifecycle.fail_next -= 1
            return Progress(lifecycle=copy.copy(self.lifecycle), fails=fails)

    def fault_for(self, operation: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.fires(operation):
                    self.injected += 1
                    return fault
        return None

    def log(self, operation: str, params: dict[str, Any], account: str) -> None:
        """One call: its operation, the caller's account and the parameters that say what it
        acts on."""
        entry = {
            "operation": operation,
            "account": account,
            **{k: params[k] for k in LOGGED_PARAMETERS if k in params},
        }
        with self.lock:
            self.calls.append(entry)


CONTROL = Control()
