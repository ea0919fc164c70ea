"""cfn-lint as users run it in CI: the README's "Linting templates" command, from the project root
where .cfnlintrc is."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.schema import ROOT

CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))


def readme_command() -> str:
    """The CI command of the README's "Linting templates" section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Linting templates", 1)[1].split("\n## ", 1)[0]
    (command,) = re.findall(r"^(cfn-lint .*)$", section, flags=re.MULTILINE)
    return str(command)


def lint(*templates: Path) -> tuple[int, list[dict[str, Any]]]:
    """Run the README's command (templates in place of its glob) and cfn-lint's JSON findings."""
    args = readme_command().split()
    args = [CFN_LINT, *args[1 : args.index("--")], "--format", "json", "--"]
    result = subprocess.run(
        [*args, *map(str, templates)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout or "[]")
