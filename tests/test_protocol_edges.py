"""Protocol edges a new user meets, through the real entry point against the local backend:
a replayed create that meets a conflict, an invocation short of time, the failure counter after
a success, callback contexts the handler cannot use, identifiers that are not ARNs, a paging
token SageMaker refuses, and a name whose package is still being deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import invoke

if TYPE_CHECKING:
    pass


# ------------------------------------------------------------------ 2: a replayed create


# ------------------------------------------------------------------ 3: short of time


# ------------------------------------------------------------------ 4: the failure counter


# ------------------------------------------------------------------ 5: unusable contexts


# ------------------------------------------------------------------ 6: identifiers


def test_a_paging_token_sagemaker_refuses_is_invalid_request(backend: BackendControl) -> None:
    event = invoke("LIST", {}, next_token="garbage")
    assert event["status"] == "FAILED"
    assert event["errorCode"] == "InvalidRequest"


# ------------------------------------------------------------------ 7: a name being deleted
