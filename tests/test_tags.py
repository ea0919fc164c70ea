"""Tags of unversioned packages: stack-level and resource tags merged, only needed calls."""

from __future__ import annotations

from mlops_sagemaker_modelpackage import tags


def test_resource_tags_override_stack_tags_and_reserved_keys_are_never_sent() -> None:
    merged = tags.effective_tags(
        [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "ml"}],
        {"env": "dev", "cost-center": "42", "aws:cloudformation:stack-name": "s"},
    )
    assert merged == {"env": "prod", "team": "ml", "cost-center": "42"}


def test_a_changed_value_is_overwritten_not_removed_and_added() -> None:
    delta = tags.TagDelta.between({"a": "1", "b": "2"}, {"a": "9", "c": "3"})
    assert delta.to_set == {"a": "9", "c": "3"}
    assert delta.to_remove == ["b"]
    assert not tags.TagDelta.between({"a": "1"}, {"a": "1"})


def test_tag_lists_are_sorted_by_key() -> None:
    assert tags.as_tag_list({"b": "2", "a": "1"}) == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "2"},
    ]
