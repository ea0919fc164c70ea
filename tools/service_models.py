"""Service models cut to what the shipped code calls, found from the code, and checked.

botocore parses a service's whole model when a client is made: SageMaker's has 425 operations and
3,200 shapes, for the eight operations the handlers call. `make package` therefore ships each
model in REDUCED cut to the operations the shipped code uses and the shapes they reach, made
from the model the package itself carries (the pinned botocore), so it can never be older than
the code.

Which operations: `scan` reads the shipped sources (SCANNED) with `ast`, not a list kept by hand.
Any attribute named like one of the service's client methods counts (`client.describe_x(...)`,
a bound `client.describe_x`, `getattr(client, "describe_x")`), unless it is read from a name an
import binds (clients are made per invocation, never imported) or a compiled regex
(`PATTERN.search` is not SageMaker's Search); so do the names given to `get_paginator`,
`can_paginate`, `get_waiter` and `_make_api_call`. What the scan cannot resolve fails the build:
a computed name given to one of those or to `getattr` (of anything but an imported name), or
reading the service model itself (`meta.service_model`, `method_to_api_mapping`).

`check` then proves the model that ships serves that use: every operation, paginator and waiter
the code names is there, botocore resolves every shape each operation reaches, each kept
operation and shape is identical to the pinned one, every error shape is kept (so
`client.exceptions` is unchanged), and paginators and waiters name only kept operations.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from botocore import xform_name
from botocore.model import ServiceModel as BotocoreServiceModel
from botocore.model import Shape

from mlops_sagemaker_modelpackage.json_types import Json

# Service -> who calls it. Each is cut to what SCANNED code calls; others ship whole or not at all.
REDUCED = {
    "sagemaker": "the handlers",
    "logs": "the python lib's log delivery",
    "cloudwatch": "the python lib's metrics",
}
# The shipped packages whose calls are scanned (our handlers, and the lib that publishes logs
# and metrics). botocore's own calls (STS, in credential providers) are not: STS ships whole.
SCANNED = ("mlops_sagemaker_modelpackage", "cloudformation_cli_python_lib")
DYNAMIC_NAMES = {"get_paginator", "can_paginate", "get_waiter", "_make_api_call"}
MODEL_READERS = {"service_model", "method_to_api_mapping", "operation_names"}


@dataclass
class Usage:
    """What scanned code names: attribute names, and the names given to paginators, waiters and
    `_make_api_call`, each with where it is (path:line); and what could not be resolved."""

    attributes: dict[str, list[str]] = field(default_factory=dict)
    paginators: dict[str, list[str]] = field(default_factory=dict)
    waiters: dict[str, list[str]] = field(default_factory=dict)
    api_calls: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, table: dict[str, list[str]], name: str, where: str) -> None:
        table.setdefault(name, []).append(where)


def _not_clients(tree: ast.Module) -> set[str]:
    """Names in a module that are bound by an import or to a compiled regex, hence no client
    (clients are made per invocation, never imported)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) in ("re.compile", "regex.compile")
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _constant(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _attribute(node: ast.Attribute, skipped: set[str], where: str, usage: Usage) -> None:
    receiver = node.value
    if isinstance(receiver, ast.Name) and receiver.id in skipped:
        return
    usage.add(usage.attributes, node.attr, where)
    if node.attr in MODEL_READERS:
        usage.problems.append(
            f"{where}: reads the service model ({ast.unparse(node)}); the operations it needs "
            "cannot be found from the code"
        )


def _call(node: ast.Call, skipped: set[str], where: str, usage: Usage) -> None:
    function = node.func
    if isinstance(function, ast.Name) and function.id == "getattr" and len(node.args) >= 2:
        receiver, name = node.args[0], _constant(node.args[1])
        if isinstance(receiver, ast.Name) and receiver.id in skipped:
            return
        if name is not None:
            usage.add(usage.attributes, name, where)
            return
        usage.problems.append(
            f"{where}: {ast.unparse(node)} computes an attribute name; if it can be a client "
            "method, the scan cannot tell which operation it calls"
        )
    elif isinstance(function, ast.Attribute) and function.attr in DYNAMIC_NAMES:
        name = _constant(node.args[0] if node.args else None)
        tables = {"get_waiter": usage.waiters, "_make_api_call": usage.api_calls}
        if name is not None:
            usage.add(tables.get(function.attr, usage.paginators), name, where)
            return
        usage.problems.append(f"{where}: {ast.unparse(node)} names no constant operation or waiter")


def scan_source(source: str, path: str, usage: Usage | None = None) -> Usage:
    """Add what one module's source names to `usage` (a new one if None)."""
    usage = usage or Usage()
    tree = ast.parse(source, path)
    skipped = _not_clients(tree)
    for node in sorted(ast.walk(tree), key=lambda n: getattr(n, "lineno", 0)):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute):
            _attribute(node, skipped, where, usage)
        elif isinstance(node, ast.Call):
            _call(node, skipped, where, usage)
    return usage


def scan(sources: Iterable[tuple[str, str]]) -> Usage:
    """Scan (path, source) pairs into one Usage."""
    usage = Usage()
    for path, source in sources:
        scan_source(source, path, usage)
    return usage


@dataclass(frozen=True)
class Required:
    """One service's operations (by API name) that the code uses, each with where."""

    operations: dict[str, list[str]]
    paginators: dict[str, list[str]]  # by operation name
    waiters: dict[str, list[str]]  # by waiter name, as the model spells it


def required(usage: Usage, model: Json, waiters: Json) -> Required:
    """What `usage` needs of the service `model` describes (its full, pinned model)."""
    by_method = {xform_name(name): name for name in model["operations"]}
    operations: dict[str, list[str]] = {}
    for method, where in usage.attributes.items():
        if method in by_method:
            operations.setdefault(by_method[method], []).extend(where)
    for name, where in usage.api_calls.items():
        if name in model["operations"]:
            operations.setdefault(name, []).extend(where)
    paginators = {
        by_method[method]: where
        for method, where in usage.paginators.items()
        if method in by_method
    }
    known_waiters = waiters.get("waiters", {})
    waiter_names = {xform_name(name): name for name in known_waiters}  # as get_waiter takes them
    used_waiters = {
        waiter_names[name]: where for name, where in usage.waiters.items() if name in waiter_names
    }
    for name, where in used_waiters.items():
        operations.setdefault(known_waiters[name]["operation"], []).extend(where)
    for operation, where in paginators.items():
        operations.setdefault(operation, []).extend(where)
    return Required(operations, paginators, used_waiters)


def _references(definition: Json) -> Iterator[str]:
    """The shapes one shape or operation definition names directly."""
    for key in ("input", "output", "member", "key", "value"):
        if isinstance(definition.get(key), dict) and "shape" in definition[key]:
            yield definition[key]["shape"]
    for member in definition.get("members", {}).values():
        yield member["shape"]
    for error in definition.get("errors", []):
        yield error["shape"]


def error_shapes(model: Json) -> set[str]:
    return {name for name, shape in model["shapes"].items() if shape.get("exception")}


def reachable(model: Json, operations: Iterable[str]) -> set[str]:
    """Every shape the operations reach, and every error shape (`client.exceptions`)."""
    pending = [s for op in operations for s in _references(model["operations"][op])]
    pending += sorted(error_shapes(model))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(_references(model["shapes"][name]))
    return seen


@dataclass(frozen=True)
class ServiceData:
    """The files of one service's folder that depend on its operations."""

    model: Json  # service-2
    paginators: Json  # paginators-1
    waiters: Json  # waiters-2 ({} when the service has none)
    paginator_extras: Json | None  # paginators-1.sdk-extras


def reduce(full: ServiceData, operations: Iterable[str]) -> ServiceData:
    """`full` cut to `operations` and the shapes they reach; paginators and waiters cut to
    those operations. Order and content of what is kept are the pinned model's."""
    kept = set(operations)
    unknown = kept - full.model["operations"].keys()
    if unknown:
        raise ValueError(f"not operations of this model: {', '.join(sorted(unknown))}")
    shapes = reachable(full.model, kept)
    model = {
        **full.model,
        "operations": {k: v for k, v in full.model["operations"].items() if k in kept},
        "shapes": {k: v for k, v in full.model["shapes"].items() if k in shapes},
    }
    paginators = {
        **full.paginators,
        "pagination": {k: v for k, v in full.paginators["pagination"].items() if k in kept},
    }
    waiters = full.waiters
    if waiters:
        waiters = {
            **waiters,
            "waiters": {k: v for k, v in waiters["waiters"].items() if v["operation"] in kept},
        }
    extras = full.paginator_extras
    if extras is not None:
        merged = {k: v for k, v in extras["merge"]["pagination"].items() if k in kept}
        extras = {**extras, "merge": {"pagination": merged}} if merged else None
    return ServiceData(model, paginators, waiters, extras)


def _walk(shape: Shape | None, seen: set[str]) -> None:
    """Resolve every shape under `shape` as botocore does (NoShapeFoundError if one is missing)."""
    if shape is None or shape.name in seen:
        return
    seen.add(shape.name)
    for attribute in ("members", "member", "key", "value"):
        child = getattr(shape, attribute, None)
        children = child.values() if isinstance(child, dict) else [child]
        for each in children:
            if isinstance(each, Shape):
                _walk(each, seen)


def check(service: str, shipped: ServiceData, full: ServiceData, usage: Usage) -> list[str]:
    """Problems of the `shipped` data for what `usage` calls; none when it serves the code."""
    needed = required(usage, full.model, full.waiters)
    ops = shipped.model["operations"]
    problems = [
        f"{', '.join(where)}: calls {service} {op}, which the shipped {service} model lacks"
        for op, where in sorted(needed.operations.items())
        if op not in ops
    ]
    problems += [
        f"{', '.join(where)}: paginates {op}, which the shipped {service} paginators lack"
        for op, where in sorted(needed.paginators.items())
        if op not in shipped.paginators.get("pagination", {})
    ]
    problems += [
        f"{', '.join(where)}: waits with {name}, which the shipped {service} waiters lack"
        for name, where in sorted(needed.waiters.items())
        if name not in shipped.waiters.get("waiters", {})
    ]
    problems += [
        f"{service} paginator {op} names an operation the shipped model lacks"
        for op in shipped.paginators.get("pagination", {})
        if op not in ops
    ]
    problems += [
        f"{service} waiter {name} uses {waiter['operation']}, which the shipped model lacks"
        for name, waiter in shipped.waiters.get("waiters", {}).items()
        if waiter["operation"] not in ops
    ]
    for kind in ("operations", "shapes"):
        problems += [
            f"{service} {kind[:-1]} {name} differs from botocore's pinned model"
            for name, definition in shipped.model[kind].items()
            if full.model[kind].get(name) != definition
        ]
    missing_errors = error_shapes(full.model) - shipped.model["shapes"].keys()
    if missing_errors:
        problems.append(f"{service} error shapes missing: {', '.join(sorted(missing_errors))}")
    resolved = BotocoreServiceModel(shipped.model, service)
    seen: set[str] = set()
    for op in ops:
        try:
            operation = resolved.operation_model(op)
            for shape in [operation.input_shape, operation.output_shape, *operation.error_shapes]:
                _walk(shape, seen)
        except Exception as error:  # noqa: BLE001 - any failure to resolve is the finding
            problems.append(f"{service} {op} does not resolve: {type(error).__name__}: {error}")
    return problems
