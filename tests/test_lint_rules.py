"""cfn-lint with this type's rules (cfn-lint-rules/, loaded by .cfnlintrc): each rule fires on a bad
template at the right line, and the whole set is quiet on every template of the project.

cfn-lint runs as users run it in CI: the command of the README's "Linting templates" section, the
same one `make lint-templates` runs, from the project root where .cfnlintrc is.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from tests.support.lint import lint, readme_command
from tests.support.schema import ROOT, our_schema

RULES_FILE = ROOT / "cfn-lint-rules/mlops_sagemaker_modelpackage_cfnlint/rules/modelpackage.py"
TEMPLATES = [
    *sorted((ROOT / "examples").glob("*/*.yaml")),
    *sorted((ROOT / "examples").glob("*/*/*.yaml")),  # an example of several accounts
    ROOT / "test" / "setup.yml",
    *sorted((ROOT / "deploy").glob("*.yml")),
]

HEAD = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Group:
    Type: AWS::SageMaker::ModelPackageGroup
    Properties:
      ModelPackageGroupName: churn
  Version:
    Type: MLOps::SageMaker::ModelPackage
    Properties:
"""


def test_make_lint_templates_runs_the_readme_command() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint-templates:", 1)[1].split("\n\n", 1)[0]
    expected = "$(BIN)/" + readme_command().replace("templates/*.yaml", "$(TEMPLATES)")
    assert f"\t{expected}\n" in recipe + "\n", recipe
    config = (ROOT / ".cfnlintrc").read_text()
    assert "cfn-lint-rules/mlops_sagemaker_modelpackage_cfnlint/schemas" in config
    assert "cfn-lint-rules/mlops_sagemaker_modelpackage_cfnlint/rules" in config


def test_every_template_of_the_project_lints_clean() -> None:
    code, findings = lint(*TEMPLATES)
    assert (code, findings) == (0, [])


def test_every_rule_has_an_id_and_descriptions() -> None:
    spec = importlib.util.spec_from_file_location("mlops_cfnlint_rules", RULES_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from cfnlint.rules import CloudFormationLintRule  # noqa: PLC0415

    rules: list[Any] = [
        cls
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, CloudFormationLintRule)
        and cls.__module__ == module.__name__
    ]
    assert sorted(r.id for r in rules) == ["E9001", "E9002", "E9003", "W9001"]
    for rule in rules:
        assert rule.shortdesc
        assert len(rule.description) > len(rule.shortdesc)


def _line(text: str, needle: str) -> int:
    """1-based line of the first line containing needle."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# (properties of Version, extra template text, expected findings: rule, line marker, words)
CASES: dict[str, tuple[str, str, list[tuple[str, ...]]]] = {
    "misspelt-enum": (
        "      ModelPackageGroupName: !Ref Group\n      ModelApprovalStatus: Aproved\n",
        "",
        [("E9001", "Aproved", "'Aproved' is not one of ['Approved'", "E3030")],
    ),
    "misspelt-property": (
        "      ModelPackageGroupName: !Ref Group\n"
        "      InferenceSpecificaton:\n        Containers: [{Image: x}]\n",
        "",
        [("E9001", "InferenceSpecificaton", "Did you mean 'InferenceSpecification'", "E3002")],
    ),
    # "Did you mean" names the closest property (cfn-lint's first close one was
    # ModelPackageName and ModelPackageVersion here), never a read-only one or one that would
    # change the package's kind (the schema's rules across properties)
    "misspelt-group-name": (
        "      ModelPackageGroupNam: !Ref Group\n",
        "",
        [("E9001", "ModelPackageGroupNam:", "Did you mean 'ModelPackageGroupName'?", "E3002")],
    ),
    "misspelt-description": (
        "      ModelPackageGroupName: !Ref Group\n      ModelPackageDescripton: churn\n",
        "",
        [("E9001", "Descripton", "Did you mean 'ModelPackageDescription'?", "E3002")],
    ),
    "misspelt-read-only": (
        "      ModelPackageGroupName: !Ref Group\n      ModelPackageArm: x\n",
        "",
        [("E9001", "ModelPackageArm", "('ModelPackageArm' was unexpected)", "E3002")],
    ),
    "misspelt-name-of-a-version": (
        "      ModelPackageGroupName: !Ref Group\n      ModelPackageNam: churn\n",
        "",
        [("E9001", "ModelPackageNam:", "('ModelPackageNam' was unexpected)", "E3002")],
    ),
    "misspelt-group-of-an-unversioned-package": (
        "      ModelPackageName: churn\n      ModelPackageGroupNme: churn\n",
        "",
        [("E9001", "GroupNme", "('ModelPackageGroupNme' was unexpected)", "E3002")],
    ),
    "misspelt-approval-of-an-unversioned-package": (
        "      ModelPackageName: churn\n      ModelApprovalStatu: Approved\n",
        "",
        [("E9001", "ModelApprovalStatu", "('ModelApprovalStatu' was unexpected)", "E3002")],
    ),
    "misspelt-nested-property": (
        "      ModelPackageGroupName: !Ref Group\n"
        "      SecurityConfig:\n        KmsKeyId: k\n        KmsKeyIdd: k\n",
        "",
        [("E9001", "KmsKeyIdd", "Did you mean 'KmsKeyId'?", "E3002")],
    ),
    "unknown-attribute": (
        "      ModelPackageGroupName: !Ref Group\n",
        "Outputs:\n  Bad:\n    Value: !GetAtt Version.NoSuchAttr\n",
        [("E9003", "NoSuchAttr", "Version (MLOps::SageMaker::ModelPackage) has no attribute")],
    ),
    "unknown-attribute-in-sub": (
        "      ModelPackageGroupName: !Ref Group\n",
        'Outputs:\n  Bad:\n    Value: !Sub "v${Version.Versoin}"\n',
        [("E9003", "Versoin", "no attribute 'Versoin'")],
    ),
    "read-only": (
        "      ModelPackageGroupName: !Ref Group\n      ModelPackageVersion: 3\n",
        "",
        [("W9001", "ModelPackageVersion", "read it with !GetAtt Version.ModelPackageVersion")],
    ),
    "pattern": (
        '      ModelPackageName: "-bad-"\n',
        "",
        [("E9001", "-bad-", "does not match", "E3031")],
    ),
    "type-and-length": (
        "      ModelPackageName: ok\n      CertifyForMarketplace: [x]\n"
        f"      ClientToken: {'t' * 40}\n",
        "",
        [
            ("E9001", "CertifyForMarketplace", "is not of type", "E3012"),
            ("E9001", "ClientToken", "is longer than 36", "E3033"),
        ],
    ),
    "required-member": (
        "      ModelPackageName: ok\n      SecurityConfig: {}\n",
        "",
        [("E9001", "SecurityConfig", "'KmsKeyId' is a required property", "E3003")],
    ),
}


def _cross_property_cases() -> dict[str, tuple[str, str, list[tuple[str, ...]]]]:
    """One bad template per rule across properties, from the schema's root allOf."""
    cases: dict[str, tuple[str, str, list[tuple[str, ...]]]] = {}
    for rule in our_schema()["allOf"]:
        for trigger, dependency in rule["dependencies"].items():
            if isinstance(dependency, list):
                value = "Approved" if trigger == "ModelApprovalStatus" else "reviewed"
                body = f"      ModelPackageName: ok\n      {trigger}: {value}\n"
                words = f"{trigger} needs {' and '.join(dependency)}: {rule['description']}"
                cases[f"{trigger}-needs"] = (body, "", [("E9002", f"{trigger}:", words)])
                continue
            for ruled_out in dependency["properties"]:
                value = "[{Key: team, Value: churn}]" if ruled_out == "Tags" else "named"
                body = f"      {trigger}: !Ref Group\n      {ruled_out}: {value}\n"
                words = f"{ruled_out} cannot be set together with {trigger}: {rule['description']}"
                cases[f"{ruled_out}-with-{trigger}"] = (body, "", [("E9002", ruled_out, words)])
    return cases


ALL_CASES = {**CASES, **_cross_property_cases()}


def test_every_cross_property_rule_has_a_case() -> None:
    rules = sum(len(rule["dependencies"]) for rule in our_schema()["allOf"])
    assert len(ALL_CASES) - len(CASES) >= rules


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Every case's template linted in one cfn-lint run (its start-up dominates), by case."""
    folder = tmp_path_factory.mktemp("bad")
    for name, (properties, extra, _) in ALL_CASES.items():
        (folder / f"{name}.yaml").write_text(HEAD + properties + extra)
    code, found = lint(*sorted(folder.glob("*.yaml")))
    assert code != 0
    by_case: dict[str, list[dict[str, Any]]] = {name: [] for name in ALL_CASES}
    for finding in found:
        by_case[Path(finding["Filename"]).stem].append(finding)
    return by_case


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_rule_fires_on_a_bad_template_at_its_line(
    case: str, findings: dict[str, list[dict[str, Any]]]
) -> None:
    properties, extra, expected = ALL_CASES[case]
    text = HEAD + properties + extra
    got = [
        (f["Rule"]["Id"], f["Location"]["Start"]["LineNumber"], f["Message"])
        for f in findings[case]
    ]
    assert len(got) == len(expected), got
    for rule_id, marker, words, *mirrored in expected:
        line = _line(text, marker)
        # E9001 runs cfn-lint's own property checks and names the one it mirrors
        words_in = [words, *(f"(cfn-lint's {m} for AWS types)" for m in mirrored)]
        assert any(
            g[0] == rule_id and g[1] == line and all(w in g[2] for w in words_in) for g in got
        ), (rule_id, line, got)


def test_a_template_can_ignore_the_property_checks_by_their_id(tmp_path: Path) -> None:
    """A finding of E9001 is governed by E9001, as a rule id of its own should be."""
    bad = HEAD + "      ModelPackageGroupName: !Ref Group\n      ModelApprovalStatus: Aproved\n"
    template = tmp_path / "ignored.yaml"
    template.write_text(bad)
    code, found = lint(template)
    assert code != 0
    assert [f["Rule"]["Id"] for f in found] == ["E9001"]
    template.write_text(
        bad.replace(
            "    Type: MLOps::SageMaker::ModelPackage\n",
            "    Type: MLOps::SageMaker::ModelPackage\n"
            "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [E9001]\n",
        )
    )
    assert lint(template) == (0, [])


CONDITIONAL = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Kind:
    Type: String
    AllowedValues: [versioned, unversioned]
Conditions:
  IsVersioned: !Equals [!Ref Kind, versioned]
Resources:
  Group:
    Type: AWS::SageMaker::ModelPackageGroup
    Properties:
      ModelPackageGroupName: churn
  Either:
    Type: MLOps::SageMaker::ModelPackage
    Properties:
      ModelPackageGroupName: !If [IsVersioned, !Ref Group, !Ref AWS::NoValue]
      ModelPackageName: !If [IsVersioned, !Ref AWS::NoValue, churn]
      ModelApprovalStatus: !If [IsVersioned, Approved, !Ref AWS::NoValue]
      Tags: !If [IsVersioned, !Ref AWS::NoValue, [{Key: team, Value: churn}]]
  NamedVersion:
    Type: MLOps::SageMaker::ModelPackage
    Properties:
      ModelPackageGroupName: !If [IsVersioned, !Ref Group, !Ref AWS::NoValue]
      ModelPackageName: churn-named
"""


def test_cross_property_rules_follow_conditions(tmp_path: Path) -> None:
    """A rule that holds under every condition passes; one broken under some condition fails."""
    template = tmp_path / "conditional.yaml"
    template.write_text(CONDITIONAL)
    _, found = lint(template)
    got = [(f["Rule"]["Id"], f["Location"]["Start"]["LineNumber"]) for f in found]
    assert got == [("E9002", _line(CONDITIONAL, "churn-named"))]


def _lint_in_process(text: str) -> list[tuple[str, int]]:
    from cfnlint.api import lint as cfn_lint  # noqa: PLC0415
    from cfnlint.config import ManualArgs  # noqa: PLC0415

    package = ROOT / "cfn-lint-rules" / "mlops_sagemaker_modelpackage_cfnlint"
    config = ManualArgs(
        regions=["us-east-1"],
        registry_schemas=[str(package / "schemas")],
        append_rules=[str(package / "rules")],
    )
    return sorted((m.rule.id, m.linenumber) for m in cfn_lint(text, config=config))


def test_rules_stand_aside_when_cfn_lint_itself_sees_the_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should a cfn-lint release run E3002 and E1010 on registry types, E9001 and E9003 step
    back: each mistake is reported once, by cfn-lint's own rule."""
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER  # noqa: PLC0415

    text = (
        HEAD
        + "      ModelPackageGroupName: !Ref Group\n      ModelApprovalStatus: Aproved\n"
        + "Outputs:\n  Bad:\n    Value: !GetAtt Version.NoSuchAttr\n"
    )
    enum_line, getatt_line = _line(text, "Aproved"), _line(text, "NoSuchAttr")
    assert _lint_in_process(text) == [("E9001", enum_line), ("E9003", getatt_line)]

    original = PROVIDER_SCHEMA_MANAGER.get_resource_schemas_by_regions

    def with_registry_types(resource_type: str, regions: list[str]) -> Any:
        if resource_type == "MLOps::SageMaker::ModelPackage":
            yield regions, PROVIDER_SCHEMA_MANAGER.get_resource_schema(regions[0], resource_type)
            return
        yield from original(resource_type, regions)

    monkeypatch.setattr(
        PROVIDER_SCHEMA_MANAGER, "get_resource_schemas_by_regions", with_registry_types
    )
    found = _lint_in_process(text)
    assert ("E9003", getatt_line) not in found
    assert ("E9001", enum_line) not in found
    assert found.count(("E3030", enum_line)) == 1
    assert any(line == getatt_line for _, line in found)  # reported by cfn-lint's own rules
