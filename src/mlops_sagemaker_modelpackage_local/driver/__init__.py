"""A local CloudFormation driver: plays CloudFormation's side of the handler protocol."""
