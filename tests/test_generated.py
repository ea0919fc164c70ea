"""What `make generated` writes and `make check-generated` checks (tools/generated.py): the removal
table from fields.py into its marked region of the documentation, `cfn generate`'s pages of docs/
beside hand-written ones, the companions and the CDK example's revisions; on a copy of this
checkout, so the working tree is never touched."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mlops_sagemaker_modelpackage import fields
from mlops_sagemaker_modelpackage.fields import FIELDS, Removal
from tests.support.schema import ROOT, our_schema
from tools import generated, removal_table
from tools.removal_table import BEGIN, END, RegionError

TYPE_NAME = our_schema()["typeName"]


def _rows(table: str) -> dict[str, tuple[str, str]]:
    """Property -> (what removing it does, why), from the table's Markdown."""
    cells = [line.split(" | ") for line in table.splitlines() if line.startswith("| `")]
    return {c[0].strip("| `"): (c[1], c[2].removesuffix(" |")) for c in cells}


def test_the_removal_table_is_the_field_table() -> None:
    rows = _rows(removal_table.table())
    shown = {n for n, f in FIELDS.items() if f.removal in removal_table.SHOWN}
    assert set(rows) == shown
    for name, (does, why) in rows.items():
        field = FIELDS[name]
        assert why == field.note, name
        if field.removal is Removal.RESET and field.default:
            assert does.startswith(f"back to `{field.default}`"), name
        elif field.removal is Removal.RESET:
            assert does.startswith("cleared"), name
        elif field.removal is Removal.REMOVED:
            assert does.endswith("removed"), name
        else:
            assert does.startswith("kept"), name


def test_a_property_added_to_fields_gets_its_row_without_a_hand_written_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    added = replace(FIELDS["ModelLifeCycle"], note="a `|` in a note stays in its cell")
    monkeypatch.setattr(fields, "FIELDS", {**FIELDS, "ModelRetention": added})
    monkeypatch.setattr(removal_table, "FIELDS", fields.FIELDS)
    (tmp_path / "README.md").write_text(f"# Manual\n\n{BEGIN}\nold\n{END}\n\nThe rest.\n")
    ((path, text),) = removal_table.outputs(tmp_path).items()
    assert path == tmp_path / "README.md"
    assert text.startswith(f"# Manual\n\n{BEGIN}\n| property |")
    assert text.endswith(f"{END}\n\nThe rest.\n")
    assert _rows(text)["ModelRetention"] == (
        "kept as SageMaker holds it",
        "a `\\|` in a note stays in its cell",
    )


def test_the_table_lives_wherever_its_markers_are_in_the_readme_or_docs(tmp_path: Path) -> None:
    (tmp_path / "docs" / "manual").mkdir(parents=True)
    (tmp_path / "README.md").write_text("# First screen\n")
    page = tmp_path / "docs" / "manual" / "updates.md"
    page.write_text(f"# Updates\n{BEGIN}\n{END}\n")
    assert removal_table.home(tmp_path) == page
    (tmp_path / "README.md").write_text(f"{BEGIN}\n{END}\n")
    with pytest.raises(RegionError, match=r"marked in README.md, docs/manual/updates.md"):
        removal_table.home(tmp_path)
    for path in (tmp_path / "README.md", page):
        path.write_text("# no markers\n")
    with pytest.raises(RegionError, match="no Markdown file has the line"):
        removal_table.home(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        f"{BEGIN}\nno end\n",
        f"{END}\n{BEGIN}\n",
        f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n",
        f"{BEGIN} trailing words\n{END}\n",
    ],
)
def test_markers_that_do_not_frame_one_region_are_refused(text: str) -> None:
    with pytest.raises(RegionError, match="needs one line"):
        removal_table.filled(text, "table\n")


def test_cfn_pages_are_told_from_hand_written_ones_by_their_shape(tmp_path: Path) -> None:
    docs = ROOT / "docs"
    assert generated.is_cfn_page(docs / "README.md", TYPE_NAME)
    assert generated.is_cfn_page(docs / "tag.md", TYPE_NAME)
    assert not generated.is_cfn_page(docs / "performance.md", TYPE_NAME)
    assert not generated.is_cfn_page(docs / "contributing.md", TYPE_NAME)
    titled = tmp_path / "practice.md"
    titled.write_text(f"# {TYPE_NAME} in practice\n\n## Syntax of our templates\n")
    assert not generated.is_cfn_page(titled, TYPE_NAME)


COPIED = [
    *generated.CFN_INPUTS,
    "resource-role.yaml",
    "README.md",
    "src",
    "docs",
    "cdk/mlops_sagemaker_modelpackage_cdk",
    "cfn-lint-rules/mlops_sagemaker_modelpackage_cfnlint/schemas",
    "examples/cdk-registry-flow",
]


def test_check_names_every_stale_file_and_generated_rewrites_only_those(tmp_path: Path) -> None:
    """One generation of a copy of this checkout: whatever is stale is named, hand-written pages
    of docs/ are never, and writing fixes exactly what was named."""
    root = tmp_path / "checkout"
    for rel in COPIED:
        source, target = ROOT / rel, root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(
                source, target, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy2(source, target)
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace("| `ModelCard` |", "| `ModelCardd` |"))
    (root / "docs" / "tag.md").write_text((root / "docs" / "tag.md").read_text() + "edited\n")
    old_page = root / "docs" / "oldproperty.md"  # a definition the schema no longer has
    old_page.write_text(f"# {TYPE_NAME} OldProperty\n\nGone.\n\n## Syntax\n")
    handwritten = {
        root / "docs" / "rehearsal" / "manual.md": "# The rehearsal\n",
        root / "docs" / "practice.md": f"# {TYPE_NAME} in practice\n",
    }
    for path, text in handwritten.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    revision = root / generated.CDK_EXAMPLE / "1-register.yaml"
    revision.write_text(revision.read_text().replace("PendingManualApproval", "Approved"))
    lint_schema = next((root / "cfn-lint-rules").rglob("*.json"))
    lint_schema.write_text(lint_schema.read_text().replace('"Tags"', '"Tagz"', 1))

    fresh = generated.fresh(root)

    assert generated.stale(fresh) == sorted(
        [readme, root / "docs" / "tag.md", old_page, revision, lint_schema]
    )
    assert generated.check(fresh) == 1
    generated.write(fresh)
    assert generated.stale(fresh) == []
    assert not old_page.exists()
    assert all(path.read_text() == text for path, text in handwritten.items())
    assert (root / "docs" / "performance.md").read_bytes() == (
        ROOT / "docs" / "performance.md"
    ).read_bytes()
    assert "| `ModelCard` |" in readme.read_text()
    assert generated.check(fresh) == 0
