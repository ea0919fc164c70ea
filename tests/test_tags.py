"""Tags of unversioned packages (tags.py): stack-level and resource tags merged, only needed
calls, and a reserved `aws:` key refused before any call."""

from __future__ import annotations

import pytest

from mlops_sagemaker_modelpackage import tags
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl
from tests.support.cfn import invoke
from tests.support.models import unversioned


def test_resource_tags_override_stack_tags_and_reserved_keys_are_never_sent() -> None:
    merged = tags.effective_tags(
        [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "ml"}],
        {"env": "dev", "cost-center": "42", "aws:cloudformation:stack-name": "s"},
    )
    assert merged == {"env": "prod", "team": "ml", "cost-center": "42"}


def test_tag_lists_are_sorted_by_key() -> None:
    assert tags.as_tag_list({"b": "2", "a": "1"}) == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "2"},
    ]


@pytest.mark.usefixtures("clock")
@pytest.mark.defect(5)
def test_a_reserved_tag_key_is_refused_before_any_call(backend: BackendControl) -> None:
    backend.reset_calls()
    event = invoke("CREATE", unversioned(Tags=[{"Key": "aws:owner", "Value": "me"}]))
    assert event["errorCode"] == "InvalidRequest"
    assert "'aws:owner'" in event["message"]
    assert backend.operations() == []
