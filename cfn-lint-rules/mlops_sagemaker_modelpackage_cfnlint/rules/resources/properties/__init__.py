"""Rules on resource properties (cfn-lint's `rules/resources/properties/`)."""
