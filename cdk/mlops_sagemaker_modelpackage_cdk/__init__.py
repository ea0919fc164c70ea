"""Typed CDK L1 construct for the private CloudFormation type MLOps::SageMaker::ModelPackage.

A drop-in for ``aws_cdk.aws_sagemaker.CfnModelPackage``: change
``from aws_cdk.aws_sagemaker import CfnModelPackage`` to
``from mlops_sagemaker_modelpackage_cdk import CfnModelPackage`` and the same keyword arguments,
nested ``CfnModelPackage....Property`` classes, ``ref`` and ``attr_...`` work, with the type's
newer properties (``model_life_cycle``, ``model_package_registration_type``,
``managed_storage_type``, ...) beside them. Generated from the type's schema
(``tools/generate_companions.py``).
"""

from __future__ import annotations

from mlops_sagemaker_modelpackage_cdk._generated import CfnModelPackage, CfnModelPackageProps

__all__ = ["CfnModelPackage", "CfnModelPackageProps"]
