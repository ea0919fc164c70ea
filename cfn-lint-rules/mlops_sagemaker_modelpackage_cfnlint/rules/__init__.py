"""The rules module (`modelpackage.py`); cfn-lint loads every rule file of this folder."""
