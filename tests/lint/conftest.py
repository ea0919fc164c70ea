"""The findings of every rule's good and bad template, from one cfn-lint run per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lint import Finding, lint_fixtures


@pytest.fixture(scope="session")
def fixture_findings() -> dict[Path, list[Finding]]:
    return lint_fixtures()
