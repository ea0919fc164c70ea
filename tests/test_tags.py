"""Tags of unversioned packages: stack-level and resource tags merged, only needed calls."""

from __future__ import annotations

from mlops_sagemaker_modelpackage import tags


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
