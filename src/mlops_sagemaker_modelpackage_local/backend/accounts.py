"""Accounts as LocalStack has them: the access key id says whose the request is.

moto keeps a backend per account and asks `moto.iam.models.get_account_id_from(access_key)`
which account a request belongs to (after `MOTO_ACCOUNT_ID` and the `x-moto-account-id`
header): the keys its own IAM and STS issued, else its default account 123456789012. `install`
puts one rule in front of that: a 12-digit access key id is the caller's account. moto reads
the key from the signature only when it looks like an AWS key (20 capitals and digits), so
`install` also lets a request's `Credential=<12 digits>/...` through. Any other key stays
moto's (its default account, or the account of the IAM user or assumed role that owns it), so
`aws sts assume-role` against the server gives role sessions in the role's account.

`caller` is who a request's key stands for, for STS GetCallerIdentity and for the principal a
resource policy is checked against: an assumed role (its role ARN and its session ARN), an IAM
user (its ARN), or else the account's own credentials, named `arn:aws:iam::ACCOUNT:root`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import moto.iam.models
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.responses import BaseResponse
from moto.iam.models import iam_backends
from moto.sts.models import STSBackend, sts_backends

from .resource_policy import Principal

ACCOUNT_KEY = re.compile(r"\d{12}")
# SigV4's Authorization header: "AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/..."
SIGNED_ACCOUNT_KEY = re.compile(r"\bCredential=(?P<key>\d{12})/")
PARTITION = "aws"
# moto's own functions, which ours wrap (set by install).
MOTO: dict[str, Callable[..., Any]] = {}


def account_of(access_key: str) -> str:
    """The account a request with this access key id belongs to."""
    if ACCOUNT_KEY.fullmatch(access_key):
        return access_key
    return str(MOTO["get_account_id_from"](access_key)) if MOTO else DEFAULT_ACCOUNT_ID


def root_arn(account: str) -> str:
    return f"arn:{PARTITION}:iam::{account}:root"


def caller(access_key: str, account: str) -> Principal:
    """Who calls with `access_key` in `account` (see the module's docstring)."""
    role = sts_backends[account][PARTITION].get_assumed_role_from_access_key(access_key)
    if role is not None:  # moto keeps a session in its role's account, as it keys it
        return Principal(account, role.arn, role.role_arn)
    user = iam_backends[account][PARTITION].get_user_from_access_key_id(access_key)
    if user is not None:
        return Principal(account, user.arn)
    return Principal(account, root_arn(account))


def _access_key(self: BaseResponse) -> str:
    """moto's access key id of a request, or the 12-digit one its pattern does not see."""
    signed = SIGNED_ACCOUNT_KEY.search(self.headers.get("Authorization", "") or "")
    if signed is not None:
        return signed["key"]
    key: str = MOTO["get_access_key"](self)
    return key


def _caller_identity(self: STSBackend, access_key_id: str, region: str) -> tuple[str, str, str]:
    """STS GetCallerIdentity: moto's answer for its own roles and users; an account's own
    credentials are its root (UserId: the account id)."""
    who = caller(access_key_id, self.account_id)
    if who.arn == root_arn(self.account_id):
        return self.account_id, root_arn(self.account_id), self.account_id
    identity: tuple[str, str, str] = MOTO["get_caller_identity"](self, access_key_id, region)
    return identity


def install() -> None:
    """Make moto map 12-digit access keys to accounts (idempotent)."""
    if MOTO:
        return
    MOTO["get_account_id_from"] = moto.iam.models.get_account_id_from
    MOTO["get_caller_identity"] = STSBackend.get_caller_identity
    MOTO["get_access_key"] = BaseResponse.get_access_key
    moto.iam.models.get_account_id_from = account_of
    BaseResponse.get_access_key = _access_key  # type: ignore[method-assign]
    STSBackend.get_caller_identity = _caller_identity  # type: ignore[method-assign]
