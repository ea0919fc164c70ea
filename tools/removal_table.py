"""The removal table: what removing each property from a template does to the package, written
from the field table (src/mlops_sagemaker_modelpackage/fields.py) into a marked region of the
documentation.

The region is wherever its markers are, in README.md or a Markdown file under docs/ (the table
moves with the manual): a line `<!-- generated: removal table ... -->`, the table, and a line
`<!-- end generated: removal table -->`. Everything between them is rewritten; everything else in
the file is left as it is. A property appears once fields.py says what removing it means
(`Removal.RESET` with its `default`, `REMOVED` or `KEPT`) and why (`note`).
"""

from __future__ import annotations

import re
from pathlib import Path

from mlops_sagemaker_modelpackage.fields import FIELDS, Field, Removal

ROOT = Path(__file__).resolve().parent.parent
NAME = "removal table"
BEGIN = (
    f"<!-- generated: {NAME} (from src/mlops_sagemaker_modelpackage/fields.py by "
    "`make generated`; do not edit) -->"
)
END = f"<!-- end generated: {NAME} -->"
# What an update does with a removed property, in the order the table lists them.
SHOWN = (Removal.RESET, Removal.REMOVED, Removal.KEPT)


class RegionError(Exception):
    """The markers are missing, repeated or out of order: nothing is written."""


def _effect(field: Field) -> str:
    if field.removal is Removal.RESET and field.default:
        return f"back to `{field.default}`, in the update's one `UpdateModelPackage`"
    if field.removal is Removal.RESET:
        return "cleared (set to an empty value), in the update's one `UpdateModelPackage`"
    return str(field.removal.value)


def table() -> str:
    """The table's Markdown, one row per property an update resets, removes or keeps."""
    rows = ["| property | removed from the template | why |", "|---|---|---|"]
    for removal in SHOWN:
        for name, field in FIELDS.items():
            if field.removal is removal:
                cells = (f"`{name}`", _effect(field), field.note)
                rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


def candidates(root: Path = ROOT) -> list[Path]:
    """The Markdown files the region may live in: README.md and every page under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def home(root: Path = ROOT) -> Path:
    """The one file holding the region's opening marker."""
    found = [path for path in candidates(root) if path.exists() and BEGIN in path.read_text()]
    if not found:
        raise RegionError(
            f"no Markdown file has the line {BEGIN!r}: put it, a line {END!r} below it, where "
            "the removal table belongs (README.md or a page under docs/)"
        )
    if len(found) > 1:
        names = ", ".join(str(path.relative_to(root)) for path in found)
        raise RegionError(f"the {NAME} is marked in {names}: keep the markers in one file")
    return found[0]


def filled(text: str, content: str, where: str = "the file") -> str:
    """`text` with what stands between the markers replaced by `content`."""
    pattern = re.compile(rf"^{re.escape(BEGIN)}\n(.*?)^{re.escape(END)}$", re.M | re.S)
    begins = [line for line in text.splitlines() if line == BEGIN]
    ends = [line for line in text.splitlines() if line == END]
    match = pattern.search(text)
    if len(begins) != 1 or len(ends) != 1 or match is None:
        raise RegionError(
            f"{where}: the {NAME} needs one line {BEGIN!r} and, below it, one line {END!r}, "
            f"each a line of its own (found {len(begins)} and {len(ends)})"
        )
    return text[: match.start(1)] + content + text[match.end(1) :]


def outputs(root: Path = ROOT) -> dict[Path, str]:
    """The file holding the region, with the table as fields.py says it now."""
    path = home(root)
    return {path: filled(path.read_text(), table(), str(path.relative_to(root)))}
