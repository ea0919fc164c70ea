"""`python -m local.driver`: the rehearsal's old name in this repository, kept as an alias of
`modelpackage-rehearse` (mlops_sagemaker_modelpackage_local.driver)."""
