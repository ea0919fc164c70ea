"""The README's "From your repository" recipe, run as a team's CI runs it: the commands of its
block, unchanged, from a team repository outside this one, against an environment where the
project is installed from its wheels (not imported from this source tree).

Quick by construction: `make wheels` builds the two wheels; a fresh virtual environment without
pip sees `.venv`'s packages through a `.pth` file (its lines are paths: `.pth` files inside that
folder, such as the editable install of this project, are not processed), so the recipe's
`pip install` installs the two wheels alone (`PIP_NO_DEPS`, `PIP_NO_INDEX`). The console
scripts pip would have made for the dependencies (cfn-lint) are made the same way.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.support.only_installed import closure
from tests.support.schema import ROOT

TEAM_STACK = Path("stacks") / "churn-registry"
EXAMPLE = ROOT / "examples" / "approve-by-parameter"
PACKAGES = ("mlops_sagemaker_modelpackage", "mlops_sagemaker_modelpackage_local")
RULES = "mlops_sagemaker_modelpackage_cfnlint"
LAUNCHER = """#!{python}
import sys
from {module} import {function}
sys.exit({function}())
"""


def recipe() -> str:
    """The shell block of the README's "From your repository" section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## From your repository\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    return str(blocks[0])


def rule_tree(rules: Path) -> list[Path]:
    """The Python files below a rules folder, by their place in it."""
    return sorted(p.relative_to(rules) for p in rules.rglob("*.py"))


def environment_with_the_dependencies(place: Path) -> Path:
    """A virtual environment at `place` that sees .venv's packages but not this project; its
    bin folder gets the dependencies' console scripts. Returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(place)], check=True)
    python = place / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    wanted = closure(ROOT / "pyproject.toml", "") | closure(
        ROOT / "cfn-lint-rules" / "pyproject.toml", ""
    )
    for script in importlib.metadata.entry_points(group="console_scripts"):
        distribution = script.dist.name if script.dist else ""
        if re.sub(r"[-_.]+", "-", distribution).lower() in wanted:
            module, _, function = script.value.partition(":")
            launcher = place / "bin" / script.name
            launcher.write_text(LAUNCHER.format(python=python, module=module, function=function))
            launcher.chmod(0o755)
    return python


def test_the_readme_recipe_runs_in_a_team_repository_from_the_installed_wheels(
    tmp_path: Path,
) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        ["make", "-s", "--no-print-directory", "wheels", f"WHEELS={wheels}"], cwd=ROOT, check=True
    )
    python = environment_with_the_dependencies(tmp_path / "ci-venv")
    team = tmp_path / "team-repository"
    shutil.copytree(EXAMPLE, team / TEAM_STACK)
    path = [str(python.parent)] + [
        p for p in os.environ["PATH"].split(os.pathsep) if not Path(p).is_relative_to(ROOT)
    ]
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))},
        "PATH": os.pathsep.join(path),
        "VIRTUAL_ENV": str(python.parent.parent),
        "MODELPACKAGE_WHEELS": str(wheels),
        # the recipe's install, offline and without dependencies: .venv has them
        "PIP_NO_INDEX": "1",
        "PIP_NO_DEPS": "1",
        "PIP_IGNORE_INSTALLED": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }

    run = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", recipe()],
        cwd=team,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    out = run.stdout
    # the installed copy is what ran: the console script and every package from the venv
    installed = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib, sys; print('\\n'.join(importlib.import_module(m).__file__ "
            "for m in sys.argv[1:]))",
            *PACKAGES,
            RULES,
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    venv = python.parent.parent
    assert all(Path(f).is_relative_to(venv) for f in installed), installed
    # the wheel of the cfn-lint rules carries every rule file of every category folder
    rules = Path(installed[-1]).parent / "rules"
    assert rule_tree(rules) == rule_tree(ROOT / "cfn-lint-rules" / RULES / "rules")
    assert shutil.which("modelpackage-rehearse", path=environment["PATH"]) == str(
        python.parent / "modelpackage-rehearse"
    )
    # --validate, then the rehearsal: approved, then the approval withdrawn, by parameters alone
    assert "0 error(s) in 3 template revision(s)" in out
    assert "Approval=Approved (2-approve.parameters.json)" in out
    assert "ModelDataUrl=s3://mlops-demo-models/churn/2026-11-01/model.tar.gz (previous value)" in (
        out
    )
    summary = out.split("Summary of stack demo-churn-registry")[1]
    assert "updated in place 2, replaced 0" in summary
    assert re.search(
        r"after 2-approve\.yaml \(UPDATE_COMPLETE\): .*\(Completed; Approved\)", summary
    )
    assert re.search(
        r"after 3-withdraw\.yaml \(UPDATE_COMPLETE\): .*\(Completed; Rejected\)", summary
    )
    assert (team / ".local" / "rehearsal-logs").is_dir()  # logs in the team's folder
    assert not (ROOT / "stacks").exists()
