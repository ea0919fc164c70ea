"""The rehearsal's command line (driver/cli.py, arguments.py): a command that cannot start says
why in one line with exit status 2 before anything runs (options that cannot go together, a
missing folder, a stack name or tag CloudFormation refuses, KEY=VALUE without a key), `--keep`
says what it means locally, `--help` keeps its examples, revisions run in numeric order, a
reader that stops early does not stop the run, and `make help` lists the targets. Through
`cli.main` (or the installed command) and the Makefile."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.cli import parser
from tests.support.models import IMAGE
from tests.support.rehearsal import group_resource, run, unversioned, write

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


@pytest.mark.logs_in_cwd
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


@pytest.mark.parametrize("where", ["missing", "empty"])
def test_a_missing_path_or_an_empty_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    path = tmp_path / "nowhere" if where == "missing" else tmp_path

    code, out, err = run([str(path)], capsys)

    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"modelpackage-rehearse: error: {path}: no ")


def test_help_names_the_module_and_keeps_examples_on_their_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        driver_main(["--help"])

    out = capsys.readouterr().out
    assert out.startswith("usage: modelpackage-rehearse ")
    assert "\n  modelpackage-rehearse examples/registry-flow\n" in out
    assert "\n      every revision in order, then delete the stack\n" in out
    assert "--stack-name" in out
    assert "--log-file" in out


@pytest.mark.parametrize("name", ["my_stack", "2fast", "with space", "a" * 129])
def test_a_stack_name_cloudformation_refuses_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write(tmp_path, "1.json", {"Model": unversioned()})

    code, out, err = run([str(tmp_path), "--stack-name", name, "--fast"], capsys)

    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert f"Value '{name}' at 'stackName' failed to satisfy constraint" in line


def test_the_default_stack_name_of_a_folder_is_one_cloudformation_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my_templates.v2"
    write(folder, "1.json", {"Model": unversioned()})

    code, out, _ = run([str(folder), "--fast"], capsys)

    assert code == 0
    assert "Summary of stack demo-my-templates-v2:" in out


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("aws:team=x", "aws: prefixed tag key names are not allowed for external use"),
        ("k" * 129 + "=x", "at 'tags.1.member.key' failed to satisfy constraint"),
        ("k=" + "v" * 257, "at 'tags.1.member.value' failed to satisfy constraint"),
    ],
)
def test_a_stack_tag_cloudformation_refuses_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str, words: str
) -> None:
    """CreateStack refuses these before anything; the handler would drop an aws: tag silently
    and SageMaker refuse an empty key after the stack started."""
    write(tmp_path, "1.json", {"Model": unversioned()})

    code, out, err = run([str(tmp_path), "--fast", "--tag", "ok=1", "--tag", tag], capsys)

    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert words.replace("tags.1", "tags.2") in line


def test_a_parameter_or_tag_without_a_key_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "1.json", {"Model": unversioned()})

    for option in ("--parameter", "--tag"):
        code, _, err = run([str(tmp_path), "--validate", option, "=x"], capsys)
        assert code == 2
        assert f"{option} takes KEY=VALUE, not '=x'" in err


def test_a_folder_of_ten_revisions_runs_them_in_numeric_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1-, 2-, ..., 10-: "10-" is the tenth revision, not the second."""
    for number in (1, 2, 10):
        write(tmp_path, f"{number}-revision.json", {"Model": unversioned()})

    code, out, _ = run([str(tmp_path), "--validate"], capsys)

    assert code == 0
    names = [line for line in out.splitlines() if line.endswith("-revision.json")]
    assert names == ["1-revision.json", "2-revision.json", "10-revision.json"]


def test_a_reader_that_stops_early_does_not_stop_the_run(tmp_path: Path) -> None:
    """`modelpackage-rehearse ... | head`: once the pipe closes, the run goes on to its end
    (with --aws the final delete is what removes real packages) and exits as it would have."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    write(tmp_path / "stack", "1.json", {"Models": group_resource()})
    run = subprocess.Popen(
        [
            Path(sys.executable).with_name("modelpackage-rehearse"),
            "stack",
            "--fast",
            "--log-file",
            str(tmp_path / "handlers.log"),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout is not None
    run.stdout.readline()
    run.stdout.close()  # the reader is gone before the first revision is done
    _, err = run.communicate(timeout=300)

    assert run.returncode == 0, err.decode()
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err
