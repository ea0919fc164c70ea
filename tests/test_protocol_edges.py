"""Protocol edges a new user meets, through the real entry point against the local backend:
a replayed create that meets a conflict, an invocation short of time, the failure counter after
a success, callback contexts the handler cannot use, identifiers that are not ARNs, a paging
token SageMaker refuses, and a name whose package is still being deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# ------------------------------------------------------------------ 2: a replayed create


# ------------------------------------------------------------------ 3: short of time


# ------------------------------------------------------------------ 4: the failure counter


# ------------------------------------------------------------------ 5: unusable contexts


# ------------------------------------------------------------------ 6: identifiers


# ------------------------------------------------------------------ 7: a name being deleted
