"""What a newcomer meets first: a command that cannot start says why in one line with exit
status 2 before anything runs, `--keep` says what it means locally, `make help` lists the
targets. Through the rehearsal's command line (`cli.main`) and the Makefile.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.cli import parser
from tests.support.models import IMAGE

ROOT = Path(__file__).resolve().parents[2]
ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/1"
PACKAGE = {
    "Resources": {
        "Scorer": {
            "Type": "MLOps::SageMaker::ModelPackage",
            "Properties": {
                "ModelPackageName": "cli-scorer",
                "InferenceSpecification": {
                    "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://m/model.tar.gz"}],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
            },
        }
    }
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "1.json").write_text(json.dumps(PACKAGE))
    (tmp_path / "a-file").write_text("")
    return tmp_path


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--generate", "churn-models/1"], "--generate: churn-models/1: not a model package ARN"),
        (["--generate", ARN, ARN], f"--generate: {ARN}: given twice"),
        (
            ["--generate", ARN.replace("us-east-1", "eu-west-1")],
            "the package is in eu-west-1 and the driver reads us-east-1",
        ),
        (["--generate", ARN, "--before", "register.py"], "--before 'register.py': no such script"),
        (["--generate", ARN, "--keep"], "--keep does nothing with --generate"),
        (["--generate", ARN, "--parameter", "A=1"], "--parameter does nothing with --generate"),
        (["STACK", "--before", "register.py"], "--before 'register.py': no such script"),
        (["STACK", "--before", "no-such-command-i23 --x"], "no-such-command-i23: no such command"),
        (["STACK", "--before", ""], "--before needs a script"),
        (["STACK", "--before", "'open"], "No closing quotation"),
        (["STACK", "--validate", "--drift"], "--drift does nothing with --validate"),
        (["STACK", "--validate", "--keep"], "--keep does nothing with --validate"),
        (["STACK", "--validate", "--before", "x.py"], "--before does nothing with --validate"),
        (["STACK", "--log-file", "FILE/log"], "--log-file: cannot write"),
    ],
)
def test_what_cannot_start_is_one_line_and_exit_status_2(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    words: str,
) -> None:
    monkeypatch.chdir(folder)
    given = [{"STACK": "stack", "FILE/log": "a-file/log"}.get(a, a) for a in arguments]

    code = driver_main(given)

    out, err = capsys.readouterr()
    assert code == 2, out + err
    (line,) = err.splitlines()
    assert line.startswith("modelpackage-rehearse: error: "), line
    assert words in line
    assert "Handler logs" not in out + err  # nothing was started
    assert not (folder / ".local").exists()


def test_keep_says_what_it_means_locally(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    help_text = " ".join(parser().format_help().split())
    assert "The embedded SageMaker stops with the command, so there what is kept ends" in (
        help_text
    )

    code = driver_main(["stack", "--keep", "--fast"])

    out = capsys.readouterr().out
    assert code == 0, out
    summary = out.split("Summary of stack")[1]
    assert "left in the stack (--keep): Scorer arn:aws:sagemaker:" in summary
    assert (
        "--keep: the embedded SageMaker stopped with this run, and what the stack holds with it"
    ) in out


def test_make_help_lists_every_target_with_what_it_does() -> None:
    makefile = (ROOT / "Makefile").read_text()
    (phony,) = re.findall(r"^\.PHONY: (.+)$", makefile, re.MULTILINE)

    listed = subprocess.run(
        ["make", "-s", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    described = dict(re.findall(r"^  make (\S+) +(\S.*)$", listed, re.MULTILINE))
    assert set(described) == set(phony.split())
    assert listed.splitlines()[0].startswith("  make help ")
