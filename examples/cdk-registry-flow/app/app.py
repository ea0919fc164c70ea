"""A CDK app: a model package group and a version of it, approved by a context value.

    cdk synth -c approval=Approved          # with the CDK CLI, from this folder (cdk.json)
    CDK_OUTDIR=cdk.out CDK_CONTEXT_JSON='{"approval": "Approved"}' python app.py
                                            # the same without it, as the CLI runs the app
    python app.py --revisions ..            # writes ../1-register.yaml and ../2-approve.yaml

The revisions are what `cdk synth` makes with `approval` unset (PendingManualApproval) and
`approval=Approved`; `make test` synthesizes them again, fails if the committed ones differ, lints
them and runs them through the local driver with `--drift` (examples/ are run as every example).
Synthesizing needs only `pip install "./cdk[node]"`; `--revisions` (this repository's tooling)
also needs cfn-flip, for CloudFormation's YAML.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk
from aws_cdk import aws_sagemaker
from mlops_sagemaker_modelpackage_cdk import CfnModelPackage

STACK = "demo-cdk-registry-flow"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/xgboost-inference:1.7-1-cpu-py3"
REVISIONS = {
    "1-register.yaml": {},
    "2-approve.yaml": {"approval": "Approved"},
}


class RegistryStack(aws_cdk.Stack):
    def __init__(self, scope: aws_cdk.App, stack_id: str) -> None:
        # No bootstrap rule or asset parameters: the template is deployable as it is.
        super().__init__(
            scope,
            stack_id,
            synthesizer=aws_cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
        )
        approval = self.node.try_get_context("approval") or "PendingManualApproval"

        group = aws_sagemaker.CfnModelPackageGroup(
            self,
            "ChurnModels",
            model_package_group_name=aws_cdk.Fn.sub("${AWS::StackName}-churn"),
            model_package_group_description="Churn classifiers",
        )
        # The registry outlives the stack, as in examples/registry-flow.
        group.apply_removal_policy(aws_cdk.RemovalPolicy.RETAIN)

        version = CfnModelPackage(
            self,
            "ChurnModelVersion",
            model_package_group_name=group.ref,  # a Ref token
            model_package_description="XGBoost churn classifier trained on the October snapshot",
            model_approval_status=approval,
            approval_description="Offline AUC 0.91 reviewed" if approval == "Approved" else None,
            inference_specification=CfnModelPackage.InferenceSpecificationProperty(
                containers=[
                    CfnModelPackage.ModelPackageContainerDefinitionProperty(
                        image=IMAGE,
                        model_data_url="s3://mlops-demo-models/churn/2026-11-01/model.tar.gz",
                        framework="XGBOOST",
                        framework_version="1.7",
                    )
                ],
                supported_content_types=["text/csv"],
                supported_response_mime_types=["text/csv"],
            ),
            customer_metadata_properties={
                "training-job": "churn-xgb-2026-11-01",
                "stack": aws_cdk.Aws.STACK_NAME,  # a Ref token inside a map
            },
            # A property AWS's CfnModelPackage does not have.
            model_life_cycle=CfnModelPackage.ModelLifeCycleProperty(
                stage="Staging" if approval == "Approved" else "Development",
                stage_status="Approved" if approval == "Approved" else "InProgress",
            ),
        )
        aws_cdk.CfnOutput(self, "ModelPackageArn", value=version.ref)
        aws_cdk.CfnOutput(
            self, "Version", value=aws_cdk.Token.as_string(version.attr_model_package_version)
        )


def synthesize(context: dict[str, str], outdir: str | None = None) -> dict[str, Any]:
    """The stack's template for `context` (as `cdk synth -c key=value` gives it)."""
    app = aws_cdk.App(
        outdir=outdir or tempfile.mkdtemp(prefix="cdk.out."),
        context={"aws:cdk:enable-path-metadata": False, **context},
        analytics_reporting=False,
    )
    RegistryStack(app, STACK)
    template: dict[str, Any] = app.synth().get_stack_by_name(STACK).template
    return template


def revisions() -> dict[str, str]:
    """File name -> YAML of each revision."""
    from cfn_flip import dump_yaml  # noqa: PLC0415 - only this repository's tooling needs it

    return {name: dump_yaml(synthesize(context)) for name, context in REVISIONS.items()}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--revisions"]:
        folder = Path(argv[1] if len(argv) > 1 else Path(__file__).parent.parent)
        for name, text in revisions().items():
            (folder / name).write_text(text)
            print(f"wrote {folder / name}")
        return 0
    app = aws_cdk.App()  # the CDK CLI's way: context from -c, output to its cdk.out
    RegistryStack(app, STACK)
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
