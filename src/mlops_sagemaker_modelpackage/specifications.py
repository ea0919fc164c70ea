"""Inference specifications by name: what SageMaker derives in them by itself, and which of the
specifications a template wants are not on the package yet (SageMaker only appends). No I/O."""

from __future__ import annotations

from typing import Any

from cloudformation_cli_python_lib import exceptions

from .json_types import Json

MAX_ADDITIONAL_SPECIFICATIONS = 15
# Values SageMaker derives by itself from what the caller named (the image's digest, the data's
# ETag). Read never returns them, whatever it is given, so they never show up as drift.
SERVER_FILLED_KEYS = frozenset({"ImageDigest", "ModelDataETag", "ETag", "ManifestEtag"})


def without_server_filled(value: Any) -> Any:
    """`value` without the keys SageMaker derives by itself, at any depth."""
    if isinstance(value, dict):
        return {
            k: without_server_filled(v) for k, v in value.items() if k not in SERVER_FILLED_KEYS
        }
    if isinstance(value, list):
        return [without_server_filled(v) for v in value]
    return value


def specs_by_name(specs: list[Json], where: str) -> dict[str, Json]:
    by_name: dict[str, Json] = {}
    for spec in specs:
        name = spec.get("Name", "")
        if name in by_name and by_name[name] != spec:
            raise exceptions.InvalidRequest(
                f"{where} has two different specifications named '{name}'; names are unique."
            )
        by_name[name] = spec
    return by_name


def specs_to_add(existing: list[Json], wanted: list[Json]) -> list[Json]:
    """The specifications of `wanted` whose names are not in `existing`, in order.

    A wanted specification under a name that exists with different content cannot be applied
    (SageMaker only appends) and is rejected; the same content again is simply skipped.
    """
    present = specs_by_name(existing, "the package's additional inference specifications")
    new: list[Json] = []
    for name, spec in specs_by_name(wanted, "AdditionalInferenceSpecificationsToAdd").items():
        if name not in present:
            new.append(spec)
        elif not same_spec(present[name], spec):
            raise exceptions.InvalidRequest(
                f"The package already has an additional inference specification named '{name}' "
                "with different content. SageMaker cannot change or remove one: add it under a "
                "new name."
            )
    total = len(existing) + len(new)
    if total > MAX_ADDITIONAL_SPECIFICATIONS:
        raise exceptions.InvalidRequest(
            f"A package holds at most {MAX_ADDITIONAL_SPECIFICATIONS} additional inference "
            f"specifications; this would make {total}."
        )
    return new


def same_spec(current: Json, wanted: Json) -> bool:
    """Equal on what the user wrote; values the service derives (digests, ETags) are ignored."""
    return bool(without_server_filled(current) == without_server_filled(wanted))
