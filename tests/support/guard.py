"""The Guard rules of guard/ and what the tests run them on: the governed example, and the
evidence (ModelMetrics) the rules ask an approved version for."""

from __future__ import annotations

from tests.support.schema import ROOT

GUARD = ROOT / "guard"
GOVERNED = ROOT / "examples" / "governed-approval"
EVIDENCE = {
    "ModelQuality": {
        "Statistics": {"ContentType": "application/json", "S3Uri": "s3://models/eval.json"}
    }
}
