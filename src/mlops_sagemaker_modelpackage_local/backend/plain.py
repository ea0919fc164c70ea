"""`Plain`: a JSON object as the embedded SageMaker holds it (a call's parameters or answer, a
stored package, an event).

The backend's one alias for it: the backend emulates SageMaker on its own knowledge and imports
nothing of the product, whose alias is `mlops_sagemaker_modelpackage.json_types.Json`
(tests/test_names.py holds both rules).
"""

from __future__ import annotations

from typing import Any

Plain = dict[str, Any]
