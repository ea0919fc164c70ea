"""Stabilization figures: overhead and Lambda busy time against AWS's scheme, for waits of half a
second to an hour, and the callback cap's trade between latency and Describe calls.

The model is bench/simulation.py; `checked` holds one wait's figures to their targets, for the
bench and for tests/test_performance_bounds.py alike.
"""

from __future__ import annotations

import dataclasses

from bench.report import Row, Section, ratio
from bench.simulation import (
    AWS_CALLBACK_SECONDS,
    AWS_INVOCATION_SECONDS,
    AWS_POLL_SECONDS,
    CYCLE_SECONDS,
    Comparison,
    compare,
)
from mlops_sagemaker_modelpackage.progress import DEFAULT_POLICY, WaitPolicy

WAITS = (0.5, 2.0, 10.0, 60.0, 600.0, 3600.0)
LONG_WAIT = 600.0  # from here on, Lambda busy time must be a twentieth of AWS's scheme's
BUSY_SHARE = 0.05
TRADE_WAIT = 3600.0
TRADE_CAPS = (10, 20, 30, 60)  # callback caps shown beside the chosen one
TRADE_SAMPLES = 120
IMAGE = "performance-stabilization.png"


def busy_bound(wait: float) -> float:
    return BUSY_SHARE if wait >= LONG_WAIT else 1.0


def checked(result: Comparison) -> list[Row]:
    """One wait's rows: mean overhead at most AWS's, every sample within the policy's own
    bound for its wait, busy time within its share of AWS's."""
    mine, aws, wait = result.ours, result.aws, result.wait
    return [
        Row(
            "stabilization",
            f"T={wait:g} s overhead mean, p95",
            f"{mine.mean:.1f} s, {mine.p95:.0f} s vs AWS {aws.mean:.1f} s, {aws.p95:.0f} s "
            f"= {ratio(result.overhead_ratio)}",
            "mean <= x1.00",
            result.overhead_ratio <= 1.0,
        ),
        Row(
            "stabilization",
            f"T={wait:g} s every sample within its bound",
            f"worst {result.worst_excess:+.2f} s against the bound",
            "<= 0 (max(10 % of its wait, 1 s))",
            result.worst_excess <= 1e-9,
        ),
        Row(
            "stabilization",
            f"T={wait:g} s Lambda busy; Describe calls/h",
            f"{mine.busy:.1f} s vs AWS {aws.busy:.0f} s = x{result.busy_ratio:.3f}; "
            f"{mine.describes_per_hour:.0f}/h vs {aws.describes_per_hour:.0f}/h",
            f"busy <= x{busy_bound(wait):.2f}",
            result.busy_ratio <= busy_bound(wait),
        ),
    ]


def _trade(policy: WaitPolicy) -> list[tuple[int, Comparison]]:
    caps = sorted({*TRADE_CAPS, policy.max_callback_delay})
    return [
        (
            cap,
            compare(TRADE_WAIT, dataclasses.replace(policy, max_callback_delay=cap), TRADE_SAMPLES),
        )
        for cap in caps
    ]


def _trade_row(cap: int, result: Comparison, policy: WaitPolicy) -> Row:
    chosen = " (chosen)" if cap == policy.max_callback_delay else ""
    mine = result.ours
    return Row(
        "trade",
        f"T={TRADE_WAIT:g} s, callbacks capped at {cap} s{chosen}",
        f"mean {mine.mean:.1f} s, p95 {mine.p95:.0f} s, "
        f"{mine.describes_per_hour:.0f} Describe/h, {ratio(result.overhead_ratio)}",
    )


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return ratio(low) if f"{low:.2f}" == f"{high:.2f}" else f"{ratio(low)}-{ratio(high)}"


def _notes(
    results: list[Comparison], trade: list[tuple[int, Comparison]], policy: WaitPolicy
) -> list[str]:
    short = [r for r in results if r.wait < LONG_WAIT]
    long = [r for r in results if r.wait >= LONG_WAIT]
    last = long[-1]
    # AWS's share of the time to SUCCESS spent inside Lambda, at the longest wait.
    aws_busy_share = last.aws.busy / (last.wait + CYCLE_SECONDS / 2 + last.aws.mean)
    later = [f"{cap} s" for cap, r in trade if r.overhead_ratio > 1.0]
    nearest_cap, nearest = min(
        trade,
        key=lambda item: abs(item[1].ours.describes_per_hour - item[1].aws.describes_per_hour),
    )
    return [
        "## Stabilization",
        "",
        "How it is measured: a simulated SageMaker completes the package some time after "
        "CreateModelPackage; CloudFormation is simulated by waiting each "
        "`callbackDelaySeconds` on a virtual clock and invoking the real create workflow again, "
        "so an hour costs milliseconds. For each T the completion times spread evenly over "
        f"[T, T + {CYCLE_SECONDS:.0f} s), one full cycle of AWS's scheme, so neither scheme is "
        "flattered by where completions fall in the other's cycle. Overhead is completion -> "
        "SUCCESS (mean and 95th percentile); busy time is the time spent inside invocations "
        "(in-invocation polling, plus the real time the handler code ran). AWS's scheme is "
        f"modelled as the notes describe its handler: {AWS_POLL_SECONDS:g} s polls inside the "
        f"invocation for up to {AWS_INVOCATION_SECONDS:g} s, then IN_PROGRESS with a "
        f"{AWS_CALLBACK_SECONDS:g} s callback, again and again. Each sample's bound is the wait "
        f"policy's own `interval` at that sample's wait: max({policy.min_interval:g} s, "
        f"{policy.overhead_ratio:.0%} of the wait).",
        "",
        f"Our policy (`WaitPolicy` in `progress.py`): look at once, then every "
        f"max({policy.min_interval:g} s, {policy.overhead_ratio:.0%} of the wait) inside the "
        f"first invocation while the operation is younger than "
        f"{policy.in_invocation_budget:g} s; after that one look per invocation and callbacks "
        f"of max({policy.min_interval:g} s, {policy.overhead_ratio:.0%} of the wait), at most "
        f"{policy.max_callback_delay} s.",
        "",
        f"- Up to T = {short[-1].wait:g} s ours reports completion "
        f"{_span([r.overhead_ratio for r in short])} of AWS's mean overhead.",
        f"- From T = {LONG_WAIT:g} s on, AWS's scheme reports completion {last.aws.mean:.0f} s "
        f"late on average (p95 {last.aws.p95:.0f} s) and "
        f"spends {aws_busy_share:.0%} of the time to SUCCESS inside Lambda; ours: mean overhead "
        f"{_span([r.overhead_ratio for r in long])} of AWS's, Lambda time "
        f"x{max(r.busy_ratio for r in long):.3f} at most, {last.ours.describes_per_hour:.0f} "
        f"Describe calls per hour against {last.aws.describes_per_hour:.0f} at T = "
        f"{last.wait:g} s.",
        f"- The callback cap is the trade (the `trade` rows, T = {TRADE_WAIT:g} s): mean "
        f"overhead is {_span([r.ours.mean / cap for cap, r in trade])} of the cap and Describe "
        f"calls per hour {_span([r.ours.describes_per_hour * cap / 3600 for cap, r in trade])} "
        "of 3600 / cap. "
        + (
            f"Capped at {', '.join(later)}, ours reports later than AWS's scheme on average. "
            if later
            else "Every cap shown reports earlier than AWS's scheme on average. "
        )
        + f"{nearest_cap} s comes closest to AWS's call rate "
        f"({nearest.ours.describes_per_hour:.0f}/h against "
        f"{nearest.aws.describes_per_hour:.0f}/h). The simulation cannot see the real Lambda "
        "time each invocation costs on AWS beyond our code (the lib's setup, the Describe round "
        "trip, log delivery): every extra invocation adds it.",
    ]


def measure(policy: WaitPolicy = DEFAULT_POLICY) -> tuple[Section, list[Comparison]]:
    """Every wait's rows and the trade's; the comparisons for the chart."""
    results = [compare(wait, policy) for wait in WAITS]
    trade = _trade(policy)
    rows = [row for result in results for row in checked(result)]
    rows += [_trade_row(cap, result, policy) for cap, result in trade]
    image = (IMAGE, "Stabilization overhead and Lambda busy time against T")
    return Section(rows, _notes(results, trade, policy), image), results
