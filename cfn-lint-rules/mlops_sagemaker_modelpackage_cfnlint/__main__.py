"""Print the paths cfn-lint needs once the package is installed.

`python -m mlops_sagemaker_modelpackage_cfnlint schemas` prints the `--registry-schemas` folder,
`... rules` the `--append-rules` folder; with no argument, both as cfn-lint options.
"""

from __future__ import annotations

import sys

from mlops_sagemaker_modelpackage_cfnlint import RULES_DIR, SCHEMAS_DIR


def main(argv: list[str]) -> int:
    wanted = argv[0] if argv else ""
    if wanted == "schemas":
        print(SCHEMAS_DIR)
    elif wanted == "rules":
        print(RULES_DIR)
    elif not wanted:
        print(f"--registry-schemas {SCHEMAS_DIR} --append-rules {RULES_DIR}")
    else:
        print(
            "usage: python -m mlops_sagemaker_modelpackage_cfnlint [schemas|rules]", file=sys.stderr
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
