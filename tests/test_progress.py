"""The waiting policy and status classification."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mlops_sagemaker_modelpackage.progress import DEFAULT_POLICY, Stage, stage_of


@given(st.floats(min_value=0, max_value=48 * 3600))
def test_overhead_bound_holds_at_every_wait(waited: float) -> None:
    """Completion between two looks is seen within max(10% of the wait, 1 s)."""
    bound = max(0.1 * waited, 1.0)
    assert DEFAULT_POLICY.interval(waited) <= bound + 1e-9
    assert DEFAULT_POLICY.callback_delay(waited) <= bound


@given(st.floats(min_value=0, max_value=48 * 3600))
def test_callback_delays_are_whole_seconds_within_the_cap(waited: float) -> None:
    delay = DEFAULT_POLICY.callback_delay(waited)
    assert isinstance(delay, int)
    assert 1 <= delay <= DEFAULT_POLICY.max_callback_delay


def test_delays_grow_with_the_wait() -> None:
    delays = [DEFAULT_POLICY.callback_delay(w) for w in (20, 100, 1000, 10_000)]
    assert delays == sorted(delays)
    assert delays[0] < delays[-1]


def test_stages() -> None:
    assert stage_of("Pending") is Stage.WAITING
    assert stage_of("InProgress") is Stage.WAITING
    assert stage_of("Deleting") is Stage.WAITING
    assert stage_of("Completed") is Stage.DONE
    assert stage_of("Failed") is Stage.FAILED
    assert stage_of("SomeNewStatus") is Stage.WAITING  # never mistaken for success
