"""The offline SageMaker backend: moto in server mode, extended for model packages."""
