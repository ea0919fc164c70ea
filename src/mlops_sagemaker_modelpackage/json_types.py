"""`Json`: a JSON object as Python holds it (a model, a call's parameters or answer, a template).

The one alias for it in the project: the handlers, the tests, the tools, the rehearsal's driver
and Guard import it from here (a module that imports nothing of the package, so the rehearsal
loads no handler code by it). The embedded SageMaker (the rehearsal's backend) imports nothing of
the product and has its own, backend/plain.py; tests/test_names.py holds both rules.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
