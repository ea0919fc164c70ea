"""Running the rehearsal's command line in a test, and the template resources tests write."""

from __future__ import annotations

from typing import Any

import pytest

from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from tests.support.models import IMAGE

OURS = "MLOps::SageMaker::ModelPackage"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`modelpackage-rehearse ARGV` in this process: the exit status, stdout and stderr."""
    code = driver_main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def unversioned(**properties: Any) -> Json:
    """A template resource of our type: an unversioned package with `properties` added."""
    return {
        "Type": OURS,
        "Properties": {
            "InferenceSpecification": {
                "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://models/m.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            **properties,
        },
    }
