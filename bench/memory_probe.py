"""Child process of bench/memory.py: one create invocation, from the built package, measured.

Run as `python -m bench.memory_probe PACKAGE DESIRED_JSON` from the project root, with
AWS_ENDPOINT_URL_SAGEMAKER set: PACKAGE goes first on sys.path before anything of the
handler's is imported, so the handler, the lib and boto3 load from the package as on Lambda.
Prints JSON: {"rss_kb": peak RSS of the process, "peak_alloc": Python allocations' peak, bytes}.
"""

from __future__ import annotations

import json
import resource
import sys
import tracemalloc


def main(argv: list[str]) -> int:
    package, desired = argv
    sys.path.insert(0, package)
    # Only once the package is on sys.path; the entry point's imports before tracing allocations.
    import mlops_sagemaker_modelpackage.handlers  # noqa: F401, PLC0415
    from bench.handler import event  # noqa: PLC0415
    from mlops_sagemaker_modelpackage_local.driver import protocol  # noqa: PLC0415

    tracemalloc.start()
    response = protocol.invoke(event("CREATE", json.loads(desired)))
    assert response["status"] == "SUCCESS", response
    figures = {
        "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "peak_alloc": tracemalloc.get_traced_memory()[1],
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
