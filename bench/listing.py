"""List throughput: every package through the handler's LIST, against the raw boto3 calls.

Both sides page through the same packages on the same backend with one reused client each,
interleaved round by round; a round takes the best of three listings (noise only adds time).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.handler import event
from bench.measure import Spread, interleaved, known_within, per_round
from bench.report import Row, Section
from mlops_sagemaker_modelpackage_local.driver import protocol

PACKAGES = 2000
LIST_RATIO = 1.10


def _raw(sagemaker: Any) -> Callable[[], int]:
    def listing() -> int:
        seen, token = 0, None
        while True:
            kwargs: dict[str, Any] = {"ModelPackageType": "Both", "MaxResults": 100}
            if token:
                kwargs["NextToken"] = token
            page = sagemaker.list_model_packages(**kwargs)
            seen += len(page["ModelPackageSummaryList"])
            token = page.get("NextToken")
            if not token:
                return seen

    return listing


def _through_handler() -> int:
    seen, token = 0, None
    while True:
        response = protocol.invoke(event("LIST", None, next_token=token))
        seen += len(response["resourceModels"])
        token = response.get("nextToken")
        if not token:
            return seen


def _best_of_three(name: str, listing: Callable[[], int]) -> Callable[[], dict[str, float]]:
    def sample() -> dict[str, float]:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            assert listing() >= PACKAGES
            best = min(best, time.perf_counter() - started)
        return {name: best}

    return sample


def _ratio(timings: dict[str, float]) -> float:
    return timings["handler"] / timings["raw"]


def measure(sagemaker: Any) -> Section:
    """`sagemaker`: a client on the backend the handler calls (AWS_ENDPOINT_URL_SAGEMAKER)."""
    for index in range(PACKAGES):
        sagemaker.create_model_package(ModelPackageName=f"bench-list-{index:05d}")
    sides = [_best_of_three("handler", _through_handler), _best_of_three("raw", _raw(sagemaker))]
    for side in sides:
        side()  # warm both: imports, clients, connection pools
    samples = interleaved(sides, min_rounds=7, max_rounds=21, settled=known_within(_ratio, 0.015))
    spread = Spread.of(per_round(samples, _ratio))
    handler_s, raw_s = statistics.median(samples["handler"]), statistics.median(samples["raw"])
    rows = [
        Row(
            "list",
            f"{PACKAGES} packages via handler vs raw boto3",
            f"{handler_s:.2f} s vs {raw_s:.2f} s = {spread.ratio_text()}",
            f"<= x{LIST_RATIO:.2f} (median)",
            spread.median <= LIST_RATIO,
        )
    ]
    notes = [
        "## List",
        "",
        f"Listing {PACKAGES} packages through the handler (a LIST invocation per page) takes "
        f"{handler_s:.2f} s against {raw_s:.2f} s for the same pages straight from boto3: the "
        f"handler adds {spread.median - 1:+.0%} (IQR {spread.low - 1:+.0%} to "
        f"{spread.high - 1:+.0%}, {spread.rounds} rounds).",
    ]
    return Section(rows, notes)
