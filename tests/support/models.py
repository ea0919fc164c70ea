"""Builders for resource models (the properties a template would carry)."""

from __future__ import annotations

import copy
from typing import Any

from mlops_sagemaker_modelpackage.json_types import Json

# Put into ModelCardContent by tests; it must never appear in a log line.
MODEL_CARD_SECRET = "model-card-content-3f9a1c-never-logged"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-cpu-py310"


def inference_specification(**overrides: Any) -> Json:
    spec: Json = {
        "Containers": [
            {
                "Image": IMAGE,
                "ModelDataUrl": "s3://models-bucket/churn/model.tar.gz",
                "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
                "Framework": "PYTORCH",
                "FrameworkVersion": "2.1",
            }
        ],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.xlarge"],
        "SupportedTransformInstanceTypes": ["ml.m5.xlarge"],
    }
    spec.update(overrides)
    return spec


def additional_spec(name: str, image: str = IMAGE + "-neuron") -> Json:
    return {
        "Name": name,
        "Description": f"{name} build",
        "Containers": [{"Image": image}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }


def unversioned(name: str | None = "churn-model", **extra: Any) -> Json:
    model: Json = {"InferenceSpecification": inference_specification()}
    if name:
        model["ModelPackageName"] = name
    model.update(copy.deepcopy(extra))
    return model


def versioned(group: str = "churn-models", **extra: Any) -> Json:
    model: Json = {
        "ModelPackageGroupName": group,
        "ModelPackageDescription": "churn classifier",
        "InferenceSpecification": inference_specification(),
    }
    model.update(copy.deepcopy(extra))
    return model
