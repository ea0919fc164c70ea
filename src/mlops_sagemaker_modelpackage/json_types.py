"""`Json`: a JSON object as Python holds it (a model, a call's parameters or answer, a template).

The one alias for it in the project: the handlers, the tests, the tools and the rehearsal import
it from here (a module that imports nothing of the package, so the rehearsal loads no handler
code by it); tests/test_names.py lists the rehearsal's modules that still define their own.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
