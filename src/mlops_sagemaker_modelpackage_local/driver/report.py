"""What the driver tells a user about a stack: where each model package stands, the outputs,
and the summary at the end of a run."""

from __future__ import annotations

import json
from typing import Any

from .changes import ChangeSet
from .intrinsics import references
from .state import StackState
from .supported import OUR_TYPE


def describe(state: StackState) -> list[str]:
    """One line per model package of the stack: where it stands now."""
    lines = []
    for resource in state.resources.values():
        if resource.type != OUR_TYPE:
            continue
        model = resource.model
        details = [str(model.get("ModelPackageStatus", "?"))]
        if "ModelApprovalStatus" in model:
            details.append(str(model["ModelApprovalStatus"]))
        if model.get("Tags"):
            details.append("tags " + ",".join(f"{t['Key']}={t['Value']}" for t in model["Tags"]))
        specs = [s["Name"] for s in model.get("AdditionalInferenceSpecifications", [])]
        if specs:
            details.append("additional specifications " + ",".join(specs))
        lines.append(f"{resource.logical_id} {resource.physical_id} ({'; '.join(details)})")
    return lines


def output_lines(outputs: dict[str, dict[str, Any]]) -> list[str]:
    """`output Name = value (export ExportName)`, one per output."""
    lines = []
    for name, output in outputs.items():
        value = output["Value"]
        shown = value if isinstance(value, str) else json.dumps(value)
        export = output.get("Export")
        lines.append(f"output {name} = {shown}" + (f" (export {export})" if export else ""))
    return lines


def planned_output_lines(change_set: ChangeSet) -> list[str]:
    """`--validate`'s outputs: the value where the template alone decides it; where it comes
    from a resource, which one (nothing exists to read: a value would be invented)."""
    if change_set.bindings is None:
        return output_lines(change_set.outputs)
    template = change_set.bindings.template
    specs = template.body.get("Outputs") or {}
    shown: dict[str, dict[str, Any]] = {}
    for name, output in change_set.outputs.items():
        resources = sorted(references(specs[name]["Value"]) & set(template.declared))
        value = f"(known once deployed: from {', '.join(resources)})" if resources else None
        shown[name] = {**output, "Value": output["Value"] if value is None else value}
    return output_lines(shown)
