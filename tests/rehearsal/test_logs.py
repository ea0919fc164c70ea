"""Handler logs (driver/logs.py, deploy.handler_logs): one file per run under the folder the
command runs in, `--log-file`, or inline with `--verbose`."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.logs import HandlerLogs
from tests.support.rehearsal import Writer, failing, group_resource, run


def test_verbose_shows_handler_logs_inline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Writer(tmp_path)({"Models": group_resource(), "Bad": {**failing(), "DependsOn": "Models"}})

    code = driver_main([str(tmp_path), "--fast", "--verbose"])

    out = capsys.readouterr().out
    assert code == 1
    assert "Traceback" in out
    assert "Handler logs:" not in out
    assert "ROLLBACK_COMPLETE" in out


def test_handler_logs_default_to_one_file_per_run(tmp_path: Path) -> None:
    first = HandlerLogs(path=tmp_path / "a" / "run.log")
    with first.captured("CREATE X"):
        print("from the handler")
    assert first.path is not None
    assert "from the handler" in first.path.read_text()


@pytest.mark.logs_in_cwd
def test_handler_logs_go_under_the_folder_the_command_runs_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed, the rehearsal runs in a team's repository: its logs go to that folder's
    .local/ (not the installed package's, and not build/, which `make package` empties)."""
    work = tmp_path / "team-repo"
    (work / "stack").mkdir(parents=True)
    Writer(work / "stack")({"Models": group_resource()})
    monkeypatch.chdir(work)

    code, out, _ = run(["stack", "--fast", "--stack-name", "logs-test"], capsys)

    assert code == 0, out
    log = Path(out.splitlines()[0].removeprefix("Handler logs: "))
    assert log.is_file()
    assert log.is_relative_to(work / ".local" / "rehearsal-logs")
