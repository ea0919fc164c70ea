"""The waiting policy, status classification and timeouts. (That completion is reported within
max(10 % of the wait, 1 s) is measured end to end on a virtual clock, not restated here.)"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mlops_sagemaker_modelpackage import budget, progress
from mlops_sagemaker_modelpackage.progress import DEFAULT_POLICY, Invocation
from mlops_sagemaker_modelpackage.status import Stage, stage_of
from tests.support.clock import VirtualClock


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


def test_in_invocation_polling_stops_where_the_next_look_could_not_end_in_time() -> None:
    clock = VirtualClock()
    roomy = Invocation.begin(clock)
    assert roomy.may_poll_again(0.0)
    left = budget.SHORT_ATTEMPT_SECONDS + budget.LAMBDA_MARGIN_SECONDS  # room for one look
    tight = Invocation.begin(clock, lambda_deadline=clock.now() + left)
    assert not tight.may_poll_again(0.0)  # 1 s of sleep + one look would pass the deadline


def test_a_create_keeps_its_last_minutes_for_cleanup() -> None:
    start = 1_000.0
    limit = progress.TIMEOUT_MINUTES["create"] * 60
    reserve = progress.CLEANUP_RESERVE_MINUTES
    assert not progress.out_of_time("create", start, start + limit - 1)
    assert progress.out_of_time("create", start, start + limit - reserve * 60, reserve)
