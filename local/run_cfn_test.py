"""Run the stock `cfn test` CLI for one input set, offline.

Two things are steered, nothing in the suite itself:
- cfn looks up its STS endpoint with `rpdk.core.boto_helpers.get_service_endpoint`, which
  ignores AWS_ENDPOINT_URL; it is pointed at the local backend (`--sts-endpoint`);
- `cfn test` runs every inputs/inputs_<N>_* set with the same pytest arguments; `--set N`
  runs only set N, so each set can carry its own deselections.

Usage: python -m local.run_cfn_test --set N --sts-endpoint URL -- <cfn test arguments>
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import rpdk.core.test as cfn_test
from rpdk.core import boto_helpers
from rpdk.core.cli import main as cfn_main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=int, required=True, help="the input set number N")
    parser.add_argument("--sts-endpoint", required=True)
    parser.add_argument("cfn_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    original_endpoint = boto_helpers.get_service_endpoint
    original_inputs = cfn_test.get_inputs

    def service_endpoint(service: str, region: str) -> str:
        return args.sts_endpoint if service == "sts" else str(original_endpoint(service, region))

    def inputs_of_one_set(
        root: Any, region: Any, endpoint: Any, value: int, *rest: Any, **named: Any
    ) -> Any:
        if value != 1:
            return None
        return original_inputs(root, region, endpoint, args.set, *rest, **named)

    boto_helpers.get_service_endpoint = service_endpoint
    cfn_test.get_inputs = inputs_of_one_set
    cfn_args = args.cfn_args[1:] if args.cfn_args[:1] == ["--"] else args.cfn_args
    try:
        cfn_main(args_in=["test", *cfn_args])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
