"""The performance bounds that are counts, not timings: SageMaker calls per operation (against
the local backend's call log) and the waiting overhead (on the virtual clock of bench/simulation).

The budgets and bounds are the bench's own (bench/calls.py, bench/stabilization.py); `make bench`
reports the same figures with the timings beside them in docs/performance.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bench import calls, simulation, stabilization
from mlops_sagemaker_modelpackage.progress import DEFAULT_POLICY
from mlops_sagemaker_modelpackage_local.backend.control import BackendControl

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

# Completion times per T: one every 2 s of the simulated cycle (the bench samples every 0.5 s).
SAMPLES = 60


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("budget", calls.BUDGETS, ids=lambda budget: budget.label)
def test_sagemaker_calls_per_operation(
    budget: calls.Budget, backend: BackendControl, sagemaker: SageMakerClient
) -> None:
    made = calls.count(budget, backend, sagemaker)
    assert len(made) == budget.calls, made


@pytest.mark.parametrize("wait", stabilization.WAITS, ids=lambda wait: f"T={wait:g}s")
def test_waiting_overhead_within_bounds(wait: float) -> None:
    """Mean overhead at most AWS's scheme's, every sample within max(10 % of its wait, 1 s),
    Lambda busy time (virtual: in-invocation polling) within its share of AWS's."""
    result = simulation.compare(wait, DEFAULT_POLICY, SAMPLES, timer=simulation.no_time)
    missed = [row for row in stabilization.checked(result) if not row.met]
    assert missed == []
