"""The model package type on one machine: an embedded SageMaker (`backend`, moto extended for
model packages) and a CloudFormation rehearsal (`driver`, the `modelpackage-rehearse` command)
that runs templates through the real handlers against it, or against your account."""
