"""The local driver plays CloudFormation: rollback paths, request shapes, checks, policies.

Every test deploys templates through the driver (mlops_sagemaker_modelpackage_local.driver)
against the backend and asserts on
SageMaker's state read back (and on what the handlers were sent), not only on printed events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------- templates and state


# ---------------------------------------------------------------- rollback paths


# ---------------------------------------------------------------- request shapes


# ---------------------------------------------------------------- checks before handlers


# ---------------------------------------------------------------- policies and conditions


# ---------------------------------------------------------------- the command


# ---------------------------------------------------------------- --validate


# ---------------------------------------------------------------- --drift


# ---------------------------------------------------------------- issue 17: as CloudFormation does


# ---------------------------------------------------------------- issue 16: what a user reads


# ---------------------------------------------------------------- the driver's shape
