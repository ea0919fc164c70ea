"""Lambda entry points of MLOps::SageMaker::ModelPackage (names fixed by .rpdk-config)."""

from cloudformation_cli_python_lib.resource import Resource

from .models import ResourceModel

TYPE_NAME = "MLOps::SageMaker::ModelPackage"

resource = Resource(TYPE_NAME, ResourceModel)
test_entrypoint = resource.test_entrypoint
