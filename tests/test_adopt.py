"""Adopting what already exists: packages registered outside CloudFormation (a pipeline's boto3
script), their template generated from READ, and that template imported into a stack.

Every test registers packages in the backend as a pipeline would (boto3 straight to SageMaker,
or the example's own script run as a process against the backend), and asserts on what the
generated template says, on what the stack holds and on SageMaker's state read back.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cfn_flip import load_yaml

from local.backend.control import BackendControl
from local.driver import generate, script
from local.driver.generate import Adopted, GenerateError
from local.driver.logs import HandlerLogs
from local.driver.schema import property_names, type_schema
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.models import IMAGE
from tests.support.schema import ROOT

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

Json = dict[str, Any]
OURS = "MLOps::SageMaker::ModelPackage"
EXAMPLE = ROOT / "examples" / "adopt-pipeline-versions"
REGISTER = EXAMPLE / "register_versions.py"
GROUP = "adopted-churn"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def arn_of(name: str, version: int | None = None) -> str:
    tail = name if version is None else f"{name}/{version}"
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{tail}"


# ---------------------------------------------------------------- packages a pipeline registers


def _metrics(name: str) -> Json:
    return {"ContentType": "application/json", "S3Uri": f"s3://models-bucket/reports/{name}.json"}


def every_property(**kind: Any) -> Json:
    """CreateModelPackage arguments with every property both kinds of package share; `kind`
    adds the group (a version) or the name, marketplace flag and tags (unversioned)."""
    return {
        "ModelPackageDescription": "churn classifier with every property",
        "ModelPackageRegistrationType": "Registered",
        "InferenceSpecification": {
            "Containers": [
                {
                    "Image": IMAGE,
                    "ModelDataUrl": "s3://models-bucket/churn/model.tar.gz",
                    "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
                    "Framework": "PYTORCH",
                    "FrameworkVersion": "2.1",
                    "NearestModelName": "resnet50",
                }
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
            "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
            "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
        },
        "AdditionalInferenceSpecifications": [
            {
                "Name": "inferentia2",
                "Description": "Neuron-compiled build",
                "Containers": [{"Image": IMAGE + "-neuron"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            }
        ],
        "ValidationSpecification": {
            "ValidationRole": f"arn:aws:iam::{ACCOUNT}:role/model-validation",
            "ValidationProfiles": [
                {
                    "ProfileName": "batch",
                    "TransformJobDefinition": {
                        "TransformInput": {
                            "DataSource": {
                                "S3DataSource": {
                                    "S3DataType": "S3Prefix",
                                    "S3Uri": "s3://models-bucket/validation/",
                                }
                            },
                            "ContentType": "text/csv",
                        },
                        "TransformOutput": {"S3OutputPath": "s3://models-bucket/validated/"},
                        "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
                    },
                }
            ],
        },
        "SourceAlgorithmSpecification": {
            "SourceAlgorithms": [
                {
                    "AlgorithmName": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:algorithm/churn-xgb",
                    "ModelDataUrl": "s3://models-bucket/churn/model.tar.gz",
                }
            ]
        },
        "MetadataProperties": {
            "CommitId": "4f2c9e1",
            "Repository": "https://git.example.com/ml/churn",
            "GeneratedBy": "churn-training-pipeline",
            "ProjectId": "p-churn",
        },
        "ModelMetrics": {
            "ModelQuality": {"Statistics": _metrics("mq-stats"), "Constraints": _metrics("mq")},
            "ModelDataQuality": {"Statistics": _metrics("dq-stats"), "Constraints": _metrics("dq")},
            "Bias": {
                "Report": _metrics("bias"),
                "PreTrainingReport": _metrics("bias-pre"),
                "PostTrainingReport": _metrics("bias-post"),
            },
            "Explainability": {"Report": _metrics("shap")},
        },
        "Domain": "MACHINE_LEARNING",
        "Task": "CLASSIFICATION",
        "SamplePayloadUrl": "s3://models-bucket/churn/sample.csv",
        "CustomerMetadataProperties": {"training-job": "churn-xgb-2026-11-01", "auc": "0.93"},
        "DriftCheckBaselines": {
            "Bias": {
                "ConfigFile": {"S3Uri": "s3://models-bucket/reports/bias-config.json"},
                "PreTrainingConstraints": _metrics("drift-bias-pre"),
                "PostTrainingConstraints": _metrics("drift-bias-post"),
            },
            "Explainability": {
                "Constraints": _metrics("drift-shap"),
                "ConfigFile": {"S3Uri": "s3://models-bucket/reports/shap-config.json"},
            },
            "ModelQuality": {
                "Statistics": _metrics("drift-mq-stats"),
                "Constraints": _metrics("drift-mq"),
            },
            "ModelDataQuality": {
                "Statistics": _metrics("drift-dq-stats"),
                "Constraints": _metrics("drift-dq"),
            },
        },
        "SkipModelValidation": "None",
        "SourceUri": "s3://models-bucket/churn/source.tar.gz",
        "SecurityConfig": {"KmsKeyId": KMS_KEY},
        "ModelCard": {
            "ModelCardContent": json.dumps({"model_overview": {"model_description": "churn"}}),
            "ModelCardStatus": "Draft",
        },
        "ModelLifeCycle": {
            "Stage": "Development",
            "StageStatus": "InProgress",
            "StageDescription": "first candidate",
        },
        "ManagedStorageType": "Restricted",
        **kind,
    }


def register_every_property(sagemaker: SageMakerClient) -> tuple[str, str]:
    """A version and an unversioned package, between them every property of the schema; the
    approval description is set afterwards, as CreateModelPackage does not take it."""
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    version = sagemaker.create_model_package(
        **every_property(ModelPackageGroupName=GROUP, ModelApprovalStatus="Approved")
    )["ModelPackageArn"]
    sagemaker.update_model_package(ModelPackageArn=version, ApprovalDescription="reviewed")
    unversioned = sagemaker.create_model_package(
        **every_property(
            ModelPackageName="churn-scorer",
            CertifyForMarketplace=True,
            Tags=[{"Key": "team", "Value": "churn-squad"}, {"Key": "env", "Value": "prod"}],
        )
    )["ModelPackageArn"]
    return version, unversioned


# ---------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Caller:
    account: str
    region: str
    credentials: dict[str, str]


@pytest.fixture
def env(sagemaker: SageMakerClient) -> Caller:
    """Where the handlers run: the backend, as the test account (`sagemaker` resets it)."""
    return Caller(ACCOUNT, REGION, CREDENTIALS)


@pytest.fixture
def logs() -> HandlerLogs:
    return HandlerLogs(stream=io.StringIO())


def generated(env: Caller, logs: HandlerLogs, *arns: str) -> Json:
    """The generated template, as printed, parsed back."""
    text = generate.render(generate.template_for(generate.adopt(env, arns, logs)))
    template: Json = json.loads(json.dumps(load_yaml(text)))
    return template


def settable_properties() -> set[str]:
    """What a template can set: every schema property but the read-only and write-only ones."""
    schema = type_schema(OURS)
    write_only = property_names(schema.document["writeOnlyProperties"])
    return set(schema.document["properties"]) - schema.read_only - write_only


# ---------------------------------------------------------------- the registration script


def test_the_example_script_registers_versions_as_a_pipeline_would(
    env: Caller, backend_url: str, sagemaker: SageMakerClient
) -> None:
    shown = io.StringIO()
    script.run(str(REGISTER), env, backend_url, shown)
    versions = sagemaker.list_model_packages(ModelPackageGroupName="churn-models")
    arns = sorted(p["ModelPackageArn"] for p in versions["ModelPackageSummaryList"])
    assert arns == [arn_of("churn-models", 1), arn_of("churn-models", 2)]
    assert f"  | registered {arns[0]} (PendingManualApproval)" in shown.getvalue()
    described = sagemaker.describe_model_package(ModelPackageName=arns[1])
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert described["CustomerMetadataProperties"]["auc"] == "0.93"
    group = sagemaker.describe_model_package_group(ModelPackageGroupName="churn-models")
    tags = sagemaker.list_tags(ResourceArn=group["ModelPackageGroupArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "churn-squad"}]


def test_the_script_gets_the_endpoint_local_credentials_and_region(
    env: Caller, tmp_path: Path
) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\n"
        "for k in ('AWS_ENDPOINT_URL_SAGEMAKER', 'AWS_ACCESS_KEY_ID', 'AWS_REGION'):\n"
        "    print(k, os.environ[k])\n"
        "print('PROFILE', os.environ.get('AWS_PROFILE'))\n"
    )
    shown = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_PROFILE", "production")
        script.run(f"{probe}", env, "http://127.0.0.1:9", shown)
    assert "  | AWS_ENDPOINT_URL_SAGEMAKER http://127.0.0.1:9" in shown.getvalue()
    assert f"  | AWS_ACCESS_KEY_ID {CREDENTIALS['accessKeyId']}" in shown.getvalue()
    assert f"  | AWS_REGION {REGION}" in shown.getvalue()
    assert "  | PROFILE None" in shown.getvalue()  # never the user's own account


def test_a_failing_script_is_reported_with_its_output(env: Caller, tmp_path: Path) -> None:
    failing = tmp_path / "fails.py"
    failing.write_text("import sys\nprint('registering')\nsys.exit('no model data')\n")
    shown = io.StringIO()
    with pytest.raises(script.ScriptFailed, match="exited with status 1"):
        script.run(f"{failing} --group x", env, None, shown)
    assert "  | registering" in shown.getvalue()
    assert "  | no model data" in shown.getvalue()
    with pytest.raises(script.ScriptFailed, match="could not start"):
        script.run(str(tmp_path / "no-such-command"), env, None, shown)


def test_a_python_script_runs_with_the_drivers_python() -> None:
    assert script.command_for("register.py --group 'a b'") == [
        sys.executable,
        "register.py",
        "--group",
        "a b",
    ]
    assert script.command_for("bash register.sh") == ["bash", "register.sh"]


# ---------------------------------------------------------------- generate


def test_the_committed_example_template_is_what_generate_prints(
    env: Caller, backend_url: str, logs: HandlerLogs
) -> None:
    script.run(str(REGISTER), env, backend_url, io.StringIO())
    adopted = generate.adopt(env, [arn_of("churn-models", 1), arn_of("churn-models", 2)], logs)
    assert (
        generate.render(generate.template_for(adopted)) == (EXAMPLE / "1-import.yaml").read_text()
    )


def test_generated_template_has_every_property_the_packages_have(
    env: Caller, sagemaker: SageMakerClient, logs: HandlerLogs
) -> None:
    version, unversioned = register_every_property(sagemaker)
    template = generated(env, logs, version, unversioned)
    assert "Outputs" not in template  # CloudFormation refuses Outputs in an import
    resources = template["Resources"]
    assert list(resources) == ["AdoptedChurnVersion1", "ChurnScorer"]
    for resource in resources.values():
        assert resource["Type"] == OURS
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
        assert type_schema(OURS).errors(resource["Properties"]) == []
    versioned = resources["AdoptedChurnVersion1"]["Properties"]
    plain = resources["ChurnScorer"]["Properties"]
    # Between them, every property a template can set, and nothing else
    assert set(versioned) | set(plain) == settable_properties()
    assert set(versioned) ^ set(plain) == {
        "ModelPackageGroupName",
        "ModelApprovalStatus",
        "ApprovalDescription",
        "ModelPackageName",
        "CertifyForMarketplace",
        "Tags",
    }
    # as SageMaker holds them: the group by name, every value as it was registered
    assert versioned["ModelPackageGroupName"] == GROUP
    assert versioned["ApprovalDescription"] == "reviewed"
    shared = every_property()
    for name, value in shared.items():
        assert versioned[name] == value, name
        assert plain[name] == value, name
    assert plain["Tags"] == [
        {"Key": "env", "Value": "prod"},
        {"Key": "team", "Value": "churn-squad"},
    ]
    assert plain["CertifyForMarketplace"] is True


def test_generated_properties_follow_the_schema_order() -> None:
    model = {"Tags": [], "ModelPackageName": "a", "ModelPackageArn": "x", "CreationTime": "t"}
    assert list(generate.properties_of(model)) == ["ModelPackageName", "Tags"]


@pytest.mark.parametrize(
    ("arns", "words"),
    [
        (["arn:aws:s3:::bucket"], "not a model package ARN"),
        ([arn_of("churn")[:-1] + "-"], "not a model package ARN"),
        ([arn_of("churn").replace(REGION, "eu-west-1")], "is in eu-west-1 and the driver reads"),
        ([arn_of("churn"), arn_of("churn")], "given twice"),
    ],
)
def test_generate_refuses_before_any_call(
    env: Caller, logs: HandlerLogs, backend: BackendControl, arns: list[str], words: str
) -> None:
    with pytest.raises(GenerateError, match=words):
        generate.adopt(env, arns, logs)
    assert backend.operations() == []


def test_generate_of_a_package_that_does_not_exist_says_not_found(
    env: Caller, logs: HandlerLogs, sagemaker: SageMakerClient
) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    with pytest.raises(GenerateError, match=r"churn/1: NotFound: .* was not found"):
        generate.adopt(env, [arn_of(GROUP, 1).replace(GROUP, "churn")], logs)


def test_logical_ids_come_from_the_names_and_never_collide(
    env: Caller, logs: HandlerLogs, sagemaker: SageMakerClient
) -> None:
    spec = {"InferenceSpecification": every_property()["InferenceSpecification"]}
    sagemaker.create_model_package_group(ModelPackageGroupName="churn-models")
    arns = [
        sagemaker.create_model_package(ModelPackageGroupName="churn-models", **spec),
        sagemaker.create_model_package(ModelPackageName="churn-models-version1", **spec),
        sagemaker.create_model_package(ModelPackageName="churn-scorer", **spec),
        sagemaker.create_model_package(ModelPackageName="churnScorer", **spec),
    ]
    adopted = generate.adopt(env, [a["ModelPackageArn"] for a in arns], logs)
    assert [a.logical_id for a in adopted] == [
        "ChurnModelsVersion1",
        "ChurnModelsVersion1N2",
        "ChurnScorer",
        "ChurnScorer2",
    ]


def test_a_value_cloudformation_would_read_as_a_function_is_refused(
    env: Caller, logs: HandlerLogs, sagemaker: SageMakerClient
) -> None:
    arn = sagemaker.create_model_package(
        ModelPackageName="tricky",
        InferenceSpecification=every_property()["InferenceSpecification"],
        CustomerMetadataProperties={"Ref": "main"},
    )["ModelPackageArn"]
    with pytest.raises(GenerateError, match=r"/CustomerMetadataProperties is \{'Ref': \.\.\.\}"):
        generate.adopt(env, [arn], logs)


def test_template_for_names_one_or_many_packages() -> None:
    one = generate.template_for([Adopted(arn_of("a"), {"ModelPackageName": "a"}, "A")])
    assert one["Description"].startswith("1 model package registered outside")
    assert one["Resources"]["A"]["Properties"] == {"ModelPackageName": "a"}
