"""Handler sessions built only when used.

cloudformation-cli-python-lib 2.1.20 builds two boto3 sessions per invocation (caller and
provider credentials), about 14 ms each, before any handler code runs. The handlers need only
the caller's credentials; the lib's log and metric publishing needs the provider's session only
when CloudFormation asks for log delivery. So sessions are made on first use.
"""

from __future__ import annotations

from typing import Any

import boto3
from cloudformation_cli_python_lib.boto3_proxy import SessionProxy
from cloudformation_cli_python_lib.utils import Credentials


class LazySession(SessionProxy):
    """A SessionProxy whose boto3 session is created on first use of `client`/`resource`."""

    def __init__(self, credentials: Credentials, region: str | None = None) -> None:
        # SessionProxy.__init__ would need a built session: deliberately not called.
        self.credentials = credentials
        self._region = region
        self._session: Any = None

    @classmethod
    def of(cls, credentials: Credentials | None) -> LazySession | None:
        return cls(credentials) if credentials else None

    @property
    def session(self) -> Any:  # type: ignore[override]
        if self._session is None:
            self._session = boto3.Session(
                aws_access_key_id=self.credentials.accessKeyId,
                aws_secret_access_key=self.credentials.secretAccessKey,
                aws_session_token=self.credentials.sessionToken,
                region_name=self._region,
            )
        return self._session

    def client(self, *args: Any, **kwargs: Any) -> Any:
        return self.session.client(*args, **kwargs)

    def resource(self, *args: Any, **kwargs: Any) -> Any:
        return self.session.resource(*args, **kwargs)
