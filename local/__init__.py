"""Repository-only tooling: the offline `cfn test` harness (a Lambda stand-in and a loopback
CloudFormation) and the `python -m local.driver` alias. What users install lives in
src/mlops_sagemaker_modelpackage_local/."""
