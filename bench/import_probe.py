"""Child process of bench/cold_start.py: import times in an interpreter that sees only the package.

Run as `python -I -S bench/import_probe.py PACKAGE NAME=MODULE[,MODULE...] ...` (by path: under
-I neither this folder nor the working directory is on sys.path, so the interpreter sees the
standard library and PACKAGE, as Lambda's sees /var/task). Imports each step's modules, one step
after the other, and prints `NAME=SECONDS` per step. Nothing but `sys` and `time` is imported
before the timings, so no module the package needs is loaded ahead of it.
"""

import sys
import time


def main(argv: list[str]) -> int:
    package, *steps = argv
    sys.path.insert(0, package)
    times = []
    for step in steps:
        name, modules = step.split("=", 1)
        started = time.perf_counter()
        for module in modules.split(","):
            __import__(module)
        times.append(f"{name}={time.perf_counter() - started}")
    print(*times)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
