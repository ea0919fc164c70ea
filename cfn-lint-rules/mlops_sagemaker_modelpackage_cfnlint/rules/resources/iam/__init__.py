"""Rules on resource and identity policies (cfn-lint's `rules/resources/iam/`)."""
