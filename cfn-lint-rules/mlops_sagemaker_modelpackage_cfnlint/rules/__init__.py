"""The rules, one class per file in cfn-lint's own category folders (`functions/`,
`resources/properties/`, `resources/iam/`): cfn-lint loads every rule file below this folder
(`--append-rules`). What the type's rules share is in
`mlops_sagemaker_modelpackage_cfnlint.registry`.
"""
