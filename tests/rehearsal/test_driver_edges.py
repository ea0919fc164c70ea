"""The local driver where a review found it differing from CloudFormation: stack names, the
summary of a kept stack, numbers in parameters, every error of a template in --validate, and a
stack that was never created.

Each test runs the driver's command line against the backend and asserts on what it prints and
its exit status (SageMaker's state where something is deployed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass
