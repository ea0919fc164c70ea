"""The stabilization chart: overhead and Lambda busy time against T, ours beside AWS's scheme."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from bench.simulation import CYCLE_SECONDS, Comparison
from bench.stabilization import BUSY_SHARE, LONG_WAIT


def draw(results: list[Comparison], path: Path) -> None:
    matplotlib: Any = importlib.import_module("matplotlib")  # bench-only dependency
    matplotlib.use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")

    waits = [r.wait for r in results]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(waits, [r.ours.mean for r in results], "o-", color="C0", label="MLOps (ours), mean")
    left.plot(waits, [r.ours.p95 for r in results], "o:", color="C0", label="MLOps (ours), p95")
    left.plot(waits, [r.aws.mean for r in results], "s-", color="C1", label="AWS scheme, mean")
    left.plot(waits, [r.aws.p95 for r in results], "s:", color="C1", label="AWS scheme, p95")
    left.set(
        xscale="log",
        yscale="log",
        xlabel=f"T: SageMaker completes in [T, T + {CYCLE_SECONDS:.0f} s)",
        ylabel="completion -> SUCCESS (s)",
        title="Stabilization overhead",
    )
    left.legend(fontsize=8)
    right.plot(waits, [r.ours.busy for r in results], "o-", label="MLOps (ours)")
    right.plot(waits, [r.aws.busy for r in results], "s--", label="AWS scheme")
    long = [r for r in results if r.wait >= LONG_WAIT]
    right.plot(
        [r.wait for r in long],
        [BUSY_SHARE * r.aws.busy for r in long],
        ":",
        color="grey",
        label=f"target: x{BUSY_SHARE:.2f} AWS (T >= {LONG_WAIT:.0f} s)",
    )
    right.set(
        xscale="log",
        yscale="log",
        xlabel="T (s)",
        ylabel="Lambda busy time (s)",
        title="Lambda time spent waiting",
    )
    right.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
