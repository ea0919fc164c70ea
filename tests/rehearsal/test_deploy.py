"""A run of revisions (driver/deploy.py): a refused revision leaves the stack as it was and the
run goes on to the next and to the final delete, a stack never created is never deleted,
`--keep` keeps it, and the exit status says whether every operation succeeded. Through the
rehearsal's command line (`cli.main`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from tests.support.rehearsal import (
    APPROVED,
    Writer,
    failing,
    group_resource,
    run,
    unversioned,
    version,
    write,
)


def test_exit_status_is_non_zero_when_a_revision_failed_even_if_rolled_back(
    tmp_path: Path, backend_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    writer({"Models": group_resource(), "Version": version()})
    writer({"Models": group_resource(), "Version": version(**APPROVED), "Bad": failing()})
    log = tmp_path / "handlers.log"

    code = driver_main([str(tmp_path), "--fast", "--log-file", str(log)])

    out = capsys.readouterr().out
    assert code == 1
    assert "UPDATE_ROLLBACK_COMPLETE" in out
    assert "after 2.json (UPDATE_ROLLBACK_COMPLETE): Version" in out
    assert "PendingManualApproval" in out.split("after 2.json")[1]
    assert f"Handler logs: {log}" in out
    # the handler's traceback went to the log file, the events stayed one line each
    assert "Traceback" not in out
    assert "Traceback" in log.read_text()
    assert "InvalidRequest" in log.read_text()


def test_a_template_that_is_not_well_formed_is_refused_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = Writer(tmp_path)
    writer({"Models": group_resource(), "Version": version()})
    (tmp_path / "2.yaml").write_text("Resources:\n  Models:\n    Type: X\n   bad: [\n")
    (tmp_path / "3.json").write_text(
        json.dumps({"Resources": {"Models": group_resource(), "Version": version(**APPROVED)}})
    )

    code, out, err = run([str(tmp_path), "--fast", "--log-file", str(tmp_path / "log")], capsys)

    assert code == 1
    assert "Traceback" not in out + err
    assert re.search(
        r"VALIDATION_FAILED +\S*2\.yaml: Template format error: YAML not well-formed\. "
        r"\(line 4, column 4\)",
        out,
    ), out
    assert "2.yaml: refused before starting, the stack is untouched" in out
    assert "after 3.json (UPDATE_COMPLETE): Version" in out  # the next revision applied
    assert "(Completed; Approved)" in out.split("after 3.json")[1]
    assert "final status DELETE_COMPLETE" in out
    assert "1 stack operation(s) failed" in err


def test_keep_says_the_resources_stay_in_the_stack_not_that_a_delete_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "1.json", {"Model": unversioned()})

    code, out, _ = run([str(tmp_path), "--fast", "--keep"], capsys)

    assert code == 0
    assert "a delete failed" not in out
    assert "final status CREATE_COMPLETE" in out
    (kept,) = [line for line in out.splitlines() if "left in the stack (--keep): Model" in line]
    assert "arn:aws:sagemaker:" in kept


def test_a_stack_that_was_never_created_is_not_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every revision refused before any change: CloudFormation never created the stack, so
    there is nothing to delete and no DELETE event."""
    write(tmp_path, "1.json", {"Model": unversioned(ModelApprovalStatus={"Ref": "Nope"})})

    code, out, _ = run([str(tmp_path), "--fast"], capsys)

    assert code == 1
    assert "VALIDATION_FAILED" in out
    assert "DELETE_IN_PROGRESS" not in out
    assert "DELETE_COMPLETE" not in out
    assert "final status (never created)" in out


def test_a_template_that_is_not_utf8_is_refused_naming_the_file_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A description saved as Latin-1 by an editor: one line, no traceback."""
    (tmp_path / "1.yaml").write_bytes(
        "Description: Modèle\nResources:\n  G:\n    Type: AWS::SageMaker::ModelPackageGroup\n"
        "    Properties:\n      ModelPackageGroupName: edges-latin1\n".encode("latin-1")
    )
    write(tmp_path, "2.json", {"Model": unversioned()})

    code, out, _ = run([str(tmp_path), "--validate"], capsys)
    assert code == 1
    assert "ERROR Template format error: YAML not well-formed." in out
    assert "not UTF-8" in out
    assert "Model                        create" in out

    code, out, _ = run([str(tmp_path), "--fast"], capsys)
    assert code == 1
    assert f"{tmp_path / '1.yaml'}: Template format error: YAML not well-formed." in out
    assert "final status DELETE_COMPLETE" in out
