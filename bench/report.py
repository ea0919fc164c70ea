"""What every figure module hands the runner, and the page the runner writes from it.

A figure module returns a `Section`: its rows (each value beside its target, the target checked
in code) and its notes, sentences computed from the same numbers, so nothing in
docs/performance.md is written by hand but the method descriptions.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPORTED = "reported"


@dataclass(frozen=True)
class Row:
    section: str
    figure: str
    value: str
    target: str = REPORTED
    met: bool = True

    def line(self) -> str:
        mark = "ok " if self.met else "MISS"
        return (
            f"[{mark}] {self.section:<13} {self.figure:<44} {self.value:<40} target {self.target}"
        )

    def markdown(self) -> str:
        met = "yes" if self.met else "**no**"
        return f"| {self.section} | {self.figure} | {self.value} | {self.target} | {met} |"


@dataclass
class Section:
    """One figure's rows and notes; `image` (a file name in docs/, with its caption) if it
    drew one."""

    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    image: tuple[str, str] | None = None

    def targets(self) -> list[Row]:
        return [row for row in self.rows if row.target != REPORTED]

    def missed(self) -> list[Row]:
        return [row for row in self.rows if not row.met]


def targets_met(sections: list[Section]) -> str:
    targets = [row for section in sections for row in section.targets()]
    reported = sum(len(section.rows) for section in sections) - len(targets)
    met = sum(row.met for row in targets)
    return f"{met} of {len(targets)} targets met ({reported} more figures reported beside them)"


def ratio(value: float) -> str:
    return f"x{value:.2f}"


def machine() -> str:
    """The machine the figures come from, as it reports itself."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("\n", 1)[0].split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
    )


def page(sections: list[Section]) -> str:
    rows = [row for section in sections for row in section.rows]
    lines = [
        "# Performance",
        "",
        f"Written by `make bench` (bench/run.py) at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{machine()}: {targets_met(sections)}. The SageMaker side is the local backend (moto, "
        "extended) on loopback, so API latencies are local; ratios compare both sides on the "
        "same backend in the same run.",
        "",
        "| section | figure | value | target | met |",
        "|---|---|---|---|---|",
        *(row.markdown() for row in rows),
        "",
    ]
    for section in sections:
        if section.image:
            name, caption = section.image
            lines += [f"![{caption}]({name})", ""]
    for section in sections:
        if section.notes:
            lines += [*section.notes, ""]
    return "\n".join(lines)
