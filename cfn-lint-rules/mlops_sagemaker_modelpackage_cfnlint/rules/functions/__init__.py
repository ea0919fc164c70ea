"""Rules on intrinsic functions (cfn-lint's `rules/functions/`)."""
