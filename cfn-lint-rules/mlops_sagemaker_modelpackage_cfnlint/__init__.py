"""cfn-lint rules and the registry schema of `MLOps::SageMaker::ModelPackage`.

`rules/` holds the rules (`--append-rules`), one class per file in cfn-lint's category folders;
`registry.py` what they share; `schemas/` the type's schema (`--registry-schemas`), a copy of the
project's `mlops-sagemaker-modelpackage.json` written by `tools/generate_companions.py` and
checked by `make check-generated`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RULES_DIR = PACKAGE_DIR / "rules"
SCHEMAS_DIR = PACKAGE_DIR / "schemas"
