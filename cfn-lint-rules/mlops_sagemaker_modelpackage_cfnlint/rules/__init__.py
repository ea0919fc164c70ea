"""The rule modules (`modelpackage.py`: the type's properties; `group_policy.py`: model package
group policies); cfn-lint loads every rule file of this folder."""
