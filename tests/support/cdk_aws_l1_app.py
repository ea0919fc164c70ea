"""A CDK stack written for AWS's `aws_cdk.aws_sagemaker.CfnModelPackage`, every keyword argument
and every field of every nested `...Property` class set (tests/test_cdk.py checks that it is
every one). tests/test_cdk.py runs this source twice: as it is, and with the import line swapped
for `from mlops_sagemaker_modelpackage_cdk import CfnModelPackage`.
"""

from __future__ import annotations

import aws_cdk
from aws_cdk.aws_sagemaker import CfnModelPackage

IMPORT_LINE = "from aws_cdk.aws_sagemaker import CfnModelPackage"


def build(stack: aws_cdk.Stack, group_name: str) -> CfnModelPackage:
    s3 = "s3://models/churn"
    container = CfnModelPackage.ModelPackageContainerDefinitionProperty(
        image="123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1",
        container_hostname="churn",
        environment={"MODE": "fast"},
        framework="XGBOOST",
        framework_version="1.7",
        image_digest="sha256:" + "0" * 64,
        model_data_source=CfnModelPackage.ModelDataSourceProperty(
            s3_data_source=CfnModelPackage.S3ModelDataSourceProperty(
                compression_type="None",
                s3_data_type="S3Prefix",
                s3_uri=f"{s3}/model/",
                model_access_config=CfnModelPackage.ModelAccessConfigProperty(accept_eula=True),
            )
        ),
        model_data_url=f"{s3}/model.tar.gz",
        model_input=CfnModelPackage.ModelInputProperty(data_input_config='{"x": [1, 2]}'),
        nearest_model_name="xgboost",
    )
    metrics = CfnModelPackage.MetricsSourceProperty(
        content_type="application/json", s3_uri=f"{s3}/metrics.json", content_digest="d1"
    )
    files = CfnModelPackage.FileSourceProperty(
        s3_uri=f"{s3}/baseline.json", content_digest="d2", content_type="application/json"
    )
    specification = CfnModelPackage.AdditionalInferenceSpecificationDefinitionProperty(
        containers=[container],
        name="inferentia2",
        description="Neuron build",
        supported_content_types=["text/csv"],
        supported_realtime_inference_instance_types=["ml.inf2.xlarge"],
        supported_response_mime_types=["text/csv"],
        supported_transform_instance_types=["ml.inf2.xlarge"],
    )
    return CfnModelPackage(
        stack,
        "Version",
        additional_inference_specifications=[specification],
        additional_inference_specifications_to_add=[
            {"containers": [container], "name": "graviton", "description": "as a dict"}
        ],
        approval_description="reviewed",
        certify_for_marketplace=False,
        client_token="token-1",
        customer_metadata_properties={"auc": "0.91", "stack": aws_cdk.Aws.STACK_NAME},
        domain="MACHINE_LEARNING",
        drift_check_baselines=CfnModelPackage.DriftCheckBaselinesProperty(
            bias=CfnModelPackage.DriftCheckBiasProperty(
                config_file=files,
                post_training_constraints=metrics,
                pre_training_constraints=metrics,
            ),
            explainability=CfnModelPackage.DriftCheckExplainabilityProperty(
                config_file=files, constraints=metrics
            ),
            model_data_quality=CfnModelPackage.DriftCheckModelDataQualityProperty(
                constraints=metrics, statistics=metrics
            ),
            model_quality=CfnModelPackage.DriftCheckModelQualityProperty(
                constraints=metrics, statistics=metrics
            ),
        ),
        inference_specification=CfnModelPackage.InferenceSpecificationProperty(
            containers=[container],
            supported_content_types=["text/csv"],
            supported_response_mime_types=["text/csv"],
            supported_realtime_inference_instance_types=["ml.m5.large"],
            supported_transform_instance_types=["ml.m5.xlarge"],
        ),
        last_modified_time="2026-11-01T00:00:00Z",
        metadata_properties=CfnModelPackage.MetadataPropertiesProperty(
            commit_id="abc123", generated_by="pipeline", project_id="p-1", repository="repo"
        ),
        model_approval_status="PendingManualApproval",
        model_card=CfnModelPackage.ModelCardProperty(
            model_card_content='{"model_overview": {}}', model_card_status="Draft"
        ),
        model_metrics=CfnModelPackage.ModelMetricsProperty(
            bias=CfnModelPackage.BiasProperty(
                post_training_report=metrics, pre_training_report=metrics, report=metrics
            ),
            explainability=CfnModelPackage.ExplainabilityProperty(report=metrics),
            model_data_quality=CfnModelPackage.ModelDataQualityProperty(
                constraints=metrics, statistics=metrics
            ),
            model_quality=CfnModelPackage.ModelQualityProperty(
                constraints=metrics, statistics=metrics
            ),
        ),
        model_package_description="churn classifier",
        model_package_group_name=group_name,
        model_package_name="churn",
        model_package_status_details=CfnModelPackage.ModelPackageStatusDetailsProperty(
            validation_statuses=[
                CfnModelPackage.ModelPackageStatusItemProperty(
                    name="profile", status="Completed", failure_reason="none"
                )
            ]
        ),
        model_package_version=1,
        sample_payload_url=f"{s3}/payload.tar.gz",
        security_config=CfnModelPackage.SecurityConfigProperty(kms_key_id="alias/models"),
        skip_model_validation="None",
        source_algorithm_specification=CfnModelPackage.SourceAlgorithmSpecificationProperty(
            source_algorithms=[
                CfnModelPackage.SourceAlgorithmProperty(
                    algorithm_name="xgboost", model_data_url=f"{s3}/algo.tar.gz"
                )
            ]
        ),
        source_uri=f"{s3}/source",
        tags=[aws_cdk.CfnTag(key="team", value="churn"), aws_cdk.CfnTag(key="env", value="dev")],
        task="CLASSIFICATION",
        validation_specification=CfnModelPackage.ValidationSpecificationProperty(
            validation_profiles=[
                CfnModelPackage.ValidationProfileProperty(
                    profile_name="profile",
                    transform_job_definition=CfnModelPackage.TransformJobDefinitionProperty(
                        transform_input=CfnModelPackage.TransformInputProperty(
                            data_source=CfnModelPackage.DataSourceProperty(
                                s3_data_source=CfnModelPackage.S3DataSourceProperty(
                                    s3_data_type="S3Prefix", s3_uri=f"{s3}/validation/"
                                )
                            ),
                            compression_type="None",
                            content_type="text/csv",
                            split_type="Line",
                        ),
                        transform_output=CfnModelPackage.TransformOutputProperty(
                            s3_output_path=f"{s3}/validation-out/",
                            accept="text/csv",
                            assemble_with="Line",
                            kms_key_id="alias/models",
                        ),
                        transform_resources=CfnModelPackage.TransformResourcesProperty(
                            instance_count=1,
                            instance_type="ml.m5.xlarge",
                            volume_kms_key_id="alias/models",
                        ),
                        batch_strategy="MultiRecord",
                        environment={"BATCH": "1"},
                        max_concurrent_transforms=2,
                        max_payload_in_mb=6,
                    ),
                )
            ],
            validation_role="arn:aws:iam::123456789012:role/validation",
        ),
    )
