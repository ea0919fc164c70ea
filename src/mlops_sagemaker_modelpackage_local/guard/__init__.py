"""cfn-guard for this type's rules (guard/ in the repository): the binary, its findings, and the
CI command `modelpackage-guard`. The rehearsal's Guard hook (driver/hook.py) runs it too."""
