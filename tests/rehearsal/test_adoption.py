"""Adopting what already exists: packages registered outside CloudFormation (a pipeline's boto3
script), their template generated from READ, and that template imported into a stack.

Every test registers packages in the backend as a pipeline would (boto3 straight to SageMaker,
or the example's own script run as a process against the backend), and asserts on what the
generated template says, on what the stack holds and on SageMaker's state read back.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cfn_flip import load_yaml

from mlops_sagemaker_modelpackage import fields
from mlops_sagemaker_modelpackage.fields import FIELDS, Create, Scope
from mlops_sagemaker_modelpackage.json_types import Json
from mlops_sagemaker_modelpackage.specifications import without_server_filled
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from mlops_sagemaker_modelpackage_local.driver import adopt, drift, generate, script
from mlops_sagemaker_modelpackage_local.driver.cli import main as driver_main
from mlops_sagemaker_modelpackage_local.driver.events import Events
from mlops_sagemaker_modelpackage_local.driver.generate import Adopted, GenerateError
from mlops_sagemaker_modelpackage_local.driver.logs import HandlerLogs
from mlops_sagemaker_modelpackage_local.driver.provisioners import Environment
from mlops_sagemaker_modelpackage_local.driver.schema import property_names, type_schema
from mlops_sagemaker_modelpackage_local.driver.stack import Stack
from mlops_sagemaker_modelpackage_local.driver.template import Template
from tests.support.cfn import ACCOUNT, CREDENTIALS, REGION
from tests.support.clock import VirtualClock
from tests.support.models import IMAGE, inference_specification
from tests.support.schema import ROOT
from tests.support.strategies import example

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

OURS = "MLOps::SageMaker::ModelPackage"
EXAMPLE = ROOT / "examples" / "adopt-pipeline-versions"
REGISTER = EXAMPLE / "register_versions.py"
GROUP = "adopted-churn"
SPEC: Any = inference_specification()  # a specification a pipeline registers


def arn_of(name: str, version: int | None = None) -> str:
    tail = name if version is None else f"{name}/{version}"
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{tail}"


def group_arn_of(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{name}"


GROUP_TYPE = "AWS::SageMaker::ModelPackageGroup"


def to_import(type_name: str, logical_id: str, identifier: Json) -> Json:
    """One entry of what `create-change-set --resources-to-import` takes."""
    return {
        "ResourceType": type_name,
        "LogicalResourceId": logical_id,
        "ResourceIdentifier": identifier,
    }


# ---------------------------------------------------------------- packages a pipeline registers


def settable_properties() -> list[str]:
    """What a template can set, in the schema's order: every property but the read-only and
    write-only ones."""
    schema = type_schema(OURS)
    write_only = property_names(schema.document["writeOnlyProperties"])
    unset = schema.read_only | write_only
    return [name for name in schema.document["properties"] if name not in unset]


def every_property(*, versioned: bool) -> tuple[Json, Json]:
    """Every property a template can set on a version (or on an unversioned package), each with
    the schema's example value (tests/support/strategies.py): a property added to the schema and
    fields.py is registered here without a line of this test. Returns what CreateModelPackage
    takes, and what only an UpdateModelPackage after it sets (fields.py: Create.NO)."""
    properties = type_schema(OURS).document["properties"]
    create: Json = {}
    update: Json = {}
    for name in settable_properties():
        if fields.applies(name, versioned=versioned):
            call = update if FIELDS[name].create is Create.NO else create
            call[name] = example(properties[name], name)
    return create, update


def register(sagemaker: SageMakerClient, create: Json, update: Json) -> str:
    arn = sagemaker.create_model_package(**create)["ModelPackageArn"]
    if update:
        sagemaker.update_model_package(ModelPackageArn=arn, **update)
    return arn


TAGS = [{"Key": "team", "Value": "churn-squad"}, {"Key": "env", "Value": "prod"}]


def register_every_property(sagemaker: SageMakerClient) -> tuple[str, str]:
    """A version and an unversioned package, between them every property a template can set; the
    version in GROUP, the unversioned package named churn-scorer with two tags."""
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    create, update = every_property(versioned=True)
    version = register(sagemaker, {**create, "ModelPackageGroupName": GROUP}, update)
    create, update = every_property(versioned=False)
    unversioned = register(
        sagemaker, {**create, "ModelPackageName": "churn-scorer", "Tags": TAGS}, update
    )
    return version, unversioned


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def logs() -> HandlerLogs:
    return HandlerLogs(stream=io.StringIO())


def generated(env: Environment, logs: HandlerLogs, *arns: str) -> Json:
    """The generated template, as printed, parsed back."""
    text = generate.render(generate.template_for(generate.adopt(env, arns, logs)))
    template: Json = json.loads(json.dumps(load_yaml(text)))
    return template


# ---------------------------------------------------------------- the registration script


def test_the_example_script_registers_versions_as_a_pipeline_would(
    env: Environment, backend_url: str, sagemaker: SageMakerClient
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


# ---------------------------------------------------------------- generate


def test_the_committed_example_template_is_what_generate_prints(
    env: Environment, backend_url: str, logs: HandlerLogs
) -> None:
    script.run(str(REGISTER), env, backend_url, io.StringIO())
    adopted = generate.adopt(env, [group_arn_of("churn-models")], logs)
    assert (
        generate.render(generate.template_for(adopted)) == (EXAMPLE / "1-import.yaml").read_text()
    )


def test_a_group_arn_adopts_the_group_and_every_version_in_it(
    env: Environment, logs: HandlerLogs, sagemaker: SageMakerClient, tmp_path: Path
) -> None:
    sagemaker.create_model_package_group(
        ModelPackageGroupName=GROUP,
        ModelPackageGroupDescription="every churn model",
        Tags=[{"Key": "team", "Value": "churn"}],
    )
    for _ in range(3):
        sagemaker.create_model_package(
            ModelPackageGroupName=GROUP,
            InferenceSpecification={
                "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://m/model.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
        )
    group = group_arn_of(GROUP)

    # a version given on its own too is adopted once, where its group puts it
    adopted = generate.adopt(env, [group, arn_of(GROUP, 2)], logs)
    template = json.loads(json.dumps(load_yaml(generate.render(generate.template_for(adopted)))))

    assert [a.logical_id for a in adopted] == [
        "AdoptedChurn",
        "AdoptedChurnVersion1",
        "AdoptedChurnVersion2",
        "AdoptedChurnVersion3",
    ]
    resources = template["Resources"]
    assert resources["AdoptedChurn"] == {
        "Type": "AWS::SageMaker::ModelPackageGroup",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "ModelPackageGroupDescription": "every churn model",
            "ModelPackageGroupName": GROUP,
            "Tags": [{"Key": "team", "Value": "churn"}],
        },
    }
    for n in (1, 2, 3):
        properties = resources[f"AdoptedChurnVersion{n}"]["Properties"]
        assert properties["ModelPackageGroupName"] == {"Ref": "AdoptedChurn"}
    assert generate.resources_to_import(adopted)[0] == to_import(
        GROUP_TYPE, "AdoptedChurn", {"ModelPackageGroupArn": group}
    )


def test_a_group_that_does_not_exist_says_so(env: Environment, logs: HandlerLogs) -> None:
    with pytest.raises(GenerateError, match=r"model-package-group/nowhere: ValidationException"):
        generate.adopt(env, [group_arn_of("nowhere")], logs)


def test_generated_template_has_every_property_the_packages_have(
    env: Environment, sagemaker: SageMakerClient, logs: HandlerLogs
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
    # Between them, every property a template can set, and nothing else; each kind its own
    assert set(versioned) | set(plain) == set(settable_properties())
    assert set(versioned) ^ set(plain) == {
        name for name in settable_properties() if FIELDS[name].scope is not Scope.BOTH
    }
    # as SageMaker holds them: the group by name, every value as it was registered (but for
    # what SageMaker derives itself, never read back), tags in key order
    assert versioned["ModelPackageGroupName"] == GROUP
    assert plain["ModelPackageName"] == "churn-scorer"
    assert plain["Tags"] == sorted(TAGS, key=lambda tag: tag["Key"])
    for template, kind in ((versioned, True), (plain, False)):
        create, update = every_property(versioned=kind)
        for name, value in {**create, **update}.items():
            if name not in ("ModelPackageGroupName", "ModelPackageName", "Tags"):
                assert template[name] == without_server_filled(value), name


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
    env: Environment, logs: HandlerLogs, backend: BackendControl, arns: list[str], words: str
) -> None:
    with pytest.raises(GenerateError, match=words):
        generate.adopt(env, arns, logs)
    assert backend.operations() == []


def test_a_group_of_another_account_is_refused_not_read_in_the_callers(
    env: Environment, logs: HandlerLogs, backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    """CloudFormation imports into a stack of its own account: a group ARN of another account
    is refused before any call, even with a group of that name here (it was read instead)."""
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    elsewhere = group_arn_of(GROUP).replace(ACCOUNT, "111122223333")
    calls = len(backend.operations())
    with pytest.raises(GenerateError, match=r"group is in account 111122223333 and the stack in"):
        generate.adopt(env, [elsewhere], logs)
    assert len(backend.operations()) == calls


def test_generate_of_a_package_that_does_not_exist_says_not_found(
    env: Environment, logs: HandlerLogs, sagemaker: SageMakerClient
) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    with pytest.raises(GenerateError, match=r"churn/1: NotFound: .* was not found"):
        generate.adopt(env, [arn_of(GROUP, 1).replace(GROUP, "churn")], logs)


def test_logical_ids_come_from_the_names_and_never_collide(
    env: Environment, logs: HandlerLogs, sagemaker: SageMakerClient
) -> None:
    spec = {"InferenceSpecification": SPEC}
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
    env: Environment, logs: HandlerLogs, sagemaker: SageMakerClient
) -> None:
    arn = sagemaker.create_model_package(
        ModelPackageName="tricky",
        InferenceSpecification=SPEC,
        CustomerMetadataProperties={"Ref": "main"},
    )["ModelPackageArn"]
    with pytest.raises(GenerateError, match=r"/CustomerMetadataProperties is \{'Ref': \.\.\.\}"):
        generate.adopt(env, [arn], logs)


def test_template_for_names_one_or_many_packages() -> None:
    one = generate.template_for([Adopted(arn_of("a"), {"ModelPackageName": "a"}, "A")])
    assert one["Description"].startswith("1 model package registered outside")
    assert one["Resources"]["A"]["Properties"] == {"ModelPackageName": "a"}


# ---------------------------------------------------------------- import


MUTATING = {
    "CreateModelPackage",
    "UpdateModelPackage",
    "DeleteModelPackage",
    "AddTags",
    "DeleteTags",
    "CreateModelPackageGroup",
    "DeleteModelPackageGroup",
}


@pytest.fixture
def stack(env: Environment, clock: VirtualClock) -> Stack:
    return Stack("adopt", env, Events(io.StringIO()), wait=clock.sleep)


def write(folder: Path, name: str, template: Json) -> Template:
    path = folder / name
    path.write_text(json.dumps(template))
    return Template.load(path)


def generated_for(
    env: Environment, logs: HandlerLogs, folder: Path, *arns: str
) -> tuple[Template, dict[str, str]]:
    """The generated template, as a file, and the imports naming its resources."""
    adopted = generate.adopt(env, arns, logs)
    path = folder / "1-import.yaml"
    path.write_text(generate.render(generate.template_for(adopted)))
    return Template.load(path), {a.logical_id: a.arn for a in adopted}


def described(sagemaker: SageMakerClient, arn: str) -> Json:
    found = dict(sagemaker.describe_model_package(ModelPackageName=arn))
    found.pop("ResponseMetadata", None)
    return found


def test_import_of_a_version_and_an_unversioned_package_with_tags(  # noqa: PLR0917 - fixtures
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    backend: BackendControl,
    tmp_path: Path,
) -> None:
    version, unversioned = register_every_property(sagemaker)
    template, imports = generated_for(env, logs, tmp_path, version, unversioned)
    before = {arn: described(sagemaker, arn) for arn in (version, unversioned)}
    backend.reset_calls()
    assert stack.deploy(template, imports=imports)
    assert stack.status == "IMPORT_COMPLETE"
    assert stack.events.statuses(stack.name) == ["IMPORT_IN_PROGRESS", "IMPORT_COMPLETE"]
    for logical_id, arn in imports.items():
        assert stack.events.statuses(logical_id) == ["IMPORT_IN_PROGRESS", "IMPORT_COMPLETE"]
        resource = stack.resources[logical_id]
        assert resource.physical_id == arn
        assert resource.deletion_policy == resource.update_replace_policy == "Retain"
        assert resource.properties == template.declared[logical_id]["Properties"]
    assert stack.resources["ChurnScorer"].model["Tags"] == [
        {"Key": "env", "Value": "prod"},
        {"Key": "team", "Value": "churn-squad"},
    ]
    assert stack.history["imported"] == 2
    assert stack.history["created"] == 0
    # an import READs and changes nothing
    assert not set(backend.operations()) & MUTATING, backend.operations()
    assert {arn: described(sagemaker, arn) for arn in (version, unversioned)} == before
    # READ by identifier only, in the importing stack's request
    reads = [r for r in stack.requests if r["action"] == "READ"]
    assert [r["requestData"]["resourceProperties"] for r in reads] == [
        {"ModelPackageArn": version},
        {"ModelPackageArn": unversioned},
    ]


def test_generated_template_imported_shows_no_drift_then_the_stack_retains_them(
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    tmp_path: Path,
) -> None:
    version, unversioned = register_every_property(sagemaker)
    template, imports = generated_for(env, logs, tmp_path, version, unversioned)
    assert stack.deploy(template, imports=imports)
    assert drift.detect(stack)
    assert [s for _, s, _ in stack.events.lines if s.startswith("DRIFT")] == [
        "DRIFT IN_SYNC",
        "DRIFT IN_SYNC",
    ]
    assert stack.delete()
    assert stack.events.statuses("ChurnScorer")[-1] == "DELETE_SKIPPED"
    assert stack.history["retained"] == 2
    for arn in (version, unversioned):
        assert described(sagemaker, arn)["ModelPackageStatus"] == "Completed"


def test_drift_after_import_shows_what_the_template_states_differently(
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    tmp_path: Path,
) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        InferenceSpecification=SPEC,
        ModelApprovalStatus="PendingManualApproval",
        CustomerMetadataProperties={"auc": "0.91"},
    )["ModelPackageArn"]
    generated_template = generated(env, logs, arn)
    properties = generated_template["Resources"]["AdoptedChurnVersion1"]["Properties"]
    properties["ModelApprovalStatus"] = "Approved"  # what the template claims, not the package
    properties["CustomerMetadataProperties"]["auc"] = "0.99"
    template = write(tmp_path, "1-import.json", generated_template)
    # CloudFormation does not compare during an import: it succeeds, and changes nothing
    assert stack.deploy(template, imports={"AdoptedChurnVersion1": arn})
    assert described(sagemaker, arn)["ModelApprovalStatus"] == "PendingManualApproval"
    assert not drift.detect(stack)
    ((_, status, reason),) = [e for e in stack.events.lines if e[1].startswith("DRIFT")]
    assert status == "DRIFT MODIFIED"
    assert (
        '/ModelApprovalStatus: NOT_EQUAL expected "Approved" actual "PendingManualApproval"'
        in reason
    )
    assert '/CustomerMetadataProperties/auc: NOT_EQUAL expected "0.99" actual "0.91"' in reason


def test_the_approval_is_an_ordinary_update_after_the_import(  # noqa: PLR0917 - fixtures
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    backend: BackendControl,
    tmp_path: Path,
) -> None:
    script.run(str(REGISTER), env, backend.url, io.StringIO())
    arns = [arn_of("churn-models", 1), arn_of("churn-models", 2)]
    template, imports = generated_for(env, logs, tmp_path, *arns)
    assert stack.deploy(template, imports=imports)
    approved = json.loads(json.dumps(template.body))
    version2 = approved["Resources"]["ChurnModelsVersion2"]["Properties"]
    version2.update(ModelApprovalStatus="Approved", ApprovalDescription="AUC 0.93 reviewed")
    backend.reset_calls()
    assert stack.deploy(write(tmp_path, "2-approve.json", approved))
    assert stack.status == "UPDATE_COMPLETE"
    statuses = stack.events.statuses("ChurnModelsVersion2")
    assert statuses[:3] == ["IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "UPDATE_IN_PROGRESS"]
    assert statuses[-1] == "UPDATE_COMPLETE"
    assert stack.events.statuses("ChurnModelsVersion1") == ["IMPORT_IN_PROGRESS", "IMPORT_COMPLETE"]
    assert stack.resources["ChurnModelsVersion2"].physical_id == arns[1]  # in place
    assert stack.history["updated in place"] == 1
    assert "CreateModelPackage" not in backend.operations()
    now = described(sagemaker, arns[1])
    assert (now["ModelApprovalStatus"], now["ApprovalDescription"]) == (
        "Approved",
        "AUC 0.93 reviewed",
    )
    assert described(sagemaker, arns[0])["ModelApprovalStatus"] == "PendingManualApproval"
    # the update's previous properties are the imported template's
    update = next(r for r in stack.requests if r["action"] == "UPDATE")
    previous = update["requestData"]["previousResourceProperties"]
    assert previous["ModelApprovalStatus"] == "PendingManualApproval"
    assert drift.detect(stack)


def test_an_imported_approval_goes_when_the_template_stops_granting_it(  # noqa: PLR0917
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    backend: BackendControl,
    tmp_path: Path,
) -> None:
    """Approved in Studio before the import: the generated template grants it, so the stack
    manages it from then on; an update that drops the line (and changes the life cycle in the
    same revision) returns it to PendingManualApproval in one UpdateModelPackage."""
    script.run(str(REGISTER), env, backend.url, io.StringIO())
    arn = arn_of("churn-models", 2)
    sagemaker.update_model_package(
        ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription="in Studio"
    )
    template, imports = generated_for(env, logs, tmp_path, arn)
    assert template.body["Resources"]["ChurnModelsVersion2"]["Properties"][
        "ModelApprovalStatus"
    ] == ("Approved")
    assert stack.deploy(template, imports=imports)
    dropped = json.loads(json.dumps(template.body))
    properties = dropped["Resources"]["ChurnModelsVersion2"]["Properties"]
    del properties["ModelApprovalStatus"], properties["ApprovalDescription"]
    properties["ModelLifeCycle"] = {"Stage": "Staging", "StageStatus": "InProgress"}
    backend.reset_calls()
    assert stack.deploy(write(tmp_path, "2-drop.json", dropped))
    assert stack.status == "UPDATE_COMPLETE"
    assert backend.operations().count("UpdateModelPackage") == 1
    now = described(sagemaker, arn)
    assert now["ModelApprovalStatus"] == "PendingManualApproval"
    assert not now.get("ApprovalDescription")
    assert now["ModelLifeCycle"] == properties["ModelLifeCycle"]
    assert drift.detect(stack)


def test_import_of_an_arn_that_does_not_exist_fails_and_changes_nothing(  # noqa: PLR0917 - fixtures
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    backend: BackendControl,
    tmp_path: Path,
) -> None:
    script.run(str(REGISTER), env, backend.url, io.StringIO())
    template, imports = generated_for(env, logs, tmp_path, arn_of("churn-models", 1))
    body = json.loads(json.dumps(template.body))
    missing = body["Resources"]["ChurnModelsVersion1"]
    body["Resources"]["ChurnModelsVersion9"] = missing  # same shape, a version nobody registered
    imports["ChurnModelsVersion9"] = arn_of("churn-models", 9)
    backend.reset_calls()
    assert not stack.deploy(write(tmp_path, "1-import.json", body), imports=imports)
    assert stack.status == "IMPORT_ROLLBACK_COMPLETE"
    assert stack.events.statuses(stack.name) == [
        "IMPORT_IN_PROGRESS",
        "IMPORT_ROLLBACK_IN_PROGRESS",
        "IMPORT_ROLLBACK_COMPLETE",
    ]
    assert stack.events.statuses("ChurnModelsVersion9") == ["IMPORT_IN_PROGRESS", "IMPORT_FAILED"]
    failed = next(reason for name, s, reason in stack.events.lines if s == "IMPORT_FAILED")
    assert "was not found" in failed
    assert "HandlerErrorCode: NotFound" in failed
    # the one imported before it is let go again, as it was
    assert stack.events.statuses("ChurnModelsVersion1") == [
        "IMPORT_IN_PROGRESS",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_IN_PROGRESS",
        "IMPORT_ROLLBACK_COMPLETE",
    ]
    assert stack.resources == {}
    assert stack.retained == []
    assert not set(backend.operations()) & MUTATING
    assert described(sagemaker, arn_of("churn-models", 1))["ModelPackageStatus"] == "Completed"
    assert stack.revisions[-1].reason.startswith("ChurnModelsVersion9 failed to import")


REFUSALS: list[tuple[str, Any, str]] = [
    (
        "a resource to create beside the import",
        lambda body: body["Resources"].update(
            Challenger={
                "Type": OURS,
                "Properties": {
                    "ModelPackageName": "challenger",
                    "InferenceSpecification": SPEC,
                },
            }
        ),
        "You have modified resources [Challenger] in your template that are not being imported. "
        "Update, create or delete operations cannot be executed during import operations.",
    ),
    (
        "no DeletionPolicy",
        lambda body: body["Resources"]["ChurnModelsVersion1"].pop("DeletionPolicy"),
        "The following resources to import [ChurnModelsVersion1] must have DeletionPolicy "
        "attribute specified in the template.",
    ),
    (
        "Outputs",
        lambda body: body.update(Outputs={"Arn": {"Value": {"Ref": "ChurnModelsVersion1"}}}),
        "As part of the import operation, you cannot modify or add [Outputs]",
    ),
    (
        "a resource to import the template lacks",
        lambda body: body["Resources"].update(Other=body["Resources"].pop("ChurnModelsVersion1")),
        "Resource to import ChurnModelsVersion1 is not in the template",
    ),
]


@pytest.mark.parametrize(
    ("change", "words"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_an_import_that_does_more_is_refused_before_anything_runs(  # noqa: PLR0917 - fixtures
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    backend: BackendControl,
    tmp_path: Path,
    change: Any,
    words: str,
) -> None:
    script.run(str(REGISTER), env, backend.url, io.StringIO())
    template, imports = generated_for(env, logs, tmp_path, arn_of("churn-models", 1))
    body = json.loads(json.dumps(template.body))
    change(body)
    backend.reset_calls()
    assert not stack.deploy(write(tmp_path, "1-import.json", body), imports=imports)
    assert set(stack.events.statuses(stack.name)) == {"VALIDATION_FAILED"}
    assert words in [reason for _, _, reason in stack.events.lines]
    assert stack.status == ""  # no stack operation started
    assert stack.invocations == 0
    assert backend.operations() == []


def test_an_import_into_a_stack_that_also_updates_its_resource_is_refused(  # noqa: PLR0917 - fixtures
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    backend: BackendControl,
    tmp_path: Path,
) -> None:
    script.run(str(REGISTER), env, backend.url, io.StringIO())
    template, imports = generated_for(env, logs, tmp_path, arn_of("churn-models", 1))
    assert stack.deploy(template, imports=imports)
    # a second import into the same stack: version 2, and version 1 approved at the same time
    second, more = generated_for(env, logs, tmp_path, arn_of("churn-models", 2))
    body = json.loads(json.dumps(second.body))
    body["Resources"].update(json.loads(json.dumps(template.body))["Resources"])
    body["Resources"]["ChurnModelsVersion1"]["Properties"]["ModelApprovalStatus"] = "Approved"
    backend.reset_calls()
    assert not stack.deploy(write(tmp_path, "2-import.json", body), imports=more)
    assert stack.events.statuses(stack.name)[-1] == "VALIDATION_FAILED"
    assert any(
        "You have modified resources [ChurnModelsVersion1]" in reason
        for _, _, reason in stack.events.lines
    )
    assert backend.operations() == []
    assert stack.status == "IMPORT_COMPLETE"
    # without the approval it is an import into the existing stack
    del body["Resources"]["ChurnModelsVersion1"]["Properties"]["ModelApprovalStatus"]
    body["Resources"]["ChurnModelsVersion1"]["Properties"]["ModelApprovalStatus"] = (
        "PendingManualApproval"
    )
    assert stack.deploy(write(tmp_path, "3-import.json", body), imports=more)
    assert stack.status == "IMPORT_COMPLETE"
    assert set(stack.resources) == {"ChurnModelsVersion1", "ChurnModelsVersion2"}
    # a package the stack already holds cannot be imported again, under any name
    again = json.loads(json.dumps(second.body))
    again["Resources"]["Twin"] = again["Resources"].pop("ChurnModelsVersion2")
    again["Resources"].update(json.loads(json.dumps(body))["Resources"])
    assert not stack.deploy(
        write(tmp_path, "4-import.json", again), imports={"Twin": arn_of("churn-models", 2)}
    )
    assert any(
        f"{arn_of('churn-models', 2)} already exists in stack {stack.id}" in reason
        for _, _, reason in stack.events.lines
    )


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (["ChurnModelsVersion1"], "--import takes LOGICAL_ID=ARN"),
        (["A=arn:aws:s3:::bucket"], "is not a model package ARN"),
        ([f"A={arn_of('a')}", f"A={arn_of('b')}"], "--import names A twice"),
    ],
)
def test_import_values_are_checked_before_anything(values: list[str], words: str) -> None:
    with pytest.raises(adopt.ImportRefused, match=words):
        adopt.imports_of(values)


def test_a_group_is_imported_with_its_versions_and_read_by_its_arn(  # noqa: PLR0917 - fixtures
    env: Environment,
    logs: HandlerLogs,
    stack: Stack,
    sagemaker: SageMakerClient,
    backend: BackendControl,
    tmp_path: Path,
) -> None:
    """CloudFormation imports AWS::SageMaker::ModelPackageGroup (its identifier is the ARN): the
    group is READ, nothing is changed in SageMaker, and the versions that Ref it resolve to it."""
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        InferenceSpecification={
            "Containers": [{"Image": IMAGE}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )
    template, imports = generated_for(env, logs, tmp_path, group_arn_of(GROUP))
    backend.reset_calls()

    assert stack.deploy(template, imports=imports), stack.events.lines

    assert stack.status == "IMPORT_COMPLETE"
    assert stack.resources["AdoptedChurn"].physical_id == group_arn_of(GROUP)
    assert stack.resources["AdoptedChurn"].model["ModelPackageGroupStatus"] == "Completed"
    assert stack.resources["AdoptedChurnVersion1"].properties["ModelPackageGroupName"] == (
        group_arn_of(GROUP)
    )
    assert not MUTATING & {c["operation"] for c in backend.calls()}
    assert drift.detect(stack)  # the version's group, an ARN in the template, is in sync
    assert stack.delete()


def test_an_identifier_of_the_wrong_kind_is_refused(
    env: Environment, stack: Stack, tmp_path: Path
) -> None:
    body = {
        "Resources": {
            "Models": {
                "Type": "AWS::SageMaker::ModelPackageGroup",
                "DeletionPolicy": "Retain",
                "Properties": {"ModelPackageGroupName": "churn"},
            }
        }
    }
    assert not stack.deploy(write(tmp_path, "1.json", body), imports={"Models": arn_of("churn")})
    assert any(
        f"Resource to import Models: {arn_of('churn')} is not a model package group ARN" in reason
        for _, _, reason in stack.events.lines
    )


# ---------------------------------------------------------------- the command line


def generate_after_register(
    capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    """`--before register_versions.py --generate ...` on the command line: (status, out, err)."""
    code = driver_main(["--before", str(REGISTER), "--generate", *arguments])
    out, err = capsys.readouterr()
    return code, out, err


def import_hint(*flags: str) -> str:
    """The last line --generate prints: the rehearsal that imports, --before repeated (locally
    the packages exist only once the script ran)."""
    return f"Import locally: modelpackage-rehearse FOLDER --before {REGISTER} {' '.join(flags)}\n"


def test_generate_on_the_command_line_after_a_registration_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = tmp_path / "resources.json"
    code, out, err = generate_after_register(
        capsys,
        group_arn_of("churn-models"),
        "--resources-to-import",
        str(resources),
        "--log-file",
        str(tmp_path / "log"),
    )
    assert code == 0, err
    assert out == (EXAMPLE / "1-import.yaml").read_text()  # stdout is the template alone
    assert "  | registered" in err
    assert json.loads(resources.read_text()) == [
        to_import(
            GROUP_TYPE, "ChurnModels", {"ModelPackageGroupArn": group_arn_of("churn-models")}
        ),
        *(
            to_import(
                OURS, f"ChurnModelsVersion{n}", {"ModelPackageArn": arn_of("churn-models", n)}
            )
            for n in (1, 2)
        ),
    ]
    assert err.endswith(import_hint("--import-file", str(resources)))


def test_the_import_hint_names_every_import_without_a_resources_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = generate_after_register(capsys, arn_of("churn-models", 1))
    assert code == 0, err
    assert err.endswith(import_hint(f"--import ChurnModelsVersion1={arn_of('churn-models', 1)}"))


def test_import_file_takes_what_create_change_set_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = tmp_path / "resources.json"
    group = group_arn_of("churn-models")
    assert generate_after_register(capsys, group, "--resources-to-import", str(resources))[0] == 0

    code = driver_main([str(EXAMPLE), "--validate", "--import-file", str(resources)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert re.search(rf"ChurnModels +import \({re.escape(group)}\)", out)
    assert re.search(
        rf"ChurnModelsVersion2 +import \({re.escape(arn_of('churn-models', 2))}\)", out
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{", "not JSON"),
        ("[]", "expected a list"),
        ('[{"LogicalResourceId": "A"}]', "entry 1 has ['LogicalResourceId']: it needs exactly"),
        (
            json.dumps([to_import("AWS::S3::Bucket", "A", {"BucketName": "b"})]),
            "entry 1 (A): importing AWS::S3::Bucket is not supported locally",
        ),
        (
            json.dumps([to_import(OURS, "ChurnModelsVersion1", {"Arn": "x"})]),
            'ResourceIdentifier of MLOps::SageMaker::ModelPackage is {"ModelPackageArn": "..."}',
        ),
        (
            json.dumps(
                [
                    to_import(
                        GROUP_TYPE,
                        "ChurnModelsVersion1",
                        {"ModelPackageGroupArn": group_arn_of("churn-models")},
                    )
                ]
            ),
            f"ChurnModelsVersion1 is {GROUP_TYPE} in the file and {OURS} in the template",
        ),
    ],
)
def test_an_import_file_that_is_not_one_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    resources = tmp_path / "resources.json"
    resources.write_text(content)

    code = driver_main([str(EXAMPLE), "--validate", "--import-file", str(resources)])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert words in line


def test_a_resources_file_that_cannot_be_written_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for where in (tmp_path / "missing" / "resources.json", tmp_path):
        code = driver_main(["--generate", arn_of("churn", 1), "--resources-to-import", str(where)])
        out, err = capsys.readouterr()
        assert code == 2, err
        assert out == ""
        assert f"--resources-to-import: cannot write {where}" in err
        assert "Traceback" not in err


def test_generate_of_what_the_embedded_sagemaker_lacks_fails_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = driver_main(["--generate", arn_of("churn", 1), "--log-file", str(tmp_path / "log")])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "NotFound" in err
    assert "the embedded SageMaker holds what --before registered" in err


def test_a_failed_import_stops_the_later_revisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "adopt"
    folder.mkdir()
    for name in ("1-import.yaml", "2-approve.yaml"):
        (folder / name).write_text((EXAMPLE / name).read_text())
    code = driver_main(
        [
            str(folder),
            "--fast",
            "--log-file",
            str(tmp_path / "log"),
            "--import",
            f"ChurnModels={group_arn_of('churn-models')}",
            "--import",
            f"ChurnModelsVersion1={arn_of('churn-models', 1)}",
            "--import",
            f"ChurnModelsVersion2={arn_of('churn-models', 2)}",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 1  # the embedded SageMaker starts empty, whatever tests ran before
    assert "IMPORT_FAILED" in out
    assert "later revisions not applied: the import failed" in out
    assert "2-approve.yaml" not in out
    assert "CREATE_IN_PROGRESS" not in out
    assert "final status DELETE_COMPLETE" in out


def test_validate_shows_the_import_change_set(capsys: pytest.CaptureFixture[str]) -> None:
    code = driver_main(
        [
            str(EXAMPLE),
            "--validate",
            "--import",
            f"ChurnModels={group_arn_of('churn-models')}",
            "--import",
            f"ChurnModelsVersion1={arn_of('churn-models', 1)}",
            "--import",
            f"ChurnModelsVersion2={arn_of('churn-models', 2)}",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0, out
    assert re.search(
        rf"ChurnModelsVersion1 +import \({re.escape(arn_of('churn-models', 1))}\)", out
    )
    assert re.search(r"ChurnModelsVersion2 +update in place: ApprovalDescription", out)
    assert re.search(r"ChurnModelsVersion1 +retain", out)


def test_command_line_refuses_what_cannot_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert driver_main(["--import", "X"]) == 2
    assert "give templates" in capsys.readouterr().err
    assert driver_main([str(EXAMPLE), "--import", "X"]) == 2
    assert "--import takes LOGICAL_ID=ARN" in capsys.readouterr().err
    assert driver_main([str(EXAMPLE), "--generate", arn_of("a")]) == 2
    assert "give ARNs, not templates" in capsys.readouterr().err
    # --import with --generate would be silently ignored: the import needs the templates
    assert driver_main(["--generate", arn_of("a"), "--import", f"A={arn_of('a')}"]) == 2
    assert "--import goes with templates" in capsys.readouterr().err


def test_generate_with_aws_reads_your_account_and_says_it_only_reads(
    backend_url: str,
    sagemaker: SageMakerClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--aws: your credentials and region (here moto's STS and SageMaker stand in for them)."""
    version, _ = register_every_property(sagemaker)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["accessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secretAccessKey"])
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", backend_url)
    code = driver_main(["--aws", "--generate", version, "--log-file", str(tmp_path / "log")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "--generate only reads packages" in err
    assert "Real model packages are created" not in err
    assert load_yaml(out)["Resources"]["AdoptedChurnVersion1"]["DeletionPolicy"] == "Retain"
