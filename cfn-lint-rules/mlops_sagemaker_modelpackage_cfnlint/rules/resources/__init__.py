"""Rules on resources (cfn-lint's `rules/resources/`)."""
