"""The rules package (cfn-lint-rules/) as cfn-lint lays its own rules out, and as users run it:
one rule class per file in cfn-lint's category folders, each with its metadata, a good and a bad
template, a snapshot and a test module; the README's command is the one `make lint-templates`
runs (which lints every template of the project: not repeated here)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import cfnlint.rules

from tests.support.lint import (
    FIXTURES,
    RULES_DIR,
    fixture,
    readme_command,
    rule_class,
    rule_files,
    snapshot,
)
from tests.support.schema import ROOT

CFN_LINT_RULES = Path(cfnlint.rules.__file__).parent


def test_make_lint_templates_runs_the_readme_command() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint-templates:", 1)[1].split("\n\n", 1)[0]
    expected = "$(BIN)/" + readme_command().replace("templates/*.yaml", "$(TEMPLATES)")
    assert f"\t{expected}\n" in recipe + "\n", recipe
    config = (ROOT / ".cfnlintrc").read_text()
    assert "cfn-lint-rules/mlops_sagemaker_modelpackage_cfnlint/schemas" in config
    assert "cfn-lint-rules/mlops_sagemaker_modelpackage_cfnlint/rules" in config


def test_one_rule_class_a_file_named_after_it_in_a_category_folder_of_cfn_lint() -> None:
    files = [p for p in sorted(RULES_DIR.rglob("*.py")) if not p.name.startswith("_")]
    assert len(rule_files()) == len(files)  # ids are unique
    for path in files:
        rule = rule_class(path)  # exactly one
        assert rule.__name__ == path.stem
        category = path.parent.relative_to(RULES_DIR)
        assert (CFN_LINT_RULES / category).is_dir(), f"{category}: not one of cfn-lint's"
        assert (path.parent / "__init__.py").is_file(), "the wheel carries packages only"
        assert re.fullmatch(r"[EW]9\d{3}", rule.id), rule.id
        assert rule.shortdesc
        assert len(rule.description) > len(rule.shortdesc)
        assert urlparse(rule.source_url).scheme == "https", rule.source_url
        assert rule.tags
        assert rule.tags[0] == category.parts[0], "cfn-lint tags a rule with its category first"


def test_every_rule_has_a_test_module_and_good_and_bad_templates_with_a_snapshot() -> None:
    for rule_id in rule_files():
        assert (ROOT / "tests" / "lint" / f"test_{rule_id.lower()}.py").is_file(), rule_id
        assert fixture("good", rule_id).is_file(), rule_id
        assert fixture("bad", rule_id).is_file(), rule_id
        assert snapshot(rule_id).is_file(), rule_id
    templates = set((FIXTURES / "templates").rglob("*.yaml"))
    expected = {fixture(kind, rule_id) for rule_id in rule_files() for kind in ("good", "bad")}
    assert templates == expected, "a fixture template of no rule"


def test_the_readme_lists_every_rule() -> None:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Linting templates", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| ([EW]\d{4}) \|", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(rule_files())
