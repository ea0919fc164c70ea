"""AWS::SageMaker::ModelPackageGroup in moto's CloudFormation, so `test/setup.yml` deploys here.

moto 5.2.5 has model package groups but cannot create them from a template. With this class
the same prerequisite stack works against the backend and against real AWS: Ref gives the
group's ARN, as CloudFormation does.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sagemaker.models import sagemaker_backends

from .packages import backend_for


class StackModelPackageGroup(CloudFormationModel):
    def __init__(self, name: str, arn: str) -> None:
        self.name = name
        self.arn = arn

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ModelPackageGroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::ModelPackageGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("ModelPackageGroupArn", "ModelPackageGroupName")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.arn if attribute_name == "ModelPackageGroupArn" else self.name

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> StackModelPackageGroup:
        properties = cloudformation_json.get("Properties", {})
        name = properties.get("ModelPackageGroupName", resource_name)
        arn = sagemaker_backends[account_id][region_name].create_model_package_group(
            model_package_group_name=name,
            model_package_group_description=properties.get("ModelPackageGroupDescription", ""),
            tags=properties.get("Tags", []),
        )
        return cls(name, arn)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        """SageMaker's DeleteModelPackageGroup: refused while the group has versions."""
        backend_for(account_id, region_name).delete_model_package_group(resource_name)
