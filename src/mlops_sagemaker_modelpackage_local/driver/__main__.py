"""`modelpackage-rehearse`: the same as `modelpackage-rehearse`."""

import sys

from .cli import console

if __name__ == "__main__":
    sys.exit(console())
