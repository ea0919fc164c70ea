"""The same as `modelpackage-rehearse` (installed by `make venv`)."""

import sys

from mlops_sagemaker_modelpackage_local.driver.cli import console

if __name__ == "__main__":
    sys.exit(console())
